// Command alertfiles writes the files `make alert-tests` checks with the
// real engines: plinth's alerting rules with their promtool unit tests,
// and the Alertmanager configuration with routing and inhibition cases
// written from the severity table.
//
//	alertfiles -out DIR [-tests my-rule-tests.yaml] [-no-defaults] [-runbooks URL]
//
// DIR receives rules.yaml and rules_test.yaml (for `promtool test rules`),
// analysis_test.yaml (the canary analysis queries, pkg/slo, on the same
// engine),
// alertmanager.yaml and routes.yaml (for tools/alertcheck). -tests adds
// your own rules' tests, a YAML list of monitoring.RuleTest (see
// docs/alerts.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// Placeholder receivers: the routing does not depend on their URLs.
const (
	pagingURL = "https://paging.example.com/alertmanager"
	chatURL   = "https://chat.example.com/hooks/alerts"
)

func main() {
	out := flag.String("out", "", "directory to write the files to")
	user := flag.String("tests", "", "YAML file with your own rule tests (a list of monitoring.RuleTest)")
	noDefaults := flag.Bool("no-defaults", false, "leave plinth's default rules out")
	runbooks := flag.String("runbooks", monitoring.DefaultRunbookBaseURL, "base URL of the runbooks")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: alertfiles -out DIR [-tests FILE] [-no-defaults] [-runbooks URL]")
		os.Exit(2)
	}
	if err := write(*out, *user, *noDefaults, *runbooks); err != nil {
		fmt.Fprintln(os.Stderr, "alertfiles:", err)
		os.Exit(1)
	}
}

func write(out, user string, noDefaults bool, runbooks string) error {
	var tests []monitoring.RuleTest
	if !noDefaults {
		tests = monitoring.DefaultRuleTests(monitoring.MetricNames{
			Requests: "http_requests_total", Duration: "http_request_duration_seconds", StatusLabel: "status",
		})
	}
	if user != "" {
		raw, err := os.ReadFile(user)
		if err != nil {
			return err
		}
		var mine []monitoring.RuleTest
		if err := yaml.UnmarshalStrict(raw, &mine); err != nil {
			return fmt.Errorf("%s: %w", user, err)
		}
		tests = append(tests, mine...)
	}
	if len(tests) == 0 {
		return fmt.Errorf("no rule tests: drop -no-defaults or give -tests")
	}
	rules, unit, err := monitoring.PromtoolFiles(tests, runbooks, "rules.yaml")
	if err != nil {
		return err
	}
	am, err := monitoring.AlertmanagerConfig(monitoring.AlertingArgs{ChatChannel: "#alerts", RepeatInterval: "4h"}, pagingURL, chatURL)
	if err != nil {
		return err
	}
	routes, err := yaml.Marshal(cases())
	if err != nil {
		return err
	}
	analysis, err := monitoring.PromtoolExprTests(slo.AnalysisCases(), "rules.yaml")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"rules.yaml": rules, "rules_test.yaml": unit, "analysis_test.yaml": analysis, "alertmanager.yaml": []byte(am), "routes.yaml": routes} {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d rule tests, alertmanager.yaml and its cases in %s\n", len(tests), out)
	return nil
}

// receiverOf is where each routing severity goes.
var receiverOf = map[monitoring.Severity]string{
	monitoring.SeverityCritical: monitoring.ReceiverPaging,
	monitoring.SeverityWarning:  monitoring.ReceiverChat,
	monitoring.SeverityInfo:     monitoring.ReceiverNone,
}

// cases are the routes and inhibitions the severity table promises.
func cases() map[string]any {
	var routes []any
	for _, sev := range []string{monitoring.SEV1, monitoring.SEV2, monitoring.SEV3, monitoring.SEV4} {
		severity, _ := monitoring.SeverityOf(sev)
		routes = append(routes, map[string]any{
			"name":      fmt.Sprintf("%s (%s) goes to %s", sev, severity, receiverOf[severity]),
			"labels":    alert("HighErrorRate", severity, sev, "web", "web"),
			"receivers": []string{receiverOf[severity]},
		})
	}
	routes = append(routes, map[string]any{
		"name":      "an alert without a severity goes nowhere",
		"labels":    map[string]string{"alertname": "Unlabelled", "namespace": "web"},
		"receivers": []string{monitoring.ReceiverNone},
	})
	inhibit := func(name string, src, dst map[string]string, muted bool) map[string]any {
		return map[string]any{"name": name, "source": src, "target": dst, "muted": muted}
	}
	crit := monitoring.SeverityCritical
	warn, info := monitoring.SeverityWarning, monitoring.SeverityInfo
	return map[string]any{"routes": routes, "inhibitions": []any{
		inhibit("a critical alert mutes the warning of the same alert and namespace",
			alert("QueueBacklog", crit, "SEV2", "shop", "worker"), alert("QueueBacklog", warn, "SEV3", "shop", "api"), true),
		inhibit("a critical alert mutes the warnings of the same namespace and service",
			alert("HighErrorRate", crit, "SEV2", "web", "web"), alert("HighLatency", warn, "SEV3", "web", "web"), true),
		inhibit("it does not mute the same alert in another namespace",
			alert("QueueBacklog", crit, "SEV2", "shop", "worker"), alert("QueueBacklog", warn, "SEV3", "web", "api"), false),
		inhibit("it does not mute another service's warnings",
			alert("HighErrorRate", crit, "SEV2", "web", "web"), alert("HighLatency", warn, "SEV3", "web", "search"), false),
		inhibit("it does not mute critical alerts",
			alert("HighErrorRate", crit, "SEV1", "web", "web"), alert("PodCrashLooping", crit, "SEV2", "web", "web"), false),
		inhibit("a warning mutes nothing",
			alert("HighLatency", warn, "SEV3", "web", "web"), alert("HighLatency", warn, "SEV3", "web", "web"), false),
		inhibit("info alerts are not muted (they go nowhere anyway)",
			alert("HighErrorRate", crit, "SEV2", "web", "web"), alert("HighErrorRate", info, "SEV4", "web", "web"), false),
	}}
}

func alert(name string, severity monitoring.Severity, sev, namespace, service string) map[string]string {
	return map[string]string{"alertname": name, "severity": string(severity), "sev": sev, "namespace": namespace, "service": service}
}
