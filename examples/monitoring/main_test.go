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
		"plinth-example-monitoring:grafanaAdminPassword": "grafana-pass-7f3a",
		"plinth-example-monitoring:pagingUrl":            "https://paging.example.com/h",
		"plinth-example-monitoring:chatUrl":              "https://chat.example.com/h",
	}))
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:kubernetes:Monitoring": 1, "kubernetes:helm.sh/v4:Chart": 1,
	})
	// The chart runs Prometheus as non-root, and the Grafana password
	// reaches the cluster only as a secret.
	chart := s.One(t, "kubernetes:helm.sh/v4:Chart")
	chart.Expect(t, map[string]any{"values.prometheus.prometheusSpec.securityContext.runAsNonRoot": true})
	if g := s.Get(t, "kubernetes:core/v1:Secret", "monitoring-grafana-admin"); !g.IsSecret(`stringData["admin-password"]`) {
		t.Errorf("the Grafana password is not a secret in the state")
	}
	if leaks := s.Plaintext("grafana-pass-7f3a"); len(leaks) != 0 {
		t.Errorf("the Grafana password is in plaintext: %v", leaks)
	}
	t.Logf("registered:\n%s", s.Inventory())
}
