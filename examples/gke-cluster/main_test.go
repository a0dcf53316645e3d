package main

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-gke-cluster"), plinthtest.WithConfig(map[string]string{
		"plinth-example-gke-cluster:project":           "acme-platform",
		"plinth-example-gke-cluster:region":            "europe-west1",
		"plinth-example-gke-cluster:authorizedNetwork": "203.0.113.0/24",
	}), plinthtest.WithSecretConfig(map[string]string{}))
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:gcp:Network": 1, "plinth:gcp:GkeCluster": 1, "gcp:container/nodePool:NodePool": 1,
		"pulumi:providers:kubernetes": 1, "plinth:kubernetes:App": 1,
	})
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
