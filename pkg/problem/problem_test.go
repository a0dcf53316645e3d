package problem

import (
	"strings"
	"testing"
)

func TestListCollectsEveryProblemWithItsPath(t *testing.T) {
	l := List{Prefix: `app "web": `}
	l.Port("port", 70000)
	l.DNSLabel("name", "Web_1")
	l.Between("autoscaling.targetCPU", 0, 1, 100)
	l.HTTPPath("probes.readiness.path", "ready")
	l.OneOf("strategy.type", "Blue", "Rolling", "BlueGreen", "Canary")
	l.Quantity("resources.cpuRequest", "lots")
	l.CIDR("allowFrom[0]", "10.0.0.1/8")
	l.NotWorldOpen("publicAccessCidrs", []string{"10.0.0.0/8", "0.0.0.0/0"}, "list your office ranges")
	l.EnvName("env[0].name", "1BAD")
	l.NonNegative("replicas", -1)
	err := l.Err()
	want := []string{"port", "name", "autoscaling.targetCPU", "probes.readiness.path", "strategy.type",
		"resources.cpuRequest", "allowFrom[0]", "publicAccessCidrs[1]", "env[0].name", "replicas"}
	got := Paths(err)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("paths = %v, want %v", got, want)
	}
	if !strings.Contains(err.Error(), `app "web": port (70000) is not a valid port`) {
		t.Fatalf("error text %q lacks the prefixed, parenthesised form", err)
	}
	if !strings.Contains(err.Error(), `app "web": allowFrom[0]: "10.0.0.1/8" has host bits set: use "10.0.0.0/8"`) {
		t.Fatalf("error text %q lacks the colon form with the fix", err)
	}
}

func TestEmptyListIsNil(t *testing.T) {
	var l List
	l.Port("port", 8080)
	l.DNSLabel("name", "web")
	l.Add("x", nil)
	if err := l.Err(); err != nil {
		t.Fatalf("valid input produced %v", err)
	}
}

func TestExcept(t *testing.T) {
	var l List
	l.Prefix = `eks "main": `
	l.Addf("subnetIds", "is not set: pass the private subnets")
	l.Addf("version", `"1.24" is not a Kubernetes minor version EKS offers`)
	rest := Except(l.Err(), "subnetIds")
	if got := Paths(rest); len(got) != 1 || got[0] != "version" {
		t.Fatalf("Except kept %v, want only version", got)
	}
	if Except(rest, "version") != nil {
		t.Fatalf("nothing should remain")
	}
}
