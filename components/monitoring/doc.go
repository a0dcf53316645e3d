// Package monitoring deploys metrics, alerts that carry the incident
// severity, dashboards and alert routing:
//
//	mon, err := monitoring.New(ctx, "monitoring", monitoring.Args{
//		Tier:    config.TierProd,
//		Chart:   &monitoring.ChartArgs{Repository: "https://charts.example.com/prometheus-community"},
//		Grafana: &monitoring.GrafanaArgs{AdminPassword: config.RequireSecret(ctx, "plinth:grafanaAdminPassword")},
//		Alerting: &monitoring.AlertingArgs{
//			PagingURL: config.RequireSecret(ctx, "plinth:alertPagingUrl"),
//			ChatURL:   config.RequireSecret(ctx, "plinth:alertChatUrl"),
//		},
//	}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:kubernetes:Monitoring.
//
// # Modes
//
// Install mode (real clusters) creates the namespace, a Secret with
// Grafana's admin credentials, a Secret with alertmanager.yaml, the
// kube-prometheus-stack chart, plinth's PrometheusRule and the service
// dashboard. Operator mode (a cluster whose Prometheus Operator is
// installed already, such as the local stack) creates only the namespace,
// the PrometheusRule and the dashboard.
//
// # Why Chart v4 and not Release
//
// The chart is installed with pulumi-kubernetes' Helm Chart v4
// (kubernetes:helm.sh/v4:Chart), not helm/v3.Release:
//   - Chart v4 installs and upgrades the chart's CRDs with every version
//     bump; a Helm release never upgrades CRDs, the most common way a
//     kube-prometheus-stack upgrade breaks.
//   - Every object is a Pulumi resource applied server-side, so previews
//     show per-object diffs and drift is visible; a Release is one opaque
//     resource.
//   - Its Go package is a thin client of a component implemented in the
//     provider. Importing helm/v3 instead compiles the v3 Chart and with
//     it every Kubernetes API group of the SDK (minutes of cold build).
//
// The cost: Helm hooks do not run and `helm list` does not show the
// release; kube-prometheus-stack needs neither.
//
// # Secrets
//
// Grafana's password and the receivers' webhook URLs never appear in the
// chart values (which the state stores): the chart is told the names of
// Secrets plinth creates (grafana.admin.existingSecret and
// alertmanagerSpec.configSecret), and those Secrets hold the values as
// Pulumi secrets, encrypted in the state. ExtraValues rejects the obvious
// secret-bearing keys.
//
// # Alerts and severity
//
// Every alert carries the labels severity (routing) and sev (incident
// level) and the annotations summary, description and runbook_url
// (<RunbookBaseURL>/<alert-in-kebab-case>.md). Expressions are parsed
// with the upstream PromQL parser before anything registers. The severity
// table:
//
//	| sev  | meaning                                     | severity | receiver | response           |
//	|------|---------------------------------------------|----------|----------|--------------------|
//	| SEV1 | outage or data loss for most users          | critical | paging   | now, all hands     |
//	| SEV2 | major degradation for many users            | critical | paging   | now, on-call       |
//	| SEV3 | minor degradation, a workaround exists      | warning  | chat     | business hours     |
//	| SEV4 | no user impact                              | info     | none     | backlog            |
//
// A critical alert inhibits the warnings of the same alert name and
// namespace (one condition at two thresholds), and those of the same
// namespace and service. plinth's default rules (DefaultRules):
//
//	| alert                      | fires when                                        | for | severity | sev  |
//	|----------------------------|---------------------------------------------------|-----|----------|------|
//	| HighErrorRate              | 5xx ratio of a service > 5 %                      | 5m  | critical | SEV2 |
//	| HighLatency                | p95 request duration of a service > 2 s           | 5m  | warning  | SEV3 |
//	| PodCrashLooping            | a container keeps restarting                      | 15m | critical | SEV2 |
//	| DeploymentReplicasMismatch | available replicas ≠ desired                      | 15m | warning  | SEV3 |
//	| HPAAtMaxReplicas           | an autoscaler sits at maxReplicas                 | 15m | warning  | SEV3 |
//	| RolloutAborted             | a rollout was aborted (Argo Rollouts)             | 1m  | warning  | SEV3 |
//	| RolloutStuck               | a rollout paused or failing (Argo Rollouts)       | 30m | warning  | SEV3 |
//
// The request metrics are http_requests_total (with a status label) and
// the http_request_duration_seconds histogram; rename them in Metrics.
//
// One alert per condition: the chart's own rules for the conditions
// above (KubePodCrashLooping, KubeDeploymentReplicasMismatch,
// KubeHpaMaxedOut; ChartRulesReplaced) are disabled, so each condition
// alerts once, with plinth's incident level and runbook. plinth keeps its
// rules rather than the chart's because the severity table and the
// runbooks are plinth's: the chart's rules carry neither a sev label nor
// plinth's runbook URLs. The chart's other rules (nodes, control plane,
// Prometheus itself) stay on.
//
// # Proven to fire
//
// `make alert-tests` runs every default rule through Prometheus' own rule
// engine (promtool test rules, on files PromtoolFiles generates from
// DefaultRuleTests): each fires with its labels and runbook once its for:
// window has passed over series above its threshold, stays silent a
// minute before, and stays silent over series just below. It also loads
// AlertmanagerConfig with Alertmanager's config package and checks every
// route and inhibition of the severity table with Alertmanager's
// dispatcher and inhibitor. RuleTest does the same for your own rules
// (docs/alerts.md).
//
// # Defaults
//
//	| setting                          | default                                           |
//	|----------------------------------|---------------------------------------------------|
//	| mode / namespace                 | install / monitoring                              |
//	| chart                            | kube-prometheus-stack 79.5.0 (operator v0.86)     |
//	| retention                        | by tier: local 1d, dev 3d, staging 7d, prod 30d   |
//	| volume                           | by tier: dev 10Gi, staging 20Gi, prod 100Gi       |
//	| Prometheus replicas              | by tier: prod 2, else 1                           |
//	| scrape / evaluation interval     | 30s / 30s                                         |
//	| Prometheus CPU / memory          | request 250m / 1Gi, memory limit 4Gi              |
//	| selectors                        | every ServiceMonitor, PodMonitor, Probe and rule  |
//	| external labels                  | cluster and environment: the stack name           |
//	| Grafana                          | user admin, 10Gi volume, dashboards from all namespaces |
//	| Alertmanager                     | prod 2 replicas, else 1; repeat 4h (pages 1h)     |
//
// # CRDs
//
// crds/ holds the Prometheus Operator CRDs that plinth's objects use
// (ServiceMonitor, PodMonitor, PrometheusRule), generated by `make crds`
// with controller-gen from the upstream API types of the operator
// version the pinned chart ships. They are what the local control plane
// validates plinth's rules and monitors against (CRDs).
package monitoring
