package monitoring

import (
	"regexp"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/plinth-dev/plinth/pkg/problem"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// Severity is the routing label of an alert.
type Severity string

// Severities. The package doc's severity table maps them to incident
// levels and receivers.
const (
	// SeverityCritical pages the on-call engineer.
	SeverityCritical Severity = "critical"
	// SeverityWarning posts to the team's chat channel.
	SeverityWarning Severity = "warning"
	// SeverityInfo is recorded but sent nowhere.
	SeverityInfo Severity = "info"
)

// Incident levels, from the severity table.
const (
	SEV1 = "SEV1"
	SEV2 = "SEV2"
	SEV3 = "SEV3"
	SEV4 = "SEV4"
)

// SeverityOf is the severity table: the routing severity an incident
// level carries (SEV1 and SEV2 critical, SEV3 warning, SEV4 info).
func SeverityOf(sev string) (Severity, bool) {
	s, ok := severityOfSev[sev]
	return s, ok
}

// severityOfSev is the severity table: which routing severity each
// incident level carries.
var severityOfSev = map[string]Severity{
	SEV1: SeverityCritical,
	SEV2: SeverityCritical,
	SEV3: SeverityWarning,
	SEV4: SeverityInfo,
}

// Rule is an alerting rule. New checks every rule (expression parsed
// with the upstream PromQL parser, duration, severity, incident level,
// annotations) before anything is registered.
type Rule struct {
	// Alert is the alert name, e.g. "HighErrorRate". Required.
	Alert string `pulumi:"alert"`
	// Expr is the PromQL expression; the alert fires while it returns
	// series. Required.
	Expr string `pulumi:"expr"`
	// For is how long Expr must hold before the alert fires, e.g. "5m".
	// Default: - fire at once.
	For string `pulumi:"for,optional"`
	// Severity routes the alert: critical, warning or info. Required.
	Severity Severity `pulumi:"severity"`
	// Sev is the incident level, SEV1–SEV4; it must agree with Severity
	// (SEV1–2 critical, SEV3 warning, SEV4 info). Required.
	Sev string `pulumi:"sev"`
	// Summary is a one-line summary; it may use alert templating such as
	// {{ $labels.namespace }}. Required.
	Summary string `pulumi:"summary"`
	// Description says what is happening and what it means. Required.
	Description string `pulumi:"description"`
	// RunbookURL links the runbook. Default: - <RunbookBaseURL>/<alert-in-kebab-case>.md.
	RunbookURL string `pulumi:"runbookUrl,optional"`
	// Labels are extra labels on the alert.
	Labels map[string]string `pulumi:"labels,optional"`
}

var alertNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// validate checks the rule and reports problems under path.
func (r Rule) validate(p *problem.List, path string) {
	if !alertNameRE.MatchString(r.Alert) {
		p.Addf(path+".alert", "%q is not an alert name: use UpperCamelCase letters and digits, e.g. \"HighErrorRate\"", r.Alert)
	}
	if strings.TrimSpace(r.Expr) == "" {
		p.Addf(path+".expr", "is empty: write the PromQL expression that returns series while the alert should fire")
	} else if _, err := parser.ParseExpr(r.Expr); err != nil {
		p.Addf(path+".expr", "is not valid PromQL (%v): fix the expression", err)
	}
	if r.For != "" {
		if d, err := model.ParseDuration(r.For); err != nil || d < 0 {
			p.Addf(path+".for", "%q is not a Prometheus duration: use a value such as \"5m\"", r.For)
		}
	}
	want, known := severityOfSev[r.Sev]
	switch {
	case !known:
		p.Addf(path+".sev", "%q is not an incident level: use SEV1, SEV2, SEV3 or SEV4 (see the severity table)", r.Sev)
	case r.Severity != SeverityCritical && r.Severity != SeverityWarning && r.Severity != SeverityInfo:
		p.Addf(path+".severity", "%q is not a severity: use critical, warning or info", r.Severity)
	case r.Severity != want:
		p.Addf(path+".severity", "%q does not match %s, which is %s in the severity table: use %q or change sev", r.Severity, r.Sev, want, want)
	}
	if strings.TrimSpace(r.Summary) == "" {
		p.Addf(path+".summary", "is empty: say in one line what is wrong")
	}
	if strings.TrimSpace(r.Description) == "" {
		p.Addf(path+".description", "is empty: say what is happening and what it means for users")
	}
	if r.RunbookURL != "" {
		p.URL(path+".runbookUrl", r.RunbookURL, "link the runbook with an absolute URL", "https", "http")
	}
	for k := range r.Labels {
		if k == "severity" || k == "sev" || !model.LegacyValidation.IsValidLabelName(k) {
			p.Addf(path+".labels", "key %q is reserved or not a Prometheus label name: use another key", k)
		}
	}
}

// kebab turns "HighErrorRate" into "high-error-rate" and
// "HPAAtMaxReplicas" into "hpa-at-max-replicas".
func kebab(s string) string {
	rs := []rune(s)
	var b strings.Builder
	upper := func(r rune) bool { return r >= 'A' && r <= 'Z' }
	for i, r := range rs {
		if upper(r) {
			prevLower := i > 0 && !upper(rs[i-1])
			acronymEnd := i > 0 && upper(rs[i-1]) && i+1 < len(rs) && !upper(rs[i+1])
			if prevLower || acronymEnd {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// manifest is the rule as it goes into a PrometheusRule.
func (r Rule) manifest(runbookBase string) map[string]any {
	labels := map[string]any{"severity": string(r.Severity), "sev": r.Sev}
	for k, v := range r.Labels {
		labels[k] = v
	}
	runbook := r.RunbookURL
	if runbook == "" {
		runbook = RunbookURL(runbookBase, r.Alert)
	}
	out := map[string]any{
		"alert":  r.Alert,
		"expr":   r.Expr,
		"labels": labels,
		"annotations": map[string]any{
			"summary":     r.Summary,
			"description": r.Description,
			"runbook_url": runbook,
		},
	}
	if r.For != "" {
		out["for"] = r.For
	}
	return out
}

// RunbookURL is the runbook of alert under base: <base>/<alert-in-kebab-case>.md.
func RunbookURL(base, alert string) string {
	return strings.TrimSuffix(base, "/") + "/" + kebab(alert) + ".md"
}

// replacedChartRules are kube-prometheus-stack's rules for the conditions
// DefaultRules alert on, by plinth's alert.
var replacedChartRules = map[string]string{
	"PodCrashLooping":            "KubePodCrashLooping",
	"DeploymentReplicasMismatch": "KubeDeploymentReplicasMismatch",
	"HPAAtMaxReplicas":           "KubeHpaMaxedOut",
}

// ChartRulesReplaced are the kube-prometheus-stack rules the component
// disables (the chart's defaultRules.disabled), because a default rule of
// plinth alerts on the same condition: one alert per condition, with
// plinth's incident level and runbook.
func ChartRulesReplaced() map[string]bool {
	out := map[string]bool{}
	for _, chart := range replacedChartRules {
		out[chart] = true
	}
	return out
}

// DefaultRules are plinth's alerts, on the metric names m. Every one
// carries severity and sev labels and summary, description and
// runbook_url annotations.
func DefaultRules(m MetricNames) []Rule {
	// The request alerts are the objectives of pkg/slo, the definition of
	// "healthy" the app component's canary analysis uses too.
	sm, by := slo.Metrics(m), []string{"namespace", "service"}
	return []Rule{
		{
			Alert: "HighErrorRate",
			Expr:  slo.ErrorRatio.Breached(sm, "5m", by),
			For:   "5m", Severity: SeverityCritical, Sev: SEV2,
			Summary:     "{{ $labels.service }} in {{ $labels.namespace }} fails more than 5% of requests",
			Description: "The 5xx ratio of {{ $labels.service }} has been {{ $value | humanizePercentage }} for 5 minutes: users see errors.",
		},
		{
			Alert: "HighLatency",
			Expr:  slo.LatencyP95.Breached(sm, "5m", by),
			For:   "5m", Severity: SeverityWarning, Sev: SEV3,
			Summary:     "{{ $labels.service }} in {{ $labels.namespace }} answers slowly (p95 above 2s)",
			Description: "The 95th percentile latency of {{ $labels.service }} has been {{ $value | humanizeDuration }} for 5 minutes.",
		},
		{
			Alert: "PodCrashLooping",
			Expr:  `rate(kube_pod_container_status_restarts_total[5m]) > 0`,
			For:   "15m", Severity: SeverityCritical, Sev: SEV2,
			Summary:     "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) keeps restarting",
			Description: "Container {{ $labels.container }} of pod {{ $labels.pod }} has restarted continuously for 15 minutes.",
		},
		{
			Alert: "DeploymentReplicasMismatch",
			Expr: `kube_deployment_spec_replicas
  != kube_deployment_status_replicas_available`,
			For: "15m", Severity: SeverityWarning, Sev: SEV3,
			Summary:     "{{ $labels.namespace }}/{{ $labels.deployment }} has fewer available replicas than desired",
			Description: "Deployment {{ $labels.deployment }} has not had its desired number of available replicas for 15 minutes (stuck rollout, unschedulable or failing pods).",
		},
		{
			Alert: "HPAAtMaxReplicas",
			Expr: `kube_horizontalpodautoscaler_status_current_replicas
  >= kube_horizontalpodautoscaler_spec_max_replicas`,
			For: "15m", Severity: SeverityWarning, Sev: SEV3,
			Summary:     "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum replicas",
			Description: "The autoscaler has run at maxReplicas for 15 minutes: the service cannot scale further, so raise maxReplicas or find the load.",
		},
		// Progressive delivery, from the Argo Rollouts controller's own
		// metric (rollout_info, one series per rollout whose phase label is
		// Completed, Progressing, Paused, Abort, Error, Timeout or
		// InvalidSpec; the rollouts component's ServiceMonitor scrapes it).
		{
			Alert: "RolloutAborted",
			Expr:  `max by (namespace, name) (rollout_info{phase="Abort"}) == 1`,
			For:   "1m", Severity: SeverityWarning, Sev: SEV3,
			Summary:     "The rollout of {{ $labels.namespace }}/{{ $labels.name }} was aborted",
			Description: "A new version of {{ $labels.name }} failed its analysis (or made no progress) and was rolled back: the stable version serves, and the rollout stays aborted until a new version is deployed.",
		},
		{
			// Longer than any pause plinth schedules (at most 15 minutes a
			// step, app.ProgressiveArgs.StepPauseSeconds): a rollout paused
			// this long waits for a person (an inconclusive analysis, a
			// manual pause), and Argo Rollouts skips the progress deadline
			// while paused.
			Alert: "RolloutStuck",
			Expr:  `max by (namespace, name) (rollout_info{phase=~"Paused|Error|Timeout|InvalidSpec"}) == 1`,
			For:   "30m", Severity: SeverityWarning, Sev: SEV3,
			Summary:     "The rollout of {{ $labels.namespace }}/{{ $labels.name }} has not progressed for 30 minutes",
			Description: "Rollout {{ $labels.name }} has been paused or failing for 30 minutes: part of the traffic may still reach the new version. Promote or abort it.",
		},
	}
}
