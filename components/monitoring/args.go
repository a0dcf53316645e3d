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

// Platforms: what runs the cluster's control plane and nodes decides what
// the chart can scrape and deploy (Args.Platform).
const (
	// PlatformSelfManaged is a control plane you run (kubeadm, the local
	// control plane): every component is scraped.
	PlatformSelfManaged = "self-managed"
	// PlatformEKS is Amazon EKS: the controller manager, scheduler and
	// etcd run in AWS's account and cannot be scraped, and kube-proxy
	// serves its metrics on the node's loopback only.
	PlatformEKS = "eks"
	// PlatformGKE is GKE Standard: the control plane is Google's, as on EKS.
	PlatformGKE = "gke"
	// PlatformGKEAutopilot is GKE Autopilot: GKE Standard's limits, and
	// Autopilot also refuses host namespaces, host paths and host ports
	// (node-exporter) and any write to the managed kube-system namespace
	// (the Services the chart creates there to scrape the control plane,
	// CoreDNS and the kubelet).
	PlatformGKEAutopilot = "gke-autopilot"
)

// Args configures the monitoring stack.
type Args struct {
	// Mode is "install" or "operator". Default: "install".
	Mode string `pulumi:"mode,optional"`
	// Tier picks retention, storage and replica defaults. Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Namespace of the stack, its rules and dashboards. Changing it
	// replaces everything. Default: "monitoring".
	Namespace string `pulumi:"namespace,optional"`
	// CreateNamespace creates Namespace; set false when it exists.
	// Default: true.
	CreateNamespace *bool `pulumi:"createNamespace,optional"`
	// Cluster is the "cluster" external label on every series and alert.
	// Default: - the stack name.
	Cluster string `pulumi:"cluster,optional"`
	// Environment is the "environment" external label. Default: - the stack name.
	Environment string `pulumi:"environment,optional"`
	// Platform is what runs the cluster: "self-managed", "eks", "gke" or
	// "gke-autopilot" (see the Platform constants). On a managed control
	// plane the chart does not scrape, or alert on, the components the
	// cloud hides, whose alerts would otherwise fire forever
	// (KubeControllerManagerDown, KubeSchedulerDown; prometheus-community/
	// helm-charts#4106, #1554); on Autopilot it also leaves out
	// node-exporter and everything it would create in kube-system
	// (prometheus-community/helm-charts#4833). Default: "self-managed".
	Platform string `pulumi:"platform,optional"`
	// StorageClass names the StorageClass of every volume the stack claims
	// (Prometheus, Grafana); unset uses the cluster's default class (EKS
	// clusters since Kubernetes 1.30 have none: name one). The chart need
	// not wait for the class: a claim whose class does not exist yet is
	// retried by the volume controller until it does. So pass the name as
	// a plain value, and the chart, which installs the CRDs the
	// applications' ServiceMonitors need, starts at once.
	StorageClass pulumi.StringInput `pulumi:"storageClass,optional"`
	// Labels are added to every object the component creates; in
	// operator mode, use them to match an existing Prometheus' rule
	// selector (e.g. release: kube-prometheus-stack).
	Labels map[string]string `pulumi:"labels,optional"`
	// Chart selects the kube-prometheus-stack chart (install mode).
	Chart *ChartArgs `pulumi:"chart,optional"`
	// Prometheus configures Prometheus (install mode).
	Prometheus *PrometheusArgs `pulumi:"prometheus,optional"`
	// Grafana configures Grafana (install mode).
	Grafana *GrafanaArgs `pulumi:"grafana,optional"`
	// Alerting routes alerts to receivers by severity (install mode).
	Alerting *AlertingArgs `pulumi:"alerting,optional"`
	// Metrics names the application metrics that the default rules and the
	// service dashboard query.
	Metrics *MetricNames `pulumi:"metrics,optional"`
	// Rules are extra alert rules, checked like plinth's own.
	Rules []Rule `pulumi:"rules,optional"`
	// DisableDefaultRules leaves out plinth's default alerts. Default: false.
	DisableDefaultRules bool `pulumi:"disableDefaultRules,optional"`
	// RunbookBaseURL is where runbook_url annotations point; an alert's
	// runbook is <base>/<alert-name-in-kebab-case>.md.
	// Default: "https://github.com/plinth-dev/plinth/blob/main/docs/runbooks".
	RunbookBaseURL string `pulumi:"runbookBaseUrl,optional"`
	// ExtraValues are merged over the chart values plinth computes
	// (install mode): the escape hatch for settings without a typed field.
	// They may not carry secrets (see the package doc).
	ExtraValues map[string]any `pulumi:"extraValues,optional"`
}

// ChartArgs selects the kube-prometheus-stack chart.
type ChartArgs struct {
	// Version of kube-prometheus-stack. Changing it upgrades the stack,
	// CRDs included. Default: "79.5.0".
	Version string `pulumi:"version,optional"`
	// Repository is the chart repository URL (the prometheus-community
	// Helm repository or a mirror of it), or an oci:// URL of the chart.
	// Required in install mode.
	Repository string `pulumi:"repository,optional"`
}

// PrometheusArgs configures Prometheus.
type PrometheusArgs struct {
	// Retention is how long metrics are kept, a Prometheus duration.
	// Default: - by tier (local 1d, dev 3d, staging 7d, prod 30d).
	Retention string `pulumi:"retention,optional"`
	// StorageSize of each replica's volume; "" keeps data in an emptyDir.
	// Default: - by tier (dev 10Gi, staging 20Gi, prod 100Gi).
	StorageSize string `pulumi:"storageSize,optional"`
	// Replicas of Prometheus. Default: - by tier (prod 2, else 1).
	Replicas *int `pulumi:"replicas,optional"`
	// ScrapeInterval between scrapes. Default: "30s".
	ScrapeInterval string `pulumi:"scrapeInterval,optional"`
	// EvaluationInterval between rule evaluations. Default: "30s".
	EvaluationInterval string `pulumi:"evaluationInterval,optional"`
	// CPURequest of each replica. Default: "250m".
	CPURequest string `pulumi:"cpuRequest,optional"`
	// MemoryRequest of each replica. Default: "1Gi".
	MemoryRequest string `pulumi:"memoryRequest,optional"`
	// MemoryLimit of each replica. Default: "4Gi".
	MemoryLimit string `pulumi:"memoryLimit,optional"`
	// RemoteWriteURL sends every sample to a remote store (https only);
	// "" for none.
	RemoteWriteURL string `pulumi:"remoteWriteUrl,optional"`
}

// GrafanaArgs configures Grafana.
type GrafanaArgs struct {
	// AdminPassword is Grafana's admin password, a Pulumi secret. It is
	// stored only in a Kubernetes Secret that the chart references, never
	// in the chart values. Required in install mode.
	AdminPassword pulumi.StringInput `pulumi:"adminPassword,optional"`
	// AdminUser is the admin login. Default: "admin".
	AdminUser string `pulumi:"adminUser,optional"`
	// StorageSize of Grafana's volume; "" for no persistence.
	// Default: "10Gi".
	StorageSize string `pulumi:"storageSize,optional"`
}

// AlertingArgs routes alerts by their severity label: critical to the
// paging receiver, warning to the chat receiver, info nowhere; and a
// critical alert inhibits the warnings of the same namespace and service.
type AlertingArgs struct {
	// PagingURL is the webhook critical alerts are sent to (an incident
	// tool's Alertmanager webhook), a Pulumi secret; unset for none.
	PagingURL pulumi.StringInput `pulumi:"pagingUrl,optional"`
	// ChatURL is the Slack-compatible incoming webhook warnings are sent
	// to, a Pulumi secret; unset for none.
	ChatURL pulumi.StringInput `pulumi:"chatUrl,optional"`
	// ChatChannel is the channel warnings are posted to. Default: "#alerts".
	ChatChannel string `pulumi:"chatChannel,optional"`
	// RepeatInterval is how often a firing alert is sent again.
	// Default: "4h".
	RepeatInterval string `pulumi:"repeatInterval,optional"`
}

// MetricNames are the application metrics the default rules and the
// service dashboard use (Prometheus conventions).
type MetricNames struct {
	// Requests is the request counter. Default: "http_requests_total".
	Requests string `pulumi:"requests,optional"`
	// Duration is the request duration histogram (without _bucket).
	// Default: "http_request_duration_seconds".
	Duration string `pulumi:"duration,optional"`
	// StatusLabel is the label holding the HTTP status code.
	// Default: "status".
	StatusLabel string `pulumi:"statusLabel,optional"`
}
