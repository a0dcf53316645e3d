package app

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// maxNameLen leaves room for the longest suffix plinth adds to a Service
// name ("-preview"), which must stay a 63-character DNS label.
const maxNameLen = 63 - len("-preview")

var (
	gcpSAEmail = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$`)
)

// Validate checks the arguments of an application called name, with
// defaults applied, and returns every problem, each naming its field and
// the fix. New calls it before registering anything.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("app %q: ", name)}
	if p.DNSLabel("name", name) && len(name) > maxNameLen {
		p.Addf("name", "%q is %d characters: use at most %d, so derived names such as %q stay DNS labels", name, len(name), maxNameLen, name+"-preview")
	}
	a = a.Defaults(name)
	p.Add("tier", a.Tier.Check())
	p.Input("namespace", a.Namespace, checkNamespace)
	if a.NamespaceObject != nil && *a.CreateNamespace {
		p.Addf("namespaceObject", "is set, and createNamespace is true: set createNamespace false when you pass the namespace you created")
	}
	if a.Image == nil {
		p.Addf("image", "is not set: pass the image to run, e.g. pulumi.String(%q) or a build's output", "ghcr.io/acme/web:1.4.2")
	}
	p.Input("image", a.Image, a.checkImage)
	if a.ImagePullPolicy != "" {
		p.OneOf("imagePullPolicy", a.ImagePullPolicy, "Always", "IfNotPresent", "Never")
	}
	p.Port("port", *a.Port)
	a.validateEnv(&p)
	a.validateScaling(&p)
	a.validateResources(&p)
	a.validateProbes(&p)
	a.validatePod(&p)
	a.validateNetwork(&p)
	a.validateStrategy(&p)
	return p.Err()
}

func (a Args) validateEnv(p *problem.List) {
	seen := map[string]bool{}
	name := func(path, n string) {
		if p.EnvName(path, n) && seen[n] {
			p.Addf(path, "%q is set twice: set each environment variable once", n)
		}
		seen[n] = true
	}
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		name("env."+k, k)
	}
	p.PlaintextEnv("env", a.Env, "allowPlaintextEnv", a.AllowPlaintextEnv,
		"pass it in secretValues (a Pulumi secret), secretEnv (an existing Secret) or externalSecrets (a secret manager)")
	for i, s := range a.SecretEnv {
		path := fmt.Sprintf("secretEnv[%d]", i)
		name(path+".name", s.Name)
		p.DNSLabel(path+".secret", s.Secret)
		if s.Key == "" {
			p.Addf(path+".key", "is empty: name the key in Secret %q", s.Secret)
		}
	}
	for i, c := range a.ConfigMapEnv {
		path := fmt.Sprintf("configMapEnv[%d]", i)
		name(path+".name", c.Name)
		p.DNSLabel(path+".configMap", c.ConfigMap)
		if c.Key == "" {
			p.Addf(path+".key", "is empty: name the key in ConfigMap %q", c.ConfigMap)
		}
	}
	for i, s := range a.EnvFromSecrets {
		p.DNSLabel(fmt.Sprintf("envFromSecrets[%d]", i), s)
	}
	for _, k := range slices.Sorted(maps.Keys(a.SecretValues)) {
		name("secretValues."+k, k)
		if a.SecretValues[k] == nil {
			p.Addf("secretValues."+k, "is nil: pass a Pulumi secret, e.g. config.RequireSecret(ctx, \"plinth:%s\")", k)
		}
	}
	if e := a.ExternalSecrets; e != nil {
		if e.Store == "" {
			p.Addf("externalSecrets.store", "is empty: name the SecretStore or ClusterSecretStore to read from")
		} else {
			p.DNSLabel("externalSecrets.store", e.Store)
		}
		p.OneOf("externalSecrets.storeKind", e.StoreKind, "SecretStore", "ClusterSecretStore")
		// The operator reads it as a metav1.Duration: Go's duration syntax.
		if d, err := time.ParseDuration(e.RefreshInterval); err != nil || d < 0 {
			p.Addf("externalSecrets.refreshInterval", "%q is not a duration: use a value such as \"1h\" or \"15m\"", e.RefreshInterval)
		}
		if len(e.Data) == 0 {
			p.Addf("externalSecrets.data", "is empty: list the values to fetch, or remove externalSecrets")
		}
		for i, d := range e.Data {
			path := fmt.Sprintf("externalSecrets.data[%d]", i)
			name(path+".name", d.Name)
			if d.RemoteKey == "" {
				p.Addf(path+".remoteKey", "is empty: name the secret in the external manager")
			}
		}
	}
}

func (a Args) validateScaling(p *problem.List) {
	as := a.Autoscaling
	minReplicas := *a.Replicas
	if as.Disabled {
		p.NonNegative("replicas", *a.Replicas)
	} else {
		minReplicas = *as.MinReplicas
		if *as.MinReplicas < 1 {
			p.Addf("autoscaling.minReplicas", "(%d) is below 1: keep at least one replica", *as.MinReplicas)
		}
		if *as.MinReplicas > *as.MaxReplicas {
			p.Addf("autoscaling.minReplicas", "(%d) is greater than maxReplicas (%d): make minReplicas ≤ maxReplicas", *as.MinReplicas, *as.MaxReplicas)
		}
		p.Between("autoscaling.targetCpuPercent", *as.TargetCPUPercent, 1, 100)
		if as.TargetMemoryPercent != 0 {
			p.Between("autoscaling.targetMemoryPercent", as.TargetMemoryPercent, 1, 100)
		}
		p.Between("autoscaling.scaleDownStabilizationSeconds", *as.ScaleDownStabilizationSeconds, 0, 3600)
		p.Between("autoscaling.scaleUpStabilizationSeconds", *as.ScaleUpStabilizationSeconds, 0, 3600)
	}
	if a.Tier == config.TierProd && minReplicas < 2 {
		path := "replicas"
		if !as.Disabled {
			path = "autoscaling.minReplicas"
		}
		p.Addf(path, "(%d) is below 2 in prod: one pod is a single point of failure, use at least 2 (the prod default is 3)", minReplicas)
	}
	pdb := a.PDB
	switch {
	case pdb.MinAvailable != nil && pdb.MaxUnavailable != nil:
		p.Addf("pdb", "sets both minAvailable and maxUnavailable: set one of them")
	case pdb.MinAvailable != nil:
		if n := *pdb.MinAvailable; n < 0 {
			p.Addf("pdb.minAvailable", "(%d) is negative: use 0 or more pods", n)
		} else if n > 0 && n >= minReplicas {
			p.Addf("pdb.minAvailable", "(%d) is not below the minimum replica count (%d): it would block every eviction (node drains and upgrades hang), so use at most %d", n, minReplicas, minReplicas-1)
		}
	case *pdb.MaxUnavailable < 1:
		p.Addf("pdb.maxUnavailable", "(%d) is below 1: it would block every eviction (node drains and upgrades hang), so use 1 or more", *pdb.MaxUnavailable)
	}
}

func (a Args) validateResources(p *problem.List) {
	r := a.Resources
	pairs := []struct{ name, req, lim string }{
		{"cpu", r.CPURequest, r.CPULimit},
		{"memory", r.MemoryRequest, r.MemoryLimit},
		{"ephemeralStorage", r.EphemeralStorageRequest, r.EphemeralStorageLimit},
	}
	for _, pr := range pairs {
		req, okReq := p.Quantity("resources."+pr.name+"Request", pr.req)
		if okReq && req.IsZero() {
			p.Addf("resources."+pr.name+"Request", "is zero: request what the container needs so the scheduler can place it")
		}
		if pr.lim == LimitNone {
			continue
		}
		lim, okLim := p.Quantity("resources."+pr.name+"Limit", pr.lim)
		if okReq && okLim && lim.Cmp(req) < 0 {
			p.Addf("resources."+pr.name+"Limit", "(%s) is below %sRequest (%s): raise the limit, or use %q to remove it", pr.lim, pr.name, pr.req, LimitNone)
		}
	}
}

func (a Args) validateProbes(p *problem.List) {
	for _, pr := range []struct {
		name string
		p    ProbeArgs
	}{{"readiness", *a.Probes.Readiness}, {"liveness", *a.Probes.Liveness}, {"startup", *a.Probes.Startup}} {
		if pr.p.Disabled {
			continue
		}
		path := "probes." + pr.name
		p.HTTPPath(path+".path", pr.p.Path)
		p.Port(path+".port", *pr.p.Port)
		p.NonNegative(path+".initialDelaySeconds", pr.p.InitialDelaySeconds)
		if *pr.p.PeriodSeconds < 1 {
			p.Addf(path+".periodSeconds", "(%d) is below 1: probe at least every few seconds, e.g. 10", *pr.p.PeriodSeconds)
		}
		if *pr.p.TimeoutSeconds < 1 {
			p.Addf(path+".timeoutSeconds", "(%d) is below 1: use a timeout of at least 1 second", *pr.p.TimeoutSeconds)
		}
		if *pr.p.FailureThreshold < 1 {
			p.Addf(path+".failureThreshold", "(%d) is below 1: use at least 1", *pr.p.FailureThreshold)
		}
	}
	r, l := a.Probes.Readiness, a.Probes.Liveness
	if !r.Disabled && !l.Disabled && r.Path == l.Path && *r.Port == *l.Port {
		p.Addf("probes.liveness.path", "%q is also the readiness path: a liveness probe that fails with readiness restarts pods that are only busy, so serve liveness on its own path", l.Path)
	}
}

func (a Args) validatePod(p *problem.List) {
	if *a.ProgressDeadlineSeconds < 1 {
		p.Addf("progressDeadlineSeconds", "(%d) is below 1: give rollouts time, e.g. 600", *a.ProgressDeadlineSeconds)
	}
	p.NonNegative("revisionHistoryLimit", *a.RevisionHistoryLimit)
	if *a.TerminationGracePeriodSeconds < 0 {
		p.Addf("terminationGracePeriodSeconds", "(%d) is negative: use 0 or more seconds", *a.TerminationGracePeriodSeconds)
	}
	if p.NonNegative("preStopSleepSeconds", *a.PreStopSleepSeconds) && *a.PreStopSleepSeconds >= *a.TerminationGracePeriodSeconds && *a.PreStopSleepSeconds > 0 {
		p.Addf("preStopSleepSeconds", "(%d) is not below terminationGracePeriodSeconds (%d): leave the application time to stop after the delay", *a.PreStopSleepSeconds, *a.TerminationGracePeriodSeconds)
	}
	p.OneOf("spreadPolicy", a.SpreadPolicy, "ScheduleAnyway", "DoNotSchedule")
	s := a.Security
	if *s.RunAsUser < 1 {
		p.Addf("security.runAsUser", "(%d) is root or invalid: run as a non-root UID such as 10001", *s.RunAsUser)
	}
	if *s.RunAsGroup < 1 {
		p.Addf("security.runAsGroup", "(%d) is root or invalid: use a non-root GID such as 10001", *s.RunAsGroup)
	}
	if *s.FSGroup < 1 {
		p.Addf("security.fsGroup", "(%d) is root or invalid: use a non-root GID such as 10001", *s.FSGroup)
	}
	p.Quantity("security.tmpSizeLimit", s.TmpSizeLimit)
	p.Labels("nodeSelector", a.NodeSelector)
	p.Labels("labels", a.Labels)
	sa := a.ServiceAccount
	if sa.Name != "" {
		p.DNSLabel("serviceAccount.name", sa.Name)
		if sa.AWSRoleARN != nil || sa.PodIdentityRoleARN != nil || sa.GCPServiceAccount != nil || len(sa.Annotations) > 0 {
			p.Addf("serviceAccount", "sets a cloud identity or annotations on an existing service account (%q): annotate that account where it is created, or leave name empty", sa.Name)
		}
	}
	var identities []string
	for _, id := range []struct {
		name string
		set  bool
	}{{"podIdentityRoleArn", sa.PodIdentityRoleARN != nil}, {"awsRoleArn", sa.AWSRoleARN != nil}, {"gcpServiceAccount", sa.GCPServiceAccount != nil}} {
		if id.set {
			identities = append(identities, id.name)
		}
	}
	if len(identities) > 1 {
		p.Addf("serviceAccount", "sets %s: give the pods one cloud identity (Pod Identity on EKS, Workload Identity on GKE)", strings.Join(identities, " and "))
	}
	// A literal identity is checked here, an output of another resource
	// (a role created in the same program) when it resolves, by the same
	// function (identityChecks).
	for _, id := range sa.identities() {
		p.Input(id.path, id.in, id.check)
	}
	if mp := *a.Metrics.Port; mp != 0 {
		if p.Port("metrics.port", mp) && mp == *a.Port {
			p.Addf("metrics.port", "(%d) is the application port: serve metrics on their own port, or set 0 to turn metrics off", mp)
		}
		p.HTTPPath("metrics.path", a.Metrics.Path)
		if d, err := model.ParseDuration(a.Metrics.Interval); err != nil || d <= 0 {
			p.Addf("metrics.interval", "%q is not a Prometheus duration: use a value such as \"30s\"", a.Metrics.Interval)
		}
	}
}

func (a Args) validateNetwork(p *problem.List) {
	np := a.NetworkPolicy
	for _, in := range a.namespaceInputs() {
		p.Input(in.path, in.in, problem.CheckDNSLabel)
	}
	p.Labels("networkPolicy.allowFromPods", np.AllowFromPods)
	for i, ns := range np.AllowToNamespaces {
		p.DNSLabel(fmt.Sprintf("networkPolicy.allowToNamespaces[%d]", i), ns)
	}
	if np.AllowAllEgress && (len(np.Egress) > 0 || len(np.AllowToNamespaces) > 0) {
		p.Addf("networkPolicy.allowAllEgress", "is true with egress destinations listed: drop the list (egress is open) or allowAllEgress (egress is limited to the list)")
	}
	for i, e := range np.Egress {
		path := fmt.Sprintf("networkPolicy.egress[%d]", i)
		p.CIDR(path+".cidr", e.CIDR)
		for j, port := range e.Ports {
			p.Port(fmt.Sprintf("%s.ports[%d]", path, j), port)
		}
	}
	if in := a.Ingress; in != nil {
		if in.Host == nil {
			p.Addf("ingress.host", "is empty: set the DNS name to serve, e.g. \"web.example.com\"")
		}
		p.Input("ingress.host", in.Host, checkDNSName)
		p.HTTPPath("ingress.path", in.Path)
		if in.ClassName != "" {
			p.DNSLabel("ingress.className", in.ClassName)
		}
		if in.TLSSecret != "" {
			p.DNSLabel("ingress.tlsSecret", in.TLSSecret)
		}
		if np.IngressNamespace == nil {
			p.Addf("networkPolicy.ingressNamespace", "is empty with an Ingress: name the namespace your ingress controller runs in, so the NetworkPolicy admits it")
		}
	}
	if r := a.Route; r != nil {
		if errs := validation.IsDNS1123Subdomain(r.Gateway); r.Gateway == "" || len(errs) > 0 {
			p.Addf("route.gateway", "%q is not a Gateway name: name the Gateway to attach to, e.g. \"shared\"", r.Gateway)
		}
		if r.GatewayNamespace == nil {
			p.Addf("route.gatewayNamespace", "is empty: name the Gateway's namespace")
		}
		if r.SectionName != "" {
			p.DNSLabel("route.sectionName", r.SectionName)
		}
		p.Inputs("route.hostnames", r.Hostnames, checkHostname)
		p.HTTPPath("route.path", r.Path)
	}
}

func (a Args) validateStrategy(p *problem.List) {
	st := a.Strategy
	if st.Progressive != nil && st.Type != StrategyProgressive {
		p.Addf("strategy.progressive", "is set with type %s: set type Progressive, or remove it", st.Type)
	}
	switch st.Type {
	case StrategyRolling:
		if st.GreenImage != nil || st.CanaryImage != nil {
			p.Addf("strategy", "sets greenImage or canaryImage with type Rolling: set type BlueGreen or Canary, or remove them")
		}
	case StrategyBlueGreen:
		p.OneOf("strategy.activeColor", st.ActiveColor, ColorBlue, ColorGreen)
		if st.GreenImage == nil {
			p.Addf("strategy.greenImage", "is empty: blue-green needs the green color's image (Image is blue's); set it to the version to deploy next")
		}
		p.Input("strategy.greenImage", st.GreenImage, a.checkImage)
	case StrategyCanary:
		if st.CanaryImage == nil {
			p.Addf("strategy.canaryImage", "is empty: a canary needs the image to try; set it, or use type Rolling")
		}
		p.Input("strategy.canaryImage", st.CanaryImage, a.checkImage)
		p.Between("strategy.canaryPercent", *st.CanaryPercent, 1, 99)
	case StrategyProgressive:
		a.validateProgressive(p)
	default:
		p.OneOf("strategy.type", st.Type, StrategyRolling, StrategyBlueGreen, StrategyCanary, StrategyProgressive)
	}
}

// maxStepPause is the longest step pause, in seconds: well below the 30
// minutes after which the RolloutStuck alert calls a paused rollout stuck.
const maxStepPause = 900

// validateProgressive checks what Argo Rollouts would refuse or could not
// analyse: its step weights (0–100, Rollout validation), the analysis'
// durations and address, and the metrics the analysis measures.
func (a Args) validateProgressive(p *problem.List) {
	st := a.Strategy
	if st.GreenImage != nil || st.CanaryImage != nil {
		p.Addf("strategy", "sets greenImage or canaryImage with type Progressive: the Rollout deploys Image, so change Image to roll out a version; remove them")
	}
	pr := st.Progressive
	p.OneOf("strategy.progressive.mode", pr.Mode, ModeCanary, ModeBlueGreen)
	if pr.Mode == ModeCanary {
		if len(pr.Steps) == 0 {
			p.Addf("strategy.progressive.steps", "is empty: list the canary's traffic weights, e.g. [10, 25, 50]")
		}
		for i, w := range pr.Steps {
			path := fmt.Sprintf("strategy.progressive.steps[%d]", i)
			if p.Between(path, w, 1, 99) && i > 0 && w <= pr.Steps[i-1] {
				p.Addf(path, "%d does not rise above the step before (%d): list rising weights, e.g. [10, 25, 50]", w, pr.Steps[i-1])
			}
		}
		pause := *pr.StepPauseSeconds
		if every, err := time.ParseDuration(pr.Analysis.Interval); err == nil && pause >= 0 && len(pr.Steps) > 1 && time.Duration(pause)*time.Second < every {
			// The background analysis measures as it starts and then
			// every interval: a shorter pause can promote a version that
			// went bad after its first step without measuring it.
			p.Addf("strategy.progressive.stepPauseSeconds", "is %d, shorter than the analysis interval (%s): the background analysis would not measure every step, so a version that goes bad after the first could be promoted unmeasured; hold each step at least %d seconds",
				pause, pr.Analysis.Interval, int(every.Seconds()+0.999))
		}
		if pause < 0 || pause > maxStepPause {
			p.Addf("strategy.progressive.stepPauseSeconds", "is %d: hold each step between 0 and %d seconds (the RolloutStuck alert fires on a rollout paused for 30 minutes)", pause, maxStepPause)
		}
	} else if pr.Steps != nil {
		p.Addf("strategy.progressive.steps", "is set with mode BlueGreen, which has no steps: remove it, or use mode Canary")
	}
	an := pr.Analysis
	p.URL("strategy.progressive.analysis.prometheusAddress", an.PrometheusAddress, "give the Prometheus URL, e.g. \"http://prometheus.monitoring.svc.cluster.local:9090\"", "http", "https")
	if d, err := time.ParseDuration(an.Interval); err != nil || d <= 0 {
		p.Addf("strategy.progressive.analysis.interval", "%q is not a positive duration: use a value such as \"1m\"", an.Interval)
	}
	if d, err := model.ParseDuration(an.Window); err != nil || d <= 0 {
		p.Addf("strategy.progressive.analysis.window", "%q is not a positive Prometheus duration: use a value such as \"2m\"", an.Window)
	}
	if *an.Count < 1 {
		p.Addf("strategy.progressive.analysis.count", "is %d: measure at least once", *an.Count)
	}
	if *an.MinRequests < 1 {
		p.Addf("strategy.progressive.analysis.minRequests", "is %d: a version must be tried by at least one request to be judged", *an.MinRequests)
	}
	for path, name := range map[string]string{"requestsMetric": an.RequestsMetric, "durationMetric": an.DurationMetric} {
		if !model.LegacyValidation.IsValidMetricName(name) {
			p.Addf("strategy.progressive.analysis."+path, "%q is not a Prometheus metric name: use letters, digits, _ and :", name)
		}
	}
	if !model.LegacyValidation.IsValidLabelName(an.StatusLabel) {
		p.Addf("strategy.progressive.analysis.statusLabel", "%q is not a Prometheus label name: use letters, digits and _", an.StatusLabel)
	}
	// The analysis tells the new pods' requests from the old ones' by the
	// pod-template-hash label the ServiceMonitor copies onto the series.
	if m := a.Metrics; *m.Port == 0 || m.DisableServiceMonitor {
		p.Addf("metrics", "is off, but the Progressive strategy measures the new version's requests: turn metrics and the ServiceMonitor on, or use another strategy")
	}
}

// checkImage is the check of every image field: on a literal in
// Validate, on an output when it resolves (New).
func (a Args) checkImage(s string) error { return imageref.Check(s, a.AllowMutableTag) }

// identity is a cloud identity field of ServiceAccountArgs and its check.
type identity struct {
	path, annotation string
	in               pulumi.StringInput
	check            func(string) error
}

// identities returns the cloud identities that are set.
func (sa *ServiceAccountArgs) identities() []identity {
	var out []identity
	for _, id := range []identity{
		{"serviceAccount.awsRoleArn", "eks.amazonaws.com/role-arn", sa.AWSRoleARN, awsiam.CheckRoleARN},
		{"serviceAccount.podIdentityRoleArn", PodIdentityAnnotation, sa.PodIdentityRoleARN, awsiam.CheckRoleARN},
		{"serviceAccount.gcpServiceAccount", "iam.gke.io/gcp-service-account", sa.GCPServiceAccount, checkGCPServiceAccount},
	} {
		if id.in != nil {
			out = append(out, id)
		}
	}
	return out
}

// checkGCPServiceAccount checks that s is a Google service account email.
func checkGCPServiceAccount(s string) error {
	if !gcpSAEmail.MatchString(s) {
		return fmt.Errorf("%q is not a service account email: use <id>@<project>.iam.gserviceaccount.com", s)
	}
	return nil
}

// namespaceInput is a namespace field of Args that may come from another
// resource, and its path.
type namespaceInput struct {
	path string
	in   pulumi.StringInput
}

// namespaceInputs returns the namespace fields that are set: checked as
// literals by Validate and as outputs when they resolve, by one check
// (problem.CheckDNSLabel).
func (a Args) namespaceInputs() []namespaceInput {
	np := a.NetworkPolicy
	var out []namespaceInput
	for i, ns := range np.AllowFromNamespaces {
		out = append(out, namespaceInput{fmt.Sprintf("networkPolicy.allowFromNamespaces[%d]", i), ns})
	}
	for path, ns := range map[string]pulumi.StringInput{"networkPolicy.monitoringNamespace": np.MonitoringNamespace, "networkPolicy.ingressNamespace": np.IngressNamespace} {
		if ns != nil {
			out = append(out, namespaceInput{path, ns})
		}
	}
	if a.Route != nil && a.Route.GatewayNamespace != nil {
		out = append(out, namespaceInput{"route.gatewayNamespace", a.Route.GatewayNamespace})
	}
	slices.SortFunc(out, func(x, y namespaceInput) int { return strings.Compare(x.path, y.path) })
	return out
}

// checkDNSName checks an Ingress host: a DNS name.
func checkDNSName(h string) error {
	if errs := validation.IsDNS1123Subdomain(h); len(errs) > 0 {
		return fmt.Errorf("%q is not a DNS name: use lowercase labels separated by dots, e.g. \"web.example.com\"", h)
	}
	return nil
}

// checkHostname checks a Gateway API hostname: a DNS name, or "*." and
// one.
func checkHostname(h string) error {
	if errs := validation.IsDNS1123Subdomain(strings.TrimPrefix(h, "*.")); len(errs) > 0 || strings.Contains(h, ":") {
		return fmt.Errorf("%q is not a hostname: use a DNS name such as \"web.example.com\" or \"*.example.com\", without a scheme or port", h)
	}
	return nil
}

// checkNamespace checks the application's namespace: a DNS label, not a
// system namespace.
func checkNamespace(ns string) error {
	if err := problem.CheckDNSLabel(ns); err != nil {
		return err
	}
	if problem.SystemNamespace(ns) {
		return fmt.Errorf("%q is a system namespace: run applications in their own namespace", ns)
	}
	return nil
}
