package monitoring_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestBadInputIsRejectedBeforeAnythingRegisters(t *testing.T) {
	rule := func(mod func(r *monitoring.Rule)) monitoring.Args {
		a := installArgs()
		r := monitoring.Rule{Alert: "QueueBacklog", Expr: "sum(queue_depth) > 10", For: "5m",
			Severity: monitoring.SeverityWarning, Sev: monitoring.SEV3, Summary: "s", Description: "d"}
		mod(&r)
		a.Rules = []monitoring.Rule{r}
		return a
	}
	args := func(mod func(a *monitoring.Args)) monitoring.Args {
		a := installArgs()
		mod(&a)
		return a
	}
	tests := []struct {
		name     string
		args     monitoring.Args
		wantPath string
		wantText string
	}{
		{"bad PromQL", rule(func(r *monitoring.Rule) { r.Expr = "sum(rate(x[5m]) >" }), "rules[0].expr", "is not valid PromQL"},
		{"an empty expression", rule(func(r *monitoring.Rule) { r.Expr = " " }), "rules[0].expr", "is empty"},
		{"an unknown severity", rule(func(r *monitoring.Rule) { r.Severity = "page" }), "rules[0].severity", `"page" is not a severity`},
		{"a severity that contradicts the incident level", rule(func(r *monitoring.Rule) { r.Sev = monitoring.SEV1 }), "rules[0].severity", `"warning" does not match SEV1, which is critical`},
		{"an unknown incident level", rule(func(r *monitoring.Rule) { r.Sev = "P1" }), "rules[0].sev", `"P1" is not an incident level`},
		{"a bad duration", rule(func(r *monitoring.Rule) { r.For = "five minutes" }), "rules[0].for", "is not a Prometheus duration"},
		{"a lowercase alert name", rule(func(r *monitoring.Rule) { r.Alert = "queue_backlog" }), "rules[0].alert", "is not an alert name"},
		{"a rule without a summary", rule(func(r *monitoring.Rule) { r.Summary = "" }), "rules[0].summary", "is empty"},
		{"a user rule named like a default", rule(func(r *monitoring.Rule) { r.Alert = "HighErrorRate" }), "rules[0].alert", `"HighErrorRate" is also defaultRules.HighErrorRate`},
		{"a reserved label", rule(func(r *monitoring.Rule) { r.Labels = map[string]string{"severity": "x"} }), "rules[0].labels", `key "severity" is reserved`},
		{"negative retention", args(func(a *monitoring.Args) { a.Prometheus.Retention = "-5d" }), "prometheus.retention", "is not a positive Prometheus duration"},
		{"a malformed storage size", args(func(a *monitoring.Args) { a.Prometheus.StorageSize = "100 gigs" }), "prometheus.storageSize", "is not a Kubernetes quantity"},
		{"no Grafana secret in install mode", args(func(a *monitoring.Args) { a.Grafana.AdminPassword = nil }), "grafana.adminPassword", "is not set: pass a Pulumi secret"},
		{"no chart repository", args(func(a *monitoring.Args) { a.Chart.Repository = "" }), "chart.repository", "is empty"},
		{"a plain-HTTP chart repository", args(func(a *monitoring.Args) { a.Chart.Repository = "http://charts.example.com" }), "chart.repository", "is not an absolute https or oci URL"},
		{"a chart version range", args(func(a *monitoring.Args) { a.Chart.Version = "^79" }), "chart.version", "is not a chart version"},
		{"an unknown mode", args(func(a *monitoring.Args) { a.Mode = "managed" }), "mode", `"managed" is not one of "install", "operator"`},
		{"negative replicas", args(func(a *monitoring.Args) { a.Prometheus.Replicas = new(-1) }), "prometheus.replicas", "(-1) is below 1"},
		{"zero replicas", args(func(a *monitoring.Args) { a.Prometheus.Replicas = new(0) }), "prometheus.replicas", "(0) is below 1"},
		{"a remote-write URL with a password", args(func(a *monitoring.Args) {
			a.Prometheus.RemoteWriteURL = "https://metrics:s3cret@m.example.com/api/v1/write"
		}),
			"prometheus.remoteWriteUrl", "holds a credential in the clear (it is a URL with a password in it)"},
		{"a remote-write URL with a token in its query", args(func(a *monitoring.Args) { a.Prometheus.RemoteWriteURL = "https://m.example.com/write?api_key=abc" }),
			"prometheus.remoteWriteUrl", "a credential in its query (api_key)"},
		{"a memory limit below the request", args(func(a *monitoring.Args) { a.Prometheus.MemoryRequest, a.Prometheus.MemoryLimit = "8Gi", "4Gi" }), "prometheus.memoryLimit", "(4Gi) is below memoryRequest (8Gi)"},
		{"a secret in the escape hatch", args(func(a *monitoring.Args) {
			a.ExtraValues = map[string]any{"grafana": map[string]any{"adminPassword": "x"}}
		}), "extraValues.grafana.adminPassword", "would put a secret in the chart values"},
		{"a bad metric name", args(func(a *monitoring.Args) { a.Metrics.Requests = "http-requests" }), "metrics.requests", "is not a Prometheus metric or label name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := monitoring.New(ctx, "monitoring", tt.args)
				return err
			})
			if err == nil {
				t.Fatalf("monitoring.New accepted it")
			}
			if len(s.Resources) != 0 {
				t.Fatalf("registered %d resources before failing", len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate("monitoring"), `monitoring "monitoring": `, tt.wantPath, tt.wantText)
		})
	}
}
