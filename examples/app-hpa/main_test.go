package main

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-app-hpa"), plinthtest.WithConfig(map[string]string{
		"plinth-example-app-hpa:image": "registry.example.com/acme/web:1.4.2",
	}), plinthtest.WithSecretConfig(map[string]string{
		"plinth-example-app-hpa:dbPassword": "example",
	}))
	if len(s.Resources) == 0 {
		t.Fatalf("the example registered nothing")
	}
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
