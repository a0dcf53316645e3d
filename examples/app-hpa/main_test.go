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
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:kubernetes:App": 1, "kubernetes:apps/v1:Deployment": 1,
		"kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1, "kubernetes:policy/v1:PodDisruptionBudget": 1,
	})
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
