package monitoring

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Modes of the component.
const (
	// ModeInstall installs kube-prometheus-stack (Prometheus Operator,
	// Prometheus, Alertmanager, Grafana, kube-state-metrics, node-exporter)
	// with plinth's values, then adds plinth's rules and dashboards.
	ModeInstall = "install"
	// ModeOperator assumes the Prometheus Operator (and its CRDs) is
	// installed already and adds only plinth's rules and dashboards.
	ModeOperator = "operator"
)

// Args configures the monitoring stack.
type Args struct {
	// Mode is "install" or "operator". Default: "install".
	Mode string
	// Tier picks retention, storage and replica defaults. Default: "dev".
	Tier config.Tier
	// Namespace of the stack, its rules and dashboards. Changing it
	// replaces everything. Default: "monitoring".
	Namespace string
	// CreateNamespace creates Namespace; set false when it exists.
	// Default: true.
	CreateNamespace *bool
	// Cluster is the "cluster" external label on every series and alert.
	// Default: - the stack name.
	Cluster string
	// Environment is the "environment" external label. Default: - the stack name.
	Environment string
	// StorageClass names the StorageClass of every volume the stack claims
	// (Prometheus, Grafana); nil uses the cluster's default class. Pass a
	// cluster's class output (eks.Cluster.StorageClassName) so the chart
	// waits for the class: EKS clusters since Kubernetes 1.30 have no
	// default class, and a claim without one stays Pending.
	StorageClass pulumi.StringInput
	// Labels are added to every object the component creates; in
	// operator mode, use them to match an existing Prometheus' rule
	// selector (e.g. release: kube-prometheus-stack).
	Labels map[string]string
	// Chart selects the kube-prometheus-stack chart (install mode).
	Chart ChartArgs
	// Prometheus configures Prometheus (install mode).
	Prometheus PrometheusArgs
	// Grafana configures Grafana (install mode).
	Grafana GrafanaArgs
	// Alerting routes alerts to receivers by severity (install mode).
	Alerting AlertingArgs
	// Metrics names the application metrics that the default rules and the
	// service dashboard query.
	Metrics MetricNames
	// Rules are extra alert rules, checked like plinth's own.
	Rules []Rule
	// DisableDefaultRules leaves out plinth's default alerts. Default: false.
	DisableDefaultRules bool
	// RunbookBaseURL is where runbook_url annotations point; an alert's
	// runbook is <base>/<alert-name-in-kebab-case>.md.
	// Default: "https://github.com/plinth-dev/plinth/blob/main/docs/runbooks".
	RunbookBaseURL string
	// ExtraValues are merged over the chart values plinth computes
	// (install mode): the escape hatch for settings without a typed field.
	// They may not carry secrets (see the package doc).
	ExtraValues map[string]any
}

// ChartArgs selects the kube-prometheus-stack chart.
type ChartArgs struct {
	// Version of kube-prometheus-stack. Changing it upgrades the stack,
	// CRDs included. Default: "79.5.0".
	Version string
	// Repository is the chart repository URL (the prometheus-community
	// Helm repository or a mirror of it), or an oci:// URL of the chart.
	// Required in install mode.
	Repository string
}

// PrometheusArgs configures Prometheus.
type PrometheusArgs struct {
	// Retention is how long metrics are kept, a Prometheus duration.
	// Default: - by tier (local 1d, dev 3d, staging 7d, prod 30d).
	Retention string
	// StorageSize of each replica's volume; "" keeps data in an emptyDir.
	// Default: - by tier (dev 10Gi, staging 20Gi, prod 100Gi).
	StorageSize string
	// Replicas of Prometheus. Default: - by tier (prod 2, else 1).
	Replicas int
	// ScrapeInterval between scrapes. Default: "30s".
	ScrapeInterval string
	// EvaluationInterval between rule evaluations. Default: "30s".
	EvaluationInterval string
	// CPURequest of each replica. Default: "250m".
	CPURequest string
	// MemoryRequest of each replica. Default: "1Gi".
	MemoryRequest string
	// MemoryLimit of each replica. Default: "4Gi".
	MemoryLimit string
	// RemoteWriteURL sends every sample to a remote store (https only);
	// "" for none.
	RemoteWriteURL string
}

// GrafanaArgs configures Grafana.
type GrafanaArgs struct {
	// AdminPassword is Grafana's admin password, a Pulumi secret. It is
	// stored only in a Kubernetes Secret that the chart references, never
	// in the chart values. Required in install mode.
	AdminPassword pulumi.StringInput
	// AdminUser is the admin login. Default: "admin".
	AdminUser string
	// StorageSize of Grafana's volume; "" for no persistence.
	// Default: "10Gi".
	StorageSize string
}

// AlertingArgs routes alerts by their severity label: critical to the
// paging receiver, warning to the chat receiver, info nowhere; and a
// critical alert inhibits the warnings of the same namespace and service.
type AlertingArgs struct {
	// PagingURL is the webhook critical alerts are sent to (an incident
	// tool's Alertmanager webhook), a Pulumi secret; nil for none.
	PagingURL pulumi.StringInput
	// ChatURL is the Slack-compatible incoming webhook warnings are sent
	// to, a Pulumi secret; nil for none.
	ChatURL pulumi.StringInput
	// ChatChannel is the channel warnings are posted to. Default: "#alerts".
	ChatChannel string
	// RepeatInterval is how often a firing alert is sent again.
	// Default: "4h".
	RepeatInterval string
}

// MetricNames are the application metrics the default rules and the
// service dashboard use (Prometheus conventions).
type MetricNames struct {
	// Requests is the request counter. Default: "http_requests_total".
	Requests string
	// Duration is the request duration histogram (without _bucket).
	// Default: "http_request_duration_seconds".
	Duration string
	// StatusLabel is the label holding the HTTP status code.
	// Default: "status".
	StatusLabel string
}
