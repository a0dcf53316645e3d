package app_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/slo"
)

const (
	rolloutType  = "kubernetes:argoproj.io/v1alpha1:Rollout"
	analysisType = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate"
)

func TestProgressiveCanary(t *testing.T) {
	s, web := deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod", Strategy: progressive(nil)})
	want := map[string]int{
		app.TypeToken: 1, nsType: 1, saType: 1, deployment: 1, service: 1, hpaType: 1, pdbType: 1, npType: 1, smType: 1,
		rolloutType: 1, analysisType: 2,
	}
	if got := s.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("inventory:\n%s want %v", s.Inventory(), want)
	}
	if web.Rollout == nil || web.AnalysisTemplate == nil {
		t.Fatal("App.Rollout or App.AnalysisTemplate is nil")
	}

	// The Deployment holds the pod template; Argo Rollouts owns the
	// replica count and scales the Deployment down once the Rollout is
	// healthy.
	d := s.Get(t, deployment, "web-deployment")
	if d.Has("spec.replicas") {
		t.Errorf("the Deployment sets spec.replicas (%v): Argo Rollouts scales it", d.Value(t, "spec.replicas"))
	}
	if got := d.Value(t, "spec.template.spec.topologySpreadConstraints[0].matchLabelKeys"); fmt.Sprint(got) != "[rollouts-pod-template-hash]" {
		t.Errorf("spread matchLabelKeys = %v, want Argo Rollouts' hash label", got)
	}
	r := s.Get(t, rolloutType, "web-rollout")
	r.Expect(t, map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
		"metadata.name": "web", "metadata.namespace": "web",
		"spec.workloadRef.apiVersion": "apps/v1", "spec.workloadRef.kind": "Deployment",
		"spec.workloadRef.name": "web", "spec.workloadRef.scaleDown": "onsuccess",
		"spec.progressDeadlineAbort": true, "spec.progressDeadlineSeconds": 600.0,
		"spec.strategy.canary.maxUnavailable": 0.0,
	})
	if r.Has("spec.replicas") || r.Has("spec.template") {
		t.Errorf("an autoscaled Rollout with a workloadRef sets spec.replicas or spec.template: %s", r.JSON())
	}
	if got, want := r.Value(t, "spec.selector.matchLabels"), d.Value(t, "spec.selector.matchLabels"); !reflect.DeepEqual(got, want) {
		t.Errorf("Rollout selector %v, Deployment selector %v: they must match", got, want)
	}
	var steps []map[string]any
	r.Decode(t, "spec.strategy.canary.steps", &steps)
	var shape []string
	for _, st := range steps {
		switch {
		case st["setWeight"] != nil:
			shape = append(shape, fmt.Sprint(st["setWeight"]))
		case st["analysis"] != nil:
			shape = append(shape, "analysis")
		case st["pause"] != nil:
			shape = append(shape, "pause "+fmt.Sprint(st["pause"].(map[string]any)["duration"]))
		}
	}
	if got := strings.Join(shape, " → "); got != "10 → analysis → 25 → pause 60s → 50 → pause 60s" {
		t.Fatalf("canary steps %s", got)
	}
	for path, template := range map[string]string{"spec.strategy.canary.steps[1].analysis": "web-health", "spec.strategy.canary.analysis": "web-health-background"} {
		r.Expect(t, map[string]any{
			path + ".templates[0].templateName":              template,
			path + ".args[0].name":                           app.AnalysisHashArg,
			path + ".args[0].valueFrom.podTemplateHashValue": "Latest",
		})
	}
	// The background analysis starts at the second weight.
	if got := r.Number(t, "spec.strategy.canary.analysis.startingStep"); got != 2 || shape[2] != "25" {
		t.Fatalf("background analysis starts at step %v (%s)", got, shape[int(got)])
	}

	s.Get(t, hpaType, "web-hpa").Expect(t, map[string]any{
		"spec.scaleTargetRef.apiVersion": "argoproj.io/v1alpha1",
		"spec.scaleTargetRef.kind":       "Rollout",
		"spec.scaleTargetRef.name":       "web",
	})
	if got := s.Get(t, smType, "web-servicemonitor").Value(t, "spec.podTargetLabels"); fmt.Sprint(got) != "[rollouts-pod-template-hash]" {
		t.Errorf("ServiceMonitor podTargetLabels = %v: the analysis cannot tell the new pods' series apart", got)
	}
	// One Service selects both versions: the weight is a share of the
	// replicas.
	if svc := s.Get(t, service, "web-service"); svc.Has(`spec.selector["plinth.dev/track"]`) && svc.String(t, `spec.selector["plinth.dev/track"]`) != "stable" {
		t.Errorf("service selector %v", svc.Value(t, "spec.selector"))
	}
}

func TestProgressiveWithFixedReplicasAndNoPauses(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Replicas: new(4), Autoscaling: &app.AutoscalingArgs{Disabled: true},
		Strategy: progressive(&app.ProgressiveArgs{Steps: []int{20}, StepPauseSeconds: new(0)})})
	r := s.Get(t, rolloutType, "web-rollout")
	if got := r.Number(t, "spec.replicas"); got != 4 {
		t.Fatalf("Rollout replicas = %v, want 4", got)
	}
	if d := s.Get(t, deployment, "web-deployment"); d.Has("spec.replicas") {
		t.Fatalf("the Deployment sets replicas %v", d.Value(t, "spec.replicas"))
	}
	var steps []map[string]any
	r.Decode(t, "spec.strategy.canary.steps", &steps)
	if len(steps) != 2 || steps[0]["setWeight"] != 20.0 || steps[1]["analysis"] == nil {
		t.Fatalf("steps = %v, want setWeight 20 then the analysis", steps)
	}
	if r.Has("spec.strategy.canary.analysis") {
		t.Fatal("a single step has nothing to watch in the background")
	}
	if n := len(s.ByType(hpaType)); n != 0 {
		t.Fatalf("%d HPAs with autoscaling off", n)
	}
}

func TestProgressiveBlueGreen(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Strategy: progressive(&app.ProgressiveArgs{Mode: app.ModeBlueGreen})})
	r := s.Get(t, rolloutType, "web-rollout")
	r.Expect(t, map[string]any{
		"spec.strategy.blueGreen.activeService":                                  "web",
		"spec.strategy.blueGreen.previewService":                                 "web-preview",
		"spec.strategy.blueGreen.autoPromotionEnabled":                           true,
		"spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName": "web-health",
	})
	if r.Has("spec.strategy.canary") {
		t.Fatal("blue-green Rollout has a canary strategy")
	}
	live, preview := s.Get(t, service, "web-service"), s.Get(t, service, "web-preview-service")
	// Both select the application; Argo Rollouts adds each version's hash,
	// which a refresh must not undo.
	if !reflect.DeepEqual(live.Value(t, "spec.selector"), preview.Value(t, "spec.selector")) {
		t.Fatalf("live %v and preview %v selectors differ", live.Value(t, "spec.selector"), preview.Value(t, "spec.selector"))
	}
	for _, svc := range []plinthtest.Resource{live, preview} {
		if !slices.Contains(svc.IgnoreChanges, "spec.selector") {
			t.Errorf("%s ignores %v, want spec.selector (Argo Rollouts writes it)", svc.Name, svc.IgnoreChanges)
		}
	}
	// A canary Rollout leaves the Services alone.
	canary, _ := deploy(t, app.Args{Image: pulumi.String(image), Strategy: progressive(nil)})
	if ic := canary.Get(t, service, "web-service").IgnoreChanges; len(ic) != 0 {
		t.Errorf("a canary app's Service ignores %v", ic)
	}
}

// shape is e's structure with the parts the analysis changes left out:
// the grouping (the analysis measures one service), the range (its own
// window) and the matchers that pick the service and the new pods.
func shape(t *testing.T, e parser.Expr) string {
	t.Helper()
	var b strings.Builder
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.AggregateExpr:
			fmt.Fprintf(&b, "%s(", n.Op)
		case *parser.Call:
			fmt.Fprintf(&b, "%s(", n.Func.Name)
		case *parser.BinaryExpr:
			fmt.Fprintf(&b, "%s ", n.Op)
		case *parser.NumberLiteral:
			fmt.Fprintf(&b, "%v ", n.Val)
		case *parser.VectorSelector:
			fmt.Fprintf(&b, "%s{", n.Name)
			for _, m := range n.LabelMatchers {
				switch m.Name {
				case "__name__", "namespace", "service", app.RolloutHashSeriesLabel:
				default:
					fmt.Fprintf(&b, "%s", m)
				}
			}
			b.WriteString("} ")
		}
		return nil
	})
	return b.String()
}

// subShapes are the shapes of every aggregation and function call in e.
func subShapes(t *testing.T, e parser.Expr) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.AggregateExpr, *parser.Call:
			out[shape(t, n.(parser.Expr))] = true
		}
		return nil
	})
	return out
}

// TestAnalysisIsTheAlertsDefinitionOfHealthy parses every analysis query
// with the PromQL parser and checks it against the alert on the same
// signal: the same expression (but for the grouping, window and the
// canary's matchers), and a success condition at the alert's threshold.
func TestAnalysisIsTheAlertsDefinitionOfHealthy(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Namespace: pulumi.String("shop"), Strategy: progressive(&app.ProgressiveArgs{
		Analysis: &app.AnalysisArgs{Window: "90s", Interval: "30s", Count: new(4)},
	})})
	tmpl := s.Get(t, analysisType, "web-analysistemplate")
	tmpl.Expect(t, map[string]any{"metadata.name": "web-health", "metadata.namespace": "shop", "spec.args[0].name": app.AnalysisHashArg})
	var metrics []struct {
		Name             string
		Interval         string
		Count            int
		FailureLimit     *int
		SuccessCondition string
		FailureCondition string
		Provider         struct {
			Prometheus struct{ Address, Query string }
		}
	}
	tmpl.Decode(t, "spec.metrics", &metrics)
	alerts := map[string]string{"error-ratio": "HighErrorRate", "latency-p95": "HighLatency"}
	rules := map[string]monitoring.Rule{}
	for _, r := range monitoring.DefaultRules(monitoring.MetricNames{Requests: "http_requests_total", Duration: "http_request_duration_seconds", StatusLabel: "status"}) {
		rules[r.Alert] = r
	}
	if len(metrics) != len(alerts)+1 {
		t.Fatalf("%d analysis metrics, want one per alert on requests (%d) and the requests count", len(metrics), len(alerts))
	}
	for _, m := range metrics {
		if m.Name == slo.RequestsName {
			// Fewer than 20 requests in every one of the 4 measurements:
			// the version was never tried, and fails at the last.
			if m.Count != 4 || m.FailureLimit == nil || *m.FailureLimit != 3 || m.SuccessCondition != "result[0] >= 20" || m.FailureCondition != "result[0] < 20" {
				t.Errorf("requests: count %d failureLimit %v success %q failure %q", m.Count, m.FailureLimit, m.SuccessCondition, m.FailureCondition)
			}
			if _, err := parser.ParseExpr(strings.ReplaceAll(m.Provider.Prometheus.Query, "{{args."+app.AnalysisHashArg+"}}", "7d9c5b")); err != nil {
				t.Errorf("requests: not PromQL: %v", err)
			}
			continue
		}
		rule, ok := rules[alerts[m.Name]]
		if !ok {
			t.Fatalf("analysis metric %q has no alert", m.Name)
		}
		if m.Interval != "30s" || m.Count != 4 || m.FailureLimit == nil || *m.FailureLimit != 0 {
			t.Errorf("%s: interval %q count %d failureLimit %v", m.Name, m.Interval, m.Count, m.FailureLimit)
		}
		if m.Provider.Prometheus.Address != "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090" {
			t.Errorf("%s: address %q", m.Name, m.Provider.Prometheus.Address)
		}
		// Argo Rollouts substitutes the argument before querying.
		q := strings.ReplaceAll(m.Provider.Prometheus.Query, "{{args."+app.AnalysisHashArg+"}}", "7d9c5b")
		query, err := parser.ParseExpr(q)
		if err != nil {
			t.Fatalf("%s: the analysis query is not PromQL: %v\n%s", m.Name, err, q)
		}
		alertExpr, err := parser.ParseExpr(rule.Expr)
		if err != nil {
			t.Fatal(err)
		}
		cmp, ok := alertExpr.(*parser.BinaryExpr)
		if !ok || cmp.Op != parser.GTR {
			t.Fatalf("%s: alert %q is not a > comparison", rule.Alert, rule.Expr)
		}
		// Every aggregation and function of the alert's signal is in the
		// analysis query, unchanged; the analysis only adds how it reads
		// no data (pkg/slo).
		have := subShapes(t, query)
		for want := range subShapes(t, cmp.LHS) {
			if !have[want] {
				t.Errorf("%s does not measure %s, which %s alerts on:\n%s", m.Name, want, rule.Alert, q)
			}
		}
		// The canary's series only: the service's, at the new hash.
		for _, sel := range parser.ExtractSelectors(query) {
			got := map[string]string{}
			for _, lm := range sel {
				got[lm.Name] = lm.Value
			}
			if got["namespace"] != "shop" || got["service"] != "web" || got[app.RolloutHashSeriesLabel] != "7d9c5b" {
				t.Errorf("%s selects %v, want namespace shop, service web and the canary hash", m.Name, sel)
			}
		}
		parser.Inspect(query, func(n parser.Node, _ []parser.Node) error {
			if ms, ok := n.(*parser.MatrixSelector); ok && ms.Range.Seconds() != 90 {
				t.Errorf("%s: window %v, want 90s", m.Name, ms.Range)
			}
			return nil
		})
		threshold := cmp.RHS.(*parser.NumberLiteral).Val
		limit := func(cond, op string) float64 {
			_, num, ok := strings.Cut(cond, "result[0] "+op+" ")
			num, _, _ = strings.Cut(num, ")")
			v, err := strconv.ParseFloat(num, 64)
			if !ok || err != nil {
				t.Fatalf("%s: condition %q does not compare result[0] %s a number", m.Name, cond, op)
			}
			return v
		}
		if limit(m.SuccessCondition, "<=") != threshold || limit(m.FailureCondition, ">") != threshold {
			t.Errorf("%s: success %q / failure %q, want the alert's threshold %v", m.Name, m.SuccessCondition, m.FailureCondition, threshold)
		}
	}
}

// TestProgressiveIsRestricted: the Rollout runs the Deployment's template,
// which is the one the Pod Security check proves.
func TestProgressiveIsRestricted(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Strategy: progressive(nil)})
	restricted(t, s)
	if n := len(s.ByType(deployment)); n != 1 {
		t.Fatalf("%d Deployments, want the one the Rollout references", n)
	}
}
