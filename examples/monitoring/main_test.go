package main

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-monitoring"), plinthtest.WithConfig(map[string]string{
		"plinth-example-monitoring:chartRepository": "https://charts.example.com/prometheus-community",
	}), plinthtest.WithSecretConfig(map[string]string{
		"plinth-example-monitoring:grafanaAdminPassword": "example",
		"plinth-example-monitoring:pagingUrl":            "https://paging.example.com/h",
		"plinth-example-monitoring:chatUrl":              "https://chat.example.com/h",
	}))
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:kubernetes:Monitoring": 1, "kubernetes:helm.sh/v4:Chart": 1,
	})
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
