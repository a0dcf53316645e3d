package app

import (
	"cmp"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/problem"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// Defaults that do not depend on the tier; each is also written on its
// field in args.go (a test checks the two agree).
const (
	defaultPort            = 8080
	defaultMetricsPort     = 9090
	defaultMetricsPath     = "/metrics"
	defaultMetricsInterval = "30s"
	defaultTargetCPU       = 70
	defaultScaleDownWindow = 300
	defaultProgress        = 600
	defaultHistory         = 5
	defaultGrace           = 30
	defaultPreStop         = 5
	defaultProbeTimeout    = 2
	defaultUID             = 10001
	defaultTmpSize         = "256Mi"
	defaultEphemeralReq    = "64Mi"
	defaultEphemeralLim    = "256Mi"
	defaultMonitoringNS    = "monitoring"
	defaultCanaryPercent   = 10
	defaultStepPause       = 60
	defaultAnalysisEvery   = "1m"
	defaultAnalysisCount   = 5
	defaultAnalysisWindow  = "2m"
	defaultMinRequests     = 20
	defaultStoreKind       = "ClusterSecretStore"
	defaultRefresh         = "1h"
	// defaultPrometheus is the monitoring component's Prometheus, in its
	// default namespace.
	defaultPrometheus = "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090"
)

// Defaults returns a copy of a with every unset field set to its
// default; name is the application name (the default namespace).
// Instance and PartOf depend on the stack and are filled in by New.
func (a Args) Defaults(name string) Args {
	a = a.clone()
	if a.Tier == "" {
		a.Tier = config.TierDev
	}
	d := config.ForTier(a.Tier)
	a.defaultPlacement(name, d)
	a.defaultScaling(d)
	a.defaultResources(d)
	a.defaultProbes()
	a.defaultLifecycle()
	a.defaultSecurity()
	a.defaultTraffic()
	a.defaultStrategy()
	return a
}

// defaultPlacement: the namespace (the app's name), created by the app,
// the port and the replicas (the tier's).
func (a *Args) defaultPlacement(name string, d config.Defaults) {
	if ns, literal := problem.Literal(a.Namespace); a.Namespace == nil || (literal && ns == "") {
		a.Namespace = pulumi.String(name)
	}
	if a.CreateNamespace == nil {
		a.CreateNamespace = new(true)
	}
	a.Port = ptr.Or(a.Port, defaultPort)
	if a.Replicas == nil {
		a.Replicas = new(d.Replicas)
	}
}

// defaultScaling: the HPA's bounds (the tier's), its CPU target and its
// stabilisation windows.
func (a *Args) defaultScaling(d config.Defaults) {
	a.Autoscaling = ptr.Clone(a.Autoscaling)
	as := a.Autoscaling
	as.MinReplicas = ptr.Or(as.MinReplicas, d.MinReplicas)
	as.MaxReplicas = ptr.Or(as.MaxReplicas, max(d.MaxReplicas, *as.MinReplicas))
	as.TargetCPUPercent = ptr.Or(as.TargetCPUPercent, defaultTargetCPU)
	if as.ScaleDownStabilizationSeconds == nil {
		as.ScaleDownStabilizationSeconds = new(defaultScaleDownWindow)
	}
	if as.ScaleUpStabilizationSeconds == nil {
		as.ScaleUpStabilizationSeconds = new(0)
	}
}

// defaultResources: requests and limits (the tier's) and ephemeral
// storage.
func (a *Args) defaultResources(d config.Defaults) {
	a.Resources = ptr.Clone(a.Resources)
	r := a.Resources
	r.CPURequest = cmp.Or(r.CPURequest, d.CPURequest)
	r.MemoryRequest = cmp.Or(r.MemoryRequest, d.MemoryRequest)
	r.CPULimit = cmp.Or(r.CPULimit, d.CPULimit)
	r.MemoryLimit = cmp.Or(r.MemoryLimit, d.MemoryLimit)
	r.EphemeralStorageRequest = cmp.Or(r.EphemeralStorageRequest, defaultEphemeralReq)
	r.EphemeralStorageLimit = cmp.Or(r.EphemeralStorageLimit, defaultEphemeralLim)
}

// defaultProbes: readiness, liveness and startup probes on the app's port.
func (a *Args) defaultProbes() {
	probe := func(p *ProbeArgs, path string, period, failures int) {
		p.Path = cmp.Or(p.Path, path)
		p.Port = ptr.Or(p.Port, *a.Port)
		p.PeriodSeconds = ptr.Or(p.PeriodSeconds, period)
		p.TimeoutSeconds = ptr.Or(p.TimeoutSeconds, defaultProbeTimeout)
		p.FailureThreshold = ptr.Or(p.FailureThreshold, failures)
	}
	a.Probes = ptr.Clone(a.Probes)
	a.Probes.Readiness = ptr.Clone(a.Probes.Readiness)
	a.Probes.Liveness = ptr.Clone(a.Probes.Liveness)
	a.Probes.Startup = ptr.Clone(a.Probes.Startup)
	probe(a.Probes.Readiness, "/ready", 10, 3)
	probe(a.Probes.Liveness, "/health", 10, 3)
	probe(a.Probes.Startup, "/health", 5, 30)
}

// defaultLifecycle: the rollout deadline, the revision history, the grace
// period with the preStop delay that ends within it, and the spread.
func (a *Args) defaultLifecycle() {
	a.ProgressDeadlineSeconds = ptr.Or(a.ProgressDeadlineSeconds, defaultProgress)
	if a.RevisionHistoryLimit == nil {
		a.RevisionHistoryLimit = new(defaultHistory)
	}
	a.TerminationGracePeriodSeconds = ptr.Or(a.TerminationGracePeriodSeconds, defaultGrace)
	if a.PreStopSleepSeconds == nil {
		// The delay must end before the grace period does.
		a.PreStopSleepSeconds = new(defaultPreStop)
		if *a.TerminationGracePeriodSeconds <= defaultPreStop {
			a.PreStopSleepSeconds = new(0)
		}
	}
	a.SpreadPolicy = cmp.Or(a.SpreadPolicy, "ScheduleAnyway")
}

// defaultSecurity: the pod's user, group and fsGroup, and /tmp's size.
func (a *Args) defaultSecurity() {
	a.Security = ptr.Clone(a.Security)
	a.ServiceAccount = ptr.Clone(a.ServiceAccount)
	s := a.Security
	s.RunAsUser = ptr.Or(s.RunAsUser, defaultUID)
	s.RunAsGroup = ptr.Or(s.RunAsGroup, defaultUID)
	s.FSGroup = ptr.Or(s.FSGroup, defaultUID)
	s.TmpSizeLimit = cmp.Or(s.TmpSizeLimit, defaultTmpSize)
}

// defaultTraffic: what reaches the pods and what they reach: metrics
// scraping, the network policy (cloud APIs for an app with a cloud
// identity), the PDB, the ingress and route paths, external secrets.
func (a *Args) defaultTraffic() {
	a.Metrics = ptr.Clone(a.Metrics)
	m := a.Metrics
	if m.Port == nil {
		m.Port = new(defaultMetricsPort)
	}
	m.Path = cmp.Or(m.Path, defaultMetricsPath)
	m.Interval = cmp.Or(m.Interval, defaultMetricsInterval)

	a.NetworkPolicy = ptr.Clone(a.NetworkPolicy)
	np := a.NetworkPolicy
	if np.CloudAPIs == nil {
		sa := a.ServiceAccount
		np.CloudAPIs = new(sa != nil && (sa.PodIdentityRoleARN != nil || sa.AWSRoleARN != nil || sa.GCPServiceAccount != nil))
	}
	if ns, literal := problem.Literal(np.MonitoringNamespace); np.MonitoringNamespace == nil || (literal && ns == "") {
		np.MonitoringNamespace = pulumi.String(defaultMonitoringNS)
	}

	a.PDB = ptr.Clone(a.PDB)
	if a.PDB.MinAvailable == nil {
		a.PDB.MaxUnavailable = ptr.Or(a.PDB.MaxUnavailable, 1)
	}
	if a.Ingress != nil {
		a.Ingress.Path = cmp.Or(a.Ingress.Path, "/")
	}
	if a.Route != nil {
		a.Route.Path = cmp.Or(a.Route.Path, "/")
	}
	if e := a.ExternalSecrets; e != nil {
		e.StoreKind = cmp.Or(e.StoreKind, defaultStoreKind)
		e.RefreshInterval = cmp.Or(e.RefreshInterval, defaultRefresh)
	}
}

// defaultStrategy: rolling unless set, and for a progressive app its
// canary steps, pauses and analysis.
func (a *Args) defaultStrategy() {
	a.Strategy = ptr.Clone(a.Strategy)
	st := a.Strategy
	st.Type = cmp.Or(st.Type, StrategyRolling)
	st.ActiveColor = cmp.Or(st.ActiveColor, ColorBlue)
	st.CanaryPercent = ptr.Or(st.CanaryPercent, defaultCanaryPercent)
	if st.Type == StrategyProgressive {
		st.Progressive = ptr.Clone(st.Progressive)
		pr := st.Progressive
		pr.Mode = cmp.Or(pr.Mode, ModeCanary)
		if pr.Steps == nil && pr.Mode == ModeCanary {
			pr.Steps = slices.Clone(defaultSteps)
		}
		pr.StepPauseSeconds = ptr.Or(pr.StepPauseSeconds, defaultStepPause)
		pr.Analysis = ptr.Clone(pr.Analysis)
		an := pr.Analysis
		an.PrometheusAddress = cmp.Or(an.PrometheusAddress, defaultPrometheus)
		an.Interval = cmp.Or(an.Interval, defaultAnalysisEvery)
		an.Count = ptr.Or(an.Count, defaultAnalysisCount)
		an.Window = cmp.Or(an.Window, defaultAnalysisWindow)
		an.MinRequests = ptr.Or(an.MinRequests, defaultMinRequests)
		an.LatencyBuckets = slices.Clone(an.LatencyBuckets)
		m := slo.Metrics{Requests: an.RequestsMetric, Duration: an.DurationMetric, StatusLabel: an.StatusLabel}.WithDefaults()
		an.RequestsMetric, an.DurationMetric, an.StatusLabel = m.Requests, m.Duration, m.StatusLabel
	}
}

// defaultSteps are the canary's traffic weights: 10% (then the
// analysis), 25%, 50%, and 100% after the last.
var defaultSteps = []int{10, 25, 50}

// clone copies the maps, slices and pointers of a that Defaults
// writes to, so defaulting never changes the caller's Args.
func (a Args) clone() Args {
	a.Env = maps.Clone(a.Env)
	a.SecretEnv = slices.Clone(a.SecretEnv)
	if a.Ingress != nil {
		in := *a.Ingress
		a.Ingress = &in
	}
	if a.Route != nil {
		r := *a.Route
		r.Hostnames = slices.Clone(r.Hostnames)
		a.Route = &r
	}
	if a.ExternalSecrets != nil {
		e := *a.ExternalSecrets
		e.Data = slices.Clone(e.Data)
		a.ExternalSecrets = &e
	}
	return a
}
