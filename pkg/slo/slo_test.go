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

func TestConditionsSplitAtTheLimitAndNoDataIsInconclusive(t *testing.T) {
	for _, o := range Objectives() {
		for _, c := range []struct {
			result           []float64
			success, failure bool
		}{
			{[]float64{o.Max / 10}, true, false},
			{[]float64{o.Max}, true, false},
			{[]float64{o.Max * 1.6}, false, true},
			{[]float64{}, false, false},
			{[]float64{math.NaN()}, false, false},
		} {
			s, f := evaluate(t, o.SuccessCondition(), c.result), evaluate(t, o.FailureCondition(), c.result)
			if s != c.success || f != c.failure {
				t.Errorf("%s on %v: success %v failure %v, want %v %v", o.Name, c.result, s, f, c.success, c.failure)
			}
		}
	}
}
