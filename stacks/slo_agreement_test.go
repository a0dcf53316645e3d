//go:build !plinthlocal

package main

import (
	"slices"
	"sort"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/plinth-dev/plinth/pkg/policy"
)

// The canary analysis and the alerts judge the same service on the same
// series: what decides a promotion and what pages a person read the
// metrics the app exposes under one set of names (pkg/slo's defaults;
// neither is configurable per stack, so they cannot drift apart). These
// tests read the names back out of what the prod stack registers.

// seriesNames returns the metric names an expression selects.
func seriesNames(t *testing.T, expr string) []string {
	t.Helper()
	e, err := parser.ParseExpr(expr)
	if err != nil {
		t.Fatalf("%q: %v", expr, err)
	}
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && vs.Name != "" {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}

// analysisAndAlertSeries returns the series the AnalysisTemplates query
// and the series the PrometheusRules' alerts read.
func analysisAndAlertSeries(t *testing.T, rs []policy.Resource) (analysis, alerts map[string]bool) {
	t.Helper()
	analysis, alerts = map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		switch r.Type {
		case "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate":
			spec, _ := r.Inputs["spec"].(map[string]any)
			metrics, _ := spec["metrics"].([]any)
			for _, m := range metrics {
				prom, _ := m.(map[string]any)["provider"].(map[string]any)["prometheus"].(map[string]any)
				q, _ := prom["query"].(string)
				for _, n := range seriesNames(t, q) {
					analysis[n] = true
				}
			}
		case "kubernetes:monitoring.coreos.com/v1:PrometheusRule":
			spec, _ := r.Inputs["spec"].(map[string]any)
			groups, _ := spec["groups"].([]any)
			for _, g := range groups {
				rules, _ := g.(map[string]any)["rules"].([]any)
				for _, rule := range rules {
					expr, _ := rule.(map[string]any)["expr"].(string)
					for _, n := range seriesNames(t, expr) {
						alerts[n] = true
					}
				}
			}
		}
	}
	return analysis, alerts
}

func TestTheCanaryAnalysisAndTheAlertsReadTheSameSeries(t *testing.T) {
	rs, _ := composed(t, "prod", nil)
	analysis, alerts := analysisAndAlertSeries(t, rs)
	if len(analysis) == 0 || len(alerts) == 0 {
		t.Fatalf("prod registers analysis series %v and alert series %v: want both", analysis, alerts)
	}
	if missing := unreadByAlerts(analysis, alerts); len(missing) > 0 {
		t.Fatalf("the canary analysis reads %v, which no alert reads (alerts read %v)", missing, keys(alerts))
	}
	t.Logf("analysis and alerts both read %v", keys(analysis))

	// The check fails on the mistake it guards against: an analysis that
	// reads a metric the alerts do not.
	renamed, n := mutate(rs, func(r policy.Resource) bool { return r.Type == "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate" }, func(r *policy.Resource) {
		for _, m := range r.Inputs["spec"].(map[string]any)["metrics"].([]any) {
			prom := m.(map[string]any)["provider"].(map[string]any)["prometheus"].(map[string]any)
			prom["query"] = `sum(rate(requests_total[2m]))`
		}
	})
	if n == 0 {
		t.Fatal("no AnalysisTemplate to rename")
	}
	if missing := unreadByAlerts(analysisAndAlertSeries(t, renamed)); !slices.Equal(missing, []string{"requests_total"}) {
		t.Fatalf("an analysis reading requests_total: unread by alerts %v, want [requests_total]", missing)
	}
}

// unreadByAlerts returns the analysis series no alert reads.
func unreadByAlerts(analysis, alerts map[string]bool) []string {
	var missing []string
	for n := range analysis {
		if !alerts[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	return missing
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
