package monitoring

import (
	"fmt"
	"maps"
	"time"

	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/problem"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// RuleTest proves an alerting rule with Prometheus' own rule engine
// (`promtool test rules`): series that cross its threshold make it fire
// once For has passed, and not before; series just below it keep it
// quiet. PromtoolFiles writes the files; `make alert-tests` runs
// plinth's, and docs/alerts.md shows how to test your own rules.
type RuleTest struct {
	// Rule is the rule under test.
	Rule Rule `json:"rule"`
	// Firing are input series that cross the threshold from the start.
	Firing []Series `json:"firing"`
	// FiringLabels are the labels the alert carries beyond alertname,
	// severity, sev and the rule's own Labels (those of the series the
	// expression keeps), e.g. {"namespace": "web", "service": "web"}.
	FiringLabels map[string]string `json:"firingLabels,omitempty"`
	// Quiet are input series just below the threshold.
	Quiet []Series `json:"quiet"`
}

// Series is an input series in promtool's notation.
type Series struct {
	// Series is the metric with its labels, e.g.
	// `http_requests_total{namespace="web",status="500"}`.
	Series string `json:"series"`
	// Values are its samples, one per minute, in promtool's expanding
	// notation, e.g. "0+6x40" (0, 6, 12, … 40 times).
	Values string `json:"values"`
}

// testWarmup is how long the tests' series run before a rule's
// expression can hold: a rate over [5m] needs two samples (1 minute), and
// 5 more minutes keep every rate window full of samples.
const testWarmup = 6 * time.Minute

// PromtoolFiles returns a Prometheus rule file holding the tests' rules
// (named rulesFile in the test file) and a promtool unit-test file. Each
// RuleTest becomes three cases: the Firing series at For plus the warm-up
// (the alert fires, with its labels and runbook annotation); the same
// series a minute before For has passed (nothing fires yet); and the
// Quiet series at the same time (nothing fires).
//
// The rule file keeps the rules' expressions, durations, labels and
// runbook URLs; it leaves out summary and description, whose text
// depends on the value at the time of evaluation.
func PromtoolFiles(tests []RuleTest, runbookBase, rulesFile string) (rules, unitTests []byte, err error) {
	p := problem.List{Prefix: "rule tests: "}
	var rs []any
	var cases []any
	for i, t := range tests {
		path := fmt.Sprintf("tests[%d]", i)
		t.Rule.validate(&p, path+".rule")
		if len(t.Firing) == 0 || len(t.Quiet) == 0 {
			p.Addf(path, "has no firing or no quiet series: give both, so the test proves the threshold")
			continue
		}
		var wait time.Duration
		if t.Rule.For != "" {
			d, err := model.ParseDuration(t.Rule.For)
			if err != nil {
				continue // validate reported it
			}
			wait = time.Duration(d)
		}
		m := t.Rule.manifest(runbookBase)
		ann := m["annotations"].(map[string]any)
		m["annotations"] = map[string]any{"runbook_url": ann["runbook_url"]}
		rs = append(rs, m)

		labels := map[string]string{}
		for k, v := range m["labels"].(map[string]any) {
			labels[k] = fmt.Sprint(v)
		}
		maps.Copy(labels, t.FiringLabels)
		fired := map[string]any{"exp_labels": labels, "exp_annotations": map[string]string{"runbook_url": fmt.Sprint(ann["runbook_url"])}}
		at := func(d time.Duration) string { return model.Duration(d).String() }
		cases = append(cases,
			unitCase(t.Firing, at(testWarmup+wait), t.Rule.Alert, []any{fired}),
			unitCase(t.Quiet, at(testWarmup+wait), t.Rule.Alert, []any{}),
		)
		if wait > 0 {
			cases = append(cases, unitCase(t.Firing, at(wait-time.Minute), t.Rule.Alert, []any{}))
		}
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	rules, err = yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "plinth", "rules": rs}}})
	if err != nil {
		return nil, nil, err
	}
	unitTests, err = yaml.Marshal(map[string]any{
		"rule_files":          []string{rulesFile},
		"evaluation_interval": "1m",
		"tests":               cases,
	})
	return rules, unitTests, err
}

func unitCase(series []Series, evalTime, alert string, want []any) map[string]any {
	var in []any
	for _, s := range series {
		in = append(in, map[string]any{"series": s.Series, "values": s.Values})
	}
	return map[string]any{
		"interval":     "1m",
		"input_series": in,
		"alert_rule_test": []any{map[string]any{
			"eval_time": evalTime, "alertname": alert, "exp_alerts": want,
		}},
	}
}

// DefaultRuleTests are the tests of DefaultRules(m): each alert's series
// just above and just below its threshold.
func DefaultRuleTests(m MetricNames) []RuleTest {
	rules := map[string]Rule{}
	for _, r := range DefaultRules(m) {
		rules[r.Alert] = r
	}
	svc := `namespace="web",service="web"`
	req := func(status, values string) Series {
		return Series{fmt.Sprintf(`%s{%s,%s="%s"}`, m.Requests, svc, m.StatusLabel, status), values}
	}
	bucket := func(le, values string) Series {
		return Series{fmt.Sprintf(`%s_bucket{%s,le="%s"}`, m.Duration, svc, le), values}
	}
	pod := `namespace="web",pod="web-7d9c",container="web"`
	deploy := `namespace="web",deployment="web"`
	hpa := `namespace="web",horizontalpodautoscaler="web"`
	rollout := func(phase string) Series {
		return Series{`rollout_info{namespace="web",name="web",strategy="canary",traffic_router="",phase="` + phase + `"}`, "1x60"}
	}
	return []RuleTest{{
		// 6 of 100 requests fail (6% > 5%); then 4 of 100 (4%).
		Rule:         rules["HighErrorRate"],
		Firing:       []Series{req("500", "0+6x40"), req("200", "0+94x40")},
		FiringLabels: map[string]string{"namespace": "web", "service": "web"},
		Quiet:        []Series{req("500", "0+4x40"), req("200", "0+96x40")},
	}, {
		// Per minute: 10 requests ≤ 1 s, 50 ≤ 2.5 s, 100 ≤ 5 s: p95 is
		// 4.75 s. Then 90 ≤ 1 s and 100 ≤ 2.5 s: p95 is 1.75 s, under 2 s.
		Rule: rules["HighLatency"],
		Firing: []Series{bucket("1", "0+10x40"), bucket("2.5", "0+50x40"),
			bucket("5", "0+100x40"), bucket("+Inf", "0+100x40")},
		FiringLabels: map[string]string{"namespace": "web", "service": "web"},
		Quiet: []Series{bucket("1", "0+90x40"), bucket("2.5", "0+100x40"),
			bucket("5", "0+100x40"), bucket("+Inf", "0+100x40")},
	}, {
		// A restart every minute; then none since the start.
		Rule:         rules["PodCrashLooping"],
		Firing:       []Series{{"kube_pod_container_status_restarts_total{" + pod + "}", "0+1x40"}},
		FiringLabels: map[string]string{"namespace": "web", "pod": "web-7d9c", "container": "web"},
		Quiet:        []Series{{"kube_pod_container_status_restarts_total{" + pod + "}", "3x40"}},
	}, {
		// 2 of 3 replicas available; then 3 of 3.
		Rule: rules["DeploymentReplicasMismatch"],
		Firing: []Series{{"kube_deployment_spec_replicas{" + deploy + "}", "3x40"},
			{"kube_deployment_status_replicas_available{" + deploy + "}", "2x40"}},
		FiringLabels: map[string]string{"namespace": "web", "deployment": "web"},
		Quiet: []Series{{"kube_deployment_spec_replicas{" + deploy + "}", "3x40"},
			{"kube_deployment_status_replicas_available{" + deploy + "}", "3x40"}},
	}, {
		// 10 replicas of at most 10; then 9.
		Rule: rules["HPAAtMaxReplicas"],
		Firing: []Series{{"kube_horizontalpodautoscaler_status_current_replicas{" + hpa + "}", "10x40"},
			{"kube_horizontalpodautoscaler_spec_max_replicas{" + hpa + "}", "10x40"}},
		FiringLabels: map[string]string{"namespace": "web", "horizontalpodautoscaler": "web"},
		Quiet: []Series{{"kube_horizontalpodautoscaler_status_current_replicas{" + hpa + "}", "9x40"},
			{"kube_horizontalpodautoscaler_spec_max_replicas{" + hpa + "}", "10x40"}},
	}, {
		// The rollout aborted; then completed.
		Rule:         rules["RolloutAborted"],
		Firing:       []Series{rollout("Abort")},
		FiringLabels: map[string]string{"namespace": "web", "name": "web"},
		Quiet:        []Series{rollout("Completed")},
	}, {
		// Paused (an inconclusive analysis); then progressing.
		Rule:         rules["RolloutStuck"],
		Firing:       []Series{rollout("Paused")},
		FiringLabels: map[string]string{"namespace": "web", "name": "web"},
		Quiet:        []Series{rollout("Progressing")},
	}}
}

// PromtoolExprTests returns a promtool unit-test file that evaluates each
// case's query on its series (promql_expr_test): the app component's
// canary analysis queries, checked with Prometheus' own engine beside
// the alerts they share their definition with (pkg/slo). rulesFile is
// the rule file the tests name (promtool loads it; the cases use none of
// its rules).
func PromtoolExprTests(cases []slo.Case, rulesFile string) ([]byte, error) {
	var tests []any
	for _, c := range cases {
		var in []any
		for _, s := range c.Series {
			in = append(in, map[string]any{"series": s[0], "values": s[1]})
		}
		samples := []any{}
		if c.Want != nil {
			samples = append(samples, map[string]any{"labels": "{}", "value": *c.Want})
		}
		tests = append(tests, map[string]any{
			"name":         c.Name,
			"interval":     "1m",
			"input_series": in,
			"promql_expr_test": []any{map[string]any{
				"expr": c.Expr, "eval_time": c.EvalTime, "exp_samples": samples,
			}},
		})
	}
	return yaml.Marshal(map[string]any{"rule_files": []string{rulesFile}, "evaluation_interval": "1m", "tests": tests})
}
