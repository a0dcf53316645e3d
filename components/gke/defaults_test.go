package gke

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

// TestDefaultedArgsValidate: the defaults of every tier, with only the
// required fields given, pass validation, in Standard and Autopilot mode.
// The endpoint is public by default, so the blocks that may reach it are
// required.
func TestDefaultedArgsValidate(t *testing.T) {
	for _, tier := range config.Tiers {
		for _, autopilot := range []bool{false, true} {
			a := Args{Tier: tier, Project: "acme-platform", Region: "europe-west1", Autopilot: autopilot,
				Network: pulumi.String("main"), Subnetwork: pulumi.String("main-nodes"),
				AuthorizedNetworks: []string{"203.0.113.0/24"}}
			if err := a.Validate("main"); err != nil {
				t.Errorf("tier %s, autopilot %v: %v", tier, autopilot, err)
			}
		}
	}
}
