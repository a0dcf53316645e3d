package ecs

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

func TestFargateMemoryTable(t *testing.T) {
	for cpu, want := range map[int][2]int{256: {512, 2048}, 512: {1024, 4096}, 1024: {2048, 8192}, 4096: {8192, 30720}, 16384: {32768, 122880}} {
		m := fargateMemory(cpu)
		if m[0] != want[0] || m[len(m)-1] != want[1] {
			t.Errorf("cpu %d: memory %d–%d, want %d–%d", cpu, m[0], m[len(m)-1], want[0], want[1])
		}
	}
}

// TestDefaultedArgsValidate: the defaults of every tier, with only the
// required fields given, pass validation, private and public.
func TestDefaultedArgsValidate(t *testing.T) {
	for _, tier := range config.Tiers {
		for _, public := range []bool{false, true} {
			a := Args{Tier: tier, VPCID: pulumi.String("vpc-0123456789abcdef0"),
				PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
				Image:            pulumi.String("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"),
				AllowedCIDRs:     []string{"10.0.0.0/8"}, AllowHTTP: true}
			if public {
				a.Public = true
				a.PublicSubnetIDs = pulumi.ToStringArray([]string{"subnet-0cccccccccccccccc", "subnet-0dddddddddddddddd"})
				a.AllowHTTP, a.CertificateARN = false, pulumi.String("arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f")
			}
			if err := a.Validate("web"); err != nil {
				t.Errorf("tier %s, public %v: %v", tier, public, err)
			}
		}
	}
}
