package monitoring

import (
	"cmp"
	"maps"
	"slices"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// Defaults that do not depend on the tier; each is also written on its
// field in args.go (a test checks the two agree).
const (
	// DefaultChartVersion is the pinned kube-prometheus-stack version. Its
	// Prometheus Operator (v0.86) matches the CRDs in crds/.
	DefaultChartVersion   = "79.5.0"
	DefaultRunbookBaseURL = "https://github.com/plinth-dev/plinth/blob/main/docs/runbooks"
	defaultNamespace      = "monitoring"
	defaultInterval       = "30s"
	defaultCPURequest     = "250m"
	defaultMemoryRequest  = "1Gi"
	defaultMemoryLimit    = "4Gi"
	defaultGrafanaUser    = "admin"
	defaultGrafanaStorage = "10Gi"
	defaultChatChannel    = "#alerts"
	defaultRepeat         = "4h"
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	a.Labels = maps.Clone(a.Labels)
	a.Rules = slices.Clone(a.Rules)
	a.Mode = cmp.Or(a.Mode, ModeInstall)
	a.Platform = cmp.Or(a.Platform, PlatformSelfManaged)
	if a.Tier == "" {
		a.Tier = config.TierDev
	}
	d := config.ForTier(a.Tier)
	a.Namespace = cmp.Or(a.Namespace, defaultNamespace)
	if a.CreateNamespace == nil {
		yes := true
		a.CreateNamespace = &yes
	}
	a.Chart = ptr.Clone(a.Chart)
	a.Chart.Version = cmp.Or(a.Chart.Version, DefaultChartVersion)
	a.Prometheus = ptr.Clone(a.Prometheus)
	p := a.Prometheus
	p.Retention = cmp.Or(p.Retention, d.Retention)
	p.StorageSize = cmp.Or(p.StorageSize, d.StorageSize)
	p.Replicas = ptr.Or(p.Replicas, d.PrometheusReplicas)
	p.ScrapeInterval = cmp.Or(p.ScrapeInterval, defaultInterval)
	p.EvaluationInterval = cmp.Or(p.EvaluationInterval, defaultInterval)
	p.CPURequest = cmp.Or(p.CPURequest, defaultCPURequest)
	p.MemoryRequest = cmp.Or(p.MemoryRequest, defaultMemoryRequest)
	p.MemoryLimit = cmp.Or(p.MemoryLimit, defaultMemoryLimit)
	a.Grafana, a.Alerting = ptr.Clone(a.Grafana), ptr.Clone(a.Alerting)
	a.Grafana.AdminUser = cmp.Or(a.Grafana.AdminUser, defaultGrafanaUser)
	a.Grafana.StorageSize = cmp.Or(a.Grafana.StorageSize, defaultGrafanaStorage)
	a.Alerting.ChatChannel = cmp.Or(a.Alerting.ChatChannel, defaultChatChannel)
	a.Alerting.RepeatInterval = cmp.Or(a.Alerting.RepeatInterval, defaultRepeat)
	a.Metrics = ptr.Clone(a.Metrics)
	*a.Metrics = MetricNames(slo.Metrics(*a.Metrics).WithDefaults())
	a.RunbookBaseURL = cmp.Or(a.RunbookBaseURL, DefaultRunbookBaseURL)
	return a
}

// rules returns every rule the component creates: plinth's defaults
// (unless disabled), then the caller's.
func (a Args) rules() []Rule {
	var out []Rule
	if !a.DisableDefaultRules {
		out = append(out, DefaultRules(*a.Metrics)...)
	}
	return append(out, a.Rules...)
}
