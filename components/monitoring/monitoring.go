package monitoring

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:kubernetes:Monitoring"

// ReleaseName is the Helm release name of kube-prometheus-stack; the
// chart derives its Service names from it.
const ReleaseName = "kube-prometheus-stack"

// Monitoring is a deployed monitoring stack.
type Monitoring struct {
	pulumi.ResourceState

	// NamespaceName is the namespace of the stack.
	NamespaceName pulumi.StringOutput `pulumi:"namespace"`
	// GrafanaURL is Grafana's in-cluster URL ("" in operator mode).
	GrafanaURL pulumi.StringOutput `pulumi:"grafanaUrl"`
	// PrometheusURL is Prometheus' in-cluster URL ("" in operator mode).
	PrometheusURL pulumi.StringOutput `pulumi:"prometheusUrl"`
	// AlertmanagerURL is Alertmanager's in-cluster URL ("" in operator mode).
	AlertmanagerURL pulumi.StringOutput `pulumi:"alertmanagerUrl"`
	// Alerts are the names of the alert rules created.
	Alerts pulumi.StringArrayOutput `pulumi:"alerts"`

	// Namespace is the Namespace created (nil with CreateNamespace false).
	Namespace *corev1.Namespace
	// Chart is the kube-prometheus-stack release (nil in operator mode).
	Chart *helmv4.Chart
	// GrafanaSecret holds Grafana's admin credentials (install mode).
	GrafanaSecret *corev1.Secret
	// AlertmanagerSecret holds alertmanager.yaml (install mode).
	AlertmanagerSecret *corev1.Secret
	// Rules is the PrometheusRule holding every alert.
	Rules *apiextensions.CustomResource
	// Dashboard is the ConfigMap holding the service dashboard.
	Dashboard *corev1.ConfigMap
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	a         Args
	m         *Monitoring
	namespace pulumi.StringInput
	labels    map[string]string
	// ownLabels and ownAnn mark every object with its stack and stable
	// field manager (naming.Owner).
	ownLabels, ownAnn map[string]string
	opts              []pulumi.ResourceOption
}

// New creates a monitoring stack called name. Arguments, every alert
// expression included, are validated before anything is registered. Pass
// the cluster's provider with pulumi.Provider(...).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	if a.Cluster == "" {
		a.Cluster = ctx.Stack()
	}
	if a.Environment == "" {
		a.Environment = ctx.Stack()
	}
	dashboard, err := ServiceDashboard(*a.Metrics)
	if err != nil {
		return nil, err
	}
	m := &Monitoring{}
	if err := ctx.RegisterComponentResource(TypeToken, name, m, opts...); err != nil {
		return nil, err
	}
	b := &builder{
		ctx: ctx, name: name, a: a, m: m,
		namespace: pulumi.String(a.Namespace),
		labels: naming.Merge(a.Labels, naming.Labels(naming.AppLabels{
			Name: "monitoring", Instance: name, Component: "monitoring", PartOf: ctx.Project(),
		})),
		opts: []pulumi.ResourceOption{pulumi.Parent(m)},
	}
	b.ownLabels, b.ownAnn = naming.Owner(ctx.Project(), ctx.Stack())
	if err := b.createNamespace(); err != nil {
		return nil, err
	}
	var dependsOn []pulumi.Resource
	if a.Mode == ModeInstall {
		if err := b.install(); err != nil {
			return nil, err
		}
		// The rules and dashboard need the chart's CRDs and Grafana.
		dependsOn = append(dependsOn, m.Chart)
	}
	if err := b.createRules(dependsOn); err != nil {
		return nil, err
	}
	if err := b.createDashboard(dashboard); err != nil {
		return nil, err
	}

	m.NamespaceName = b.namespace.ToStringOutput()
	svc := func(suffix string, port int) pulumi.StringOutput {
		if a.Mode != ModeInstall {
			return pulumi.String("").ToStringOutput()
		}
		return pulumi.Sprintf("http://%s-%s.%s.svc.cluster.local:%d", ReleaseName, suffix, m.NamespaceName, port)
	}
	m.GrafanaURL = svc("grafana", 80)
	m.PrometheusURL = svc("prometheus", 9090)
	m.AlertmanagerURL = svc("alertmanager", 9093)
	var alerts pulumi.StringArray
	for _, r := range a.rules() {
		alerts = append(alerts, pulumi.String(r.Alert))
	}
	m.Alerts = alerts.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"namespace": m.NamespaceName, "grafanaUrl": m.GrafanaURL, "prometheusUrl": m.PrometheusURL,
		"alertmanagerUrl": m.AlertmanagerURL, "alerts": m.Alerts,
	}); err != nil {
		return nil, err
	}
	return m, nil
}

func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// namespaced returns the options of an object in the namespace, plus
// extra. When the component created the namespace, the object is deleted
// with it: a destroy deletes the namespace alone and the namespace
// controller deletes its content, and the namespace is gone only once
// its content is. Not for the chart: its cluster-scoped objects outlive
// the namespace.
func (b *builder) namespaced(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	opts := append(slices.Clone(b.opts), extra...)
	if b.m.Namespace != nil {
		opts = append(opts, pulumi.DeletedWith(b.m.Namespace))
	}
	return opts
}

func (b *builder) meta(name string, extra map[string]string) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{
		Name:        pulumi.String(name),
		Namespace:   b.namespace,
		Labels:      pulumi.ToStringMap(naming.Merge(b.labels, extra, b.ownLabels)),
		Annotations: pulumi.ToStringMap(b.ownAnn),
	}
}

// createNamespace creates the namespace. In install mode it allows
// privileged pods: node-exporter needs the host's network and PID
// namespaces; in operator mode, or on Autopilot (no node-exporter), it
// enforces restricted.
func (b *builder) createNamespace() error {
	if !*b.a.CreateNamespace {
		return nil
	}
	enforce := "restricted"
	if b.a.Mode == ModeInstall && b.a.Platform != PlatformGKEAutopilot {
		enforce = "privileged"
	}
	ns, err := corev1.NewNamespace(b.ctx, b.child("namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(b.a.Namespace),
			Labels: pulumi.ToStringMap(naming.Merge(map[string]string{
				naming.LabelManagedBy:                naming.ManagedBy,
				"pod-security.kubernetes.io/enforce": enforce,
				"pod-security.kubernetes.io/warn":    "baseline",
				"pod-security.kubernetes.io/audit":   "baseline",
			}, b.ownLabels)),
			Annotations: pulumi.ToStringMap(b.ownAnn),
		},
	}, b.opts...)
	if err != nil {
		return err
	}
	b.m.Namespace = ns
	b.namespace = ns.Metadata.Name().Elem()
	return nil
}

// createRules puts every alert into one PrometheusRule. It carries only
// plinth's labels: the installed Prometheus selects every rule.
func (b *builder) createRules(dependsOn []pulumi.Resource) error {
	var rules []any
	for _, r := range b.a.rules() {
		rules = append(rules, r.manifest(b.a.RunbookBaseURL))
	}
	pr, err := apiextensions.NewCustomResource(b.ctx, b.child("rules"), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PrometheusRule"),
		Metadata:   b.meta(b.name+"-rules", nil),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"groups": []any{map[string]any{"name": "plinth." + b.name, "rules": rules}},
		}},
	}, b.namespaced(pulumi.DependsOn(dependsOn))...)
	if err != nil {
		return err
	}
	b.m.Rules = pr
	return nil
}

func (b *builder) createDashboard(dashboard []byte) error {
	cm, err := corev1.NewConfigMap(b.ctx, b.child("dashboard"), &corev1.ConfigMapArgs{
		Metadata: b.meta(b.name+"-service-dashboard", map[string]string{DashboardLabel: "1"}),
		Data:     pulumi.StringMap{"plinth-service.json": pulumi.String(dashboard)},
	}, b.namespaced()...)
	if err != nil {
		return err
	}
	b.m.Dashboard = cm
	return nil
}

// install creates the secrets the chart references and the chart.
func (b *builder) install() error {
	a := b.a
	grafana, err := corev1.NewSecret(b.ctx, b.child("grafana-admin"), &corev1.SecretArgs{
		Metadata: b.meta(b.name+"-grafana-admin", nil),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"admin-user":     pulumi.String(a.Grafana.AdminUser),
			"admin-password": pulumi.ToSecret(problem.Resolved(fmt.Sprintf("monitoring %q: ", b.name), "grafana.adminPassword", a.Grafana.AdminPassword, checkPassword)).(pulumi.StringOutput),
		},
	}, b.namespaced()...)
	if err != nil {
		return err
	}
	b.m.GrafanaSecret = grafana

	paging, chat := secretOrEmpty(a.Alerting.PagingURL), secretOrEmpty(a.Alerting.ChatURL)
	config := pulumi.All(paging, chat).ApplyT(func(v []any) (string, error) {
		return AlertmanagerConfig(*a.Alerting, v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	am, err := corev1.NewSecret(b.ctx, b.child("alertmanager-config"), &corev1.SecretArgs{
		Metadata:   b.meta(b.name+"-alertmanager-config", nil),
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"alertmanager.yaml": pulumi.ToSecret(config).(pulumi.StringOutput)},
	}, b.namespaced()...)
	if err != nil {
		return err
	}
	b.m.AlertmanagerSecret = am

	name, repo := chart.Source(a.Chart.Repository, ReleaseName)
	values := pulumi.ToMap(mergeValues(b.values(), a.ExtraValues))
	c, err := helmv4.NewChart(b.ctx, b.child("kube-prometheus-stack"), &helmv4.ChartArgs{
		Name:           pulumi.String(ReleaseName),
		Chart:          name,
		Version:        pulumi.String(a.Chart.Version),
		RepositoryOpts: repo,
		Namespace:      b.namespace,
		Values:         values,
	}, append(b.opts, pulumi.DependsOn([]pulumi.Resource{grafana, am}))...)
	if err != nil {
		return err
	}
	b.m.Chart = c
	return nil
}

// values are plinth's typed chart values. They hold no secret: Grafana's
// password and Alertmanager's receivers live in Secrets the chart
// references by name.
func (b *builder) values() map[string]any {
	a := b.a
	p := a.Prometheus
	// Args.StorageClass, checked once when it resolves as Validate checks
	// a literal, for every volume that names it.
	var storageClass pulumi.StringOutput
	if a.StorageClass != nil {
		storageClass = problem.Resolved(fmt.Sprintf("monitoring %q: ", b.name), "storageClass", a.StorageClass, problem.CheckObjectName)
	}
	spec := map[string]any{
		"retention":          p.Retention,
		"replicas":           *p.Replicas,
		"scrapeInterval":     p.ScrapeInterval,
		"evaluationInterval": p.EvaluationInterval,
		"externalLabels":     map[string]any{"cluster": a.Cluster, "environment": a.Environment},
		// Select every ServiceMonitor, PodMonitor, Probe and rule in the
		// cluster, not only those carrying the release label, so
		// applications need no chart-specific labels.
		"serviceMonitorSelectorNilUsesHelmValues": false,
		"podMonitorSelectorNilUsesHelmValues":     false,
		"probeSelectorNilUsesHelmValues":          false,
		"ruleSelectorNilUsesHelmValues":           false,
		"resources": map[string]any{
			"requests": map[string]any{"cpu": p.CPURequest, "memory": p.MemoryRequest},
			"limits":   map[string]any{"memory": p.MemoryLimit},
		},
		"securityContext": map[string]any{
			"runAsNonRoot": true, "runAsUser": 1000, "runAsGroup": 2000, "fsGroup": 2000,
			"seccompProfile": map[string]any{"type": "RuntimeDefault"},
		},
	}
	if p.StorageSize != "" {
		claim := map[string]any{
			"accessModes": []any{"ReadWriteOnce"},
			"resources":   map[string]any{"requests": map[string]any{"storage": p.StorageSize}},
		}
		if a.StorageClass != nil {
			claim["storageClassName"] = storageClass
		}
		spec["storageSpec"] = map[string]any{"volumeClaimTemplate": map[string]any{"spec": claim}}
	}
	if p.RemoteWriteURL != "" {
		spec["remoteWrite"] = []any{map[string]any{"url": p.RemoteWriteURL}}
	}
	grafana := map[string]any{
		"enabled": true,
		"admin": map[string]any{
			"existingSecret": b.name + "-grafana-admin",
			"userKey":        "admin-user",
			"passwordKey":    "admin-password",
		},
		"sidecar": map[string]any{"dashboards": map[string]any{
			"enabled": true, "label": DashboardLabel, "labelValue": "1", "searchNamespace": "ALL",
		}},
	}
	if a.Grafana.StorageSize != "" {
		persistence := map[string]any{"enabled": true, "size": a.Grafana.StorageSize}
		if a.StorageClass != nil {
			persistence["storageClassName"] = storageClass
		}
		grafana["persistence"] = persistence
		// A ReadWriteOnce volume attaches to one node: a rolling update's
		// new pod on another node would wait for it forever (Multi-Attach
		// error). Recreate stops the old pod first.
		grafana["deploymentStrategy"] = map[string]any{"type": "Recreate"}
	}
	amReplicas := 1
	if a.Tier == "prod" {
		amReplicas = 2
	}
	values := map[string]any{
		"crds": map[string]any{"enabled": true},
		// One alert per condition: the chart's rules that plinth's default
		// rules replace (with plinth's incident levels and runbooks).
		"defaultRules": map[string]any{"disabled": ChartRulesReplaced()},
		"prometheus":   map[string]any{"prometheusSpec": spec},
		"alertmanager": map[string]any{"alertmanagerSpec": map[string]any{
			"replicas":     amReplicas,
			"configSecret": b.name + "-alertmanager-config",
		}},
		"grafana": grafana,
	}
	return mergeValues(values, platformValues(a.Platform))
}

// platformValues turn off what the platform does not let the chart
// scrape or deploy (see the Platform constants), with the chart's rule
// groups that alert on it: a target that can never be scraped is an
// alert that never clears.
func platformValues(platform string) map[string]any {
	if platform == PlatformSelfManaged {
		return map[string]any{}
	}
	off := map[string]any{"enabled": false}
	hidden := []string{"kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"}
	rules := []string{"kubeControllerManager", "kubeSchedulerAlerting", "kubeSchedulerRecording", "etcd", "kubeProxy"}
	values := map[string]any{}
	if platform == PlatformGKEAutopilot {
		// node-exporter (a dependency whose condition is
		// nodeExporter.enabled) and the Services in kube-system (CoreDNS,
		// kube-dns and the kubelet Service the operator maintains) are
		// refused.
		hidden = append(hidden, "coreDns", "kubeDns", "kubelet", "nodeExporter")
		rules = append(rules, "kubelet", "node", "nodeExporterAlerting", "nodeExporterRecording", "kubePrometheusNodeRecording")
		values["prometheusOperator"] = map[string]any{"kubeletService": map[string]any{"enabled": false}}
	}
	for _, k := range hidden {
		values[k] = off
	}
	disabled := map[string]any{}
	for _, r := range rules {
		disabled[r] = false
	}
	values["defaultRules"] = map[string]any{"rules": disabled}
	return values
}

func secretOrEmpty(s pulumi.StringInput) pulumi.StringOutput {
	if s == nil {
		return pulumi.String("").ToStringOutput()
	}
	return pulumi.ToSecret(s).(pulumi.StringOutput)
}

// mergeValues returns base with extra merged over it, recursively for
// nested maps; extra wins on conflicts.
func mergeValues(base, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		if bv, ok := out[k].(map[string]any); ok {
			if ev, ok := v.(map[string]any); ok {
				out[k] = mergeValues(bv, ev)
				continue
			}
		}
		out[k] = v
	}
	return out
}
