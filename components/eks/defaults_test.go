package eks

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

func TestDefaultedArgsValidate(t *testing.T) {
	for _, tier := range config.Tiers {
		a := Args{Tier: tier, SubnetIDs: pulumi.StringArray{}, AdminRoleARNs: []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:role/admin")}}
		if err := a.Validate("main"); err != nil {
			t.Errorf("tier %s: %v", tier, err)
		}
	}
}
