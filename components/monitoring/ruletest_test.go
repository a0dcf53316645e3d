package monitoring_test

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

var metrics = monitoring.MetricNames{Requests: "http_requests_total", Duration: "http_request_duration_seconds", StatusLabel: "status"}

// TestEveryDefaultRuleHasATest: a default rule without firing and quiet
// series would go untested by promtool.
func TestEveryDefaultRuleHasATest(t *testing.T) {
	var tested []string
	for _, rt := range monitoring.DefaultRuleTests(metrics) {
		tested = append(tested, rt.Rule.Alert)
	}
	for _, r := range monitoring.DefaultRules(metrics) {
		if !slices.Contains(tested, r.Alert) {
			t.Errorf("default rule %s has no RuleTest", r.Alert)
		}
	}
}

// TestPromtoolFilesHoldThreeCasesPerRule checks the generated files'
// shape; promtool itself runs them in `make alert-tests`.
func TestPromtoolFilesHoldThreeCasesPerRule(t *testing.T) {
	tests := monitoring.DefaultRuleTests(metrics)
	rules, unit, err := monitoring.PromtoolFiles(tests, "https://runbooks.example.com", "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := yaml.UnmarshalStrict(rules, &rf); err != nil || len(rf.Groups) != 1 || len(rf.Groups[0].Rules) != len(tests) {
		t.Fatalf("rule file: %v\n%s", err, rules)
	}
	for _, r := range rf.Groups[0].Rules {
		if r.Labels["severity"] == "" || r.Labels["sev"] == "" || !strings.HasPrefix(r.Annotations["runbook_url"], "https://runbooks.example.com/") {
			t.Errorf("rule %s lacks its severity, sev or runbook: %+v", r.Alert, r)
		}
	}
	var uf struct {
		RuleFiles []string `json:"rule_files"`
		Tests     []struct {
			AlertRuleTest []struct {
				EvalTime  string `json:"eval_time"`
				Alertname string `json:"alertname"`
				ExpAlerts []struct {
					ExpLabels map[string]string `json:"exp_labels"`
				} `json:"exp_alerts"`
			} `json:"alert_rule_test"`
		} `json:"tests"`
	}
	if err := yaml.Unmarshal(unit, &uf); err != nil || !slices.Equal(uf.RuleFiles, []string{"rules.yaml"}) {
		t.Fatalf("unit-test file: %v\n%s", err, unit)
	}
	firing := map[string]int{}
	for _, c := range uf.Tests {
		for _, a := range c.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				firing[a.Alertname]++
				if a.ExpAlerts[0].ExpLabels["severity"] == "" {
					t.Errorf("%s at %s expects no severity label", a.Alertname, a.EvalTime)
				}
			}
		}
	}
	// Every default rule has a for: window: fires, silent before, quiet.
	if len(uf.Tests) != 3*len(tests) || len(firing) != len(tests) {
		t.Fatalf("%d cases, %d rules firing, want %d and %d", len(uf.Tests), len(firing), 3*len(tests), len(tests))
	}
}

func TestARuleTestNeedsBothSides(t *testing.T) {
	rt := monitoring.DefaultRuleTests(metrics)[0]
	rt.Quiet = nil
	_, _, err := monitoring.PromtoolFiles([]monitoring.RuleTest{rt}, "https://runbooks.example.com", "rules.yaml")
	plinthtest.RequireProblem(t, err, "rule tests: ", "tests[0]", "has no firing or no quiet series")
}

// TestOneAlertPerCondition: the chart's rules for the conditions plinth's
// default rules cover are disabled in the chart's values.
func TestOneAlertPerCondition(t *testing.T) {
	s, _ := deploy(t, installArgs())
	chart := s.One(t, "kubernetes:helm.sh/v4:Chart")
	for _, rule := range []string{"KubePodCrashLooping", "KubeDeploymentReplicasMismatch", "KubeHpaMaxedOut"} {
		if !chart.Bool(t, "values.defaultRules.disabled."+rule) {
			t.Errorf("the chart's %s is not disabled: it duplicates a plinth default rule", rule)
		}
	}
}
