package slo

import (
	"math"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// threshold parses a Breached expression and returns its comparison's
// operator and limit.
func threshold(t *testing.T, expr string) (parser.ItemType, float64, parser.Expr) {
	t.Helper()
	e, err := parser.ParseExpr(expr)
	if err != nil {
		t.Fatalf("%q is not PromQL: %v", expr, err)
	}
	b, ok := e.(*parser.BinaryExpr)
	if !ok {
		t.Fatalf("%q is a %T, want a comparison", expr, e)
	}
	n, ok := b.RHS.(*parser.NumberLiteral)
	if !ok {
		t.Fatalf("%q compares with %T, want a number", expr, b.RHS)
	}
	return b.Op, n.Val, b.LHS
}

func TestBreachedComparesTheQueryWithTheLimit(t *testing.T) {
	for _, o := range Objectives() {
		op, limit, lhs := threshold(t, o.Breached(Metrics{}, "5m", []string{"namespace", "service"}))
		if op != parser.GTR || limit != o.Max {
			t.Errorf("%s: %v %v, want > %v", o.Name, op, limit, o.Max)
		}
		q, err := parser.ParseExpr(o.Query(Metrics{}, "5m", []string{"namespace", "service"}))
		if err != nil {
			t.Fatal(err)
		}
		if lhs.String() != q.String() {
			t.Errorf("%s: the alert compares %s, not the query %s", o.Name, lhs, q)
		}
	}
}

func TestQuerySelectsWithTheMatchersAndWindow(t *testing.T) {
	m := Metrics{Requests: "reqs_total", Duration: "lat_seconds", StatusLabel: "code"}
	for _, o := range Objectives() {
		q := o.Query(m, "90s", nil, `namespace="web"`, `pod_hash="{{args.canary-hash}}"`)
		e, err := parser.ParseExpr(q)
		if err != nil {
			t.Fatalf("%s: %q: %v", o.Name, q, err)
		}
		var selectors int
		parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
			switch n := n.(type) {
			case *parser.MatrixSelector:
				if n.Range.Seconds() != 90 {
					t.Errorf("%s: window %v, want 90s", o.Name, n.Range)
				}
			case *parser.VectorSelector:
				selectors++
				want := map[string]string{"namespace": "web", "pod_hash": "{{args.canary-hash}}"}
				for _, lm := range n.LabelMatchers {
					if v, ok := want[lm.Name]; ok && lm.Type == labels.MatchEqual && lm.Value == v {
						delete(want, lm.Name)
					}
				}
				if len(want) > 0 {
					t.Errorf("%s: selector %s lacks %v", o.Name, n, want)
				}
				if metric := map[string]string{ErrorRatio.Name: "reqs_total", LatencyP95.Name: "lat_seconds_bucket"}[o.Name]; n.Name != metric {
					t.Errorf("%s: selects %q, want %q", o.Name, n.Name, metric)
				}
			}
			return nil
		})
		if selectors == 0 {
			t.Errorf("%s: %q selects no series", o.Name, q)
		}
	}
}

// The alert text is what the monitoring component has always registered:
// moving the definition here changed no rule.
func TestAlertExpressionsAreUnchanged(t *testing.T) {
	by := []string{"namespace", "service"}
	want := map[string]string{
		"error-ratio": "sum by (namespace, service) (rate(http_requests_total{status=~\"5..\"}[5m]))\n  / sum by (namespace, service) (rate(http_requests_total[5m])) > 0.05",
		"latency-p95": "histogram_quantile(0.95,\n  sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket[5m]))) > 2",
	}
	for _, o := range Objectives() {
		if got := o.Breached(Metrics{}, "5m", by); got != want[o.Name] {
			t.Errorf("%s:\n got %q\nwant %q", o.Name, got, want[o.Name])
		}
	}
}

// evaluate runs an Argo Rollouts condition on a measurement with the
// expression engine the controller uses (expr-lang), on the value its
// Prometheus provider passes for a vector: the samples as []float64.
func evaluate(t *testing.T, condition string, result []float64) bool {
	t.Helper()
	env := map[string]any{"result": result}
	program, err := expr.Compile(condition, expr.Env(env), expr.AsBool())
	if err != nil {
		t.Fatalf("%q does not compile: %v", condition, err)
	}
	out, err := expr.Run(program, env)
	if err != nil {
		t.Fatalf("%q on %v: %v", condition, result, err)
	}
	return out.(bool)
}

// conditionCase is one measurement and whether it passes or fails.
type conditionCase struct {
	result           []float64
	success, failure bool
}

// checkConditions evaluates success and failure on every case.
func checkConditions(t *testing.T, name, success, failure string, cases []conditionCase) {
	t.Helper()
	for _, c := range cases {
		s, f := evaluate(t, success, c.result), evaluate(t, failure, c.result)
		if s != c.success || f != c.failure {
			t.Errorf("%s on %v: success %v failure %v, want %v %v", name, c.result, s, f, c.success, c.failure)
		}
	}
}

// TestConditionsSplitAtTheLimitAndNoDataIsInconclusive: the alerts'
// conditions.
func TestConditionsSplitAtTheLimitAndNoDataIsInconclusive(t *testing.T) {
	for _, o := range Objectives() {
		checkConditions(t, o.Name, o.SuccessCondition(), o.FailureCondition(), []conditionCase{
			{[]float64{o.Max / 10}, true, false},
			{[]float64{o.Max}, true, false},
			{[]float64{o.Max * 1.6}, false, true},
			{[]float64{}, false, false},
			{[]float64{math.NaN()}, false, false},
		})
	}
}

// TestAnalysisConditions: no result (no request) passes both signals,
// -1 (requests but no histogram) fails, NaN is inconclusive; the
// requests measure splits at its minimum.
func TestAnalysisConditions(t *testing.T) {
	for _, o := range Objectives() {
		checkConditions(t, o.Name, o.AnalysisSuccess(), o.AnalysisFailure(), []conditionCase{
			{[]float64{o.Max / 10}, true, false},
			{[]float64{o.Max}, true, false},
			{[]float64{o.Max * 1.6}, false, true},
			{[]float64{}, true, false},
			{[]float64{-1}, false, true},
			{[]float64{math.NaN()}, false, false},
		})
	}
	for _, c := range []struct {
		n                float64
		success, failure bool
	}{{0, false, true}, {19, false, true}, {20, true, false}, {600, true, false}} {
		if s, f := evaluate(t, RequestsSuccess(20), []float64{c.n}), evaluate(t, RequestsFailure(20), []float64{c.n}); s != c.success || f != c.failure {
			t.Errorf("requests %v: success %v failure %v", c.n, s, f)
		}
	}
}

// TestAnalysisQueriesParse: the analysis queries are PromQL, select with
// the matchers, and keep the alert's signal inside.
func TestAnalysisQueriesParse(t *testing.T) {
	m := Metrics{}
	for _, q := range []string{
		ErrorRatio.AnalysisQuery(m, "2m", `namespace="web"`, `service="web"`),
		LatencyP95.AnalysisQuery(m, "2m", `namespace="web"`, `service="web"`),
		RequestsQuery(m, "2m", `namespace="web"`, `service="web"`),
	} {
		e, err := parser.ParseExpr(q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		for _, sel := range parser.ExtractSelectors(e) {
			ns := false
			for _, lm := range sel {
				ns = ns || (lm.Name == "namespace" && lm.Value == "web")
			}
			if !ns && len(sel) > 1 {
				t.Errorf("%q selects %v without the namespace", q, sel)
			}
		}
	}
}

// TestCheckBuckets: the default client buckets have no boundary at 2 s,
// so the latency limit falls inside (1, 2.5]; a boundary at 2 passes.
func TestCheckBuckets(t *testing.T) {
	defaults := []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	err := LatencyP95.CheckBuckets(defaults)
	if err == nil || err.Error() != "no bucket boundary at the latency-p95 limit (2 s): p95 is interpolated between 1 and 2.5 s, so the analysis and the alert judge it approximately; add a bucket at 2" {
		t.Fatalf("default buckets: %v", err)
	}
	if err := LatencyP95.CheckBuckets(append(defaults, 2)); err != nil {
		t.Fatal(err)
	}
	if err := ErrorRatio.CheckBuckets(defaults); err != nil {
		t.Fatal("the error ratio has no buckets to check")
	}
}
