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
	if len(s.Resources) == 0 {
		t.Fatalf("the example registered nothing")
	}
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
