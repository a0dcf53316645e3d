package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:kubernetes:App"

// Labels plinth adds to tell apart the Deployments of one application.
const (
	// LabelTrack is "stable" or "canary".
	LabelTrack = "plinth.dev/track"
	// LabelColor is "blue" or "green" (BlueGreen only).
	LabelColor = "plinth.dev/color"
)

// App is a deployed application. Its outputs are typed fields; the
// Kubernetes objects it created are exposed too (nil when not created).
type App struct {
	pulumi.ResourceState

	// NamespaceName is the namespace the application runs in.
	NamespaceName pulumi.StringOutput `pulumi:"namespace"`
	// ServiceName is the name of the Service that carries live traffic.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// DNSName is the Service's in-cluster DNS name.
	DNSName pulumi.StringOutput `pulumi:"dnsName"`
	// URL is the route's (https://<first hostname><path>) or the Ingress's
	// URL when there is one, else the in-cluster URL.
	URL pulumi.StringOutput `pulumi:"url"`
	// DeploymentNames are the names of the Deployments (one, or two for
	// BlueGreen and Canary).
	DeploymentNames pulumi.StringArrayOutput `pulumi:"deploymentNames"`
	// HPANames are the names of the HorizontalPodAutoscalers.
	HPANames pulumi.StringArrayOutput `pulumi:"hpaNames"`

	// Namespace is the Namespace created (nil with CreateNamespace false).
	Namespace *corev1.Namespace
	// Deployments are the Deployments, stable (or blue) first. With the
	// Progressive strategy the Rollout runs the pods, from the one
	// Deployment's template.
	Deployments []*appsv1.Deployment
	// Rollout is the Argo Rollouts Rollout (Progressive only; nil otherwise).
	Rollout *apiextensions.CustomResource
	// AnalysisTemplate measures a new version against plinth's health
	// objectives (Progressive only; nil otherwise).
	AnalysisTemplate *apiextensions.CustomResource
	// BackgroundAnalysisTemplate measures a canary of two steps or more
	// from its second step until promotion (nil otherwise).
	BackgroundAnalysisTemplate *apiextensions.CustomResource
	// Service carries live traffic.
	Service *corev1.Service
	// PreviewService selects the inactive color (BlueGreen) or the canary
	// (Canary with a Route); nil otherwise.
	PreviewService *corev1.Service
	// HPAs are the autoscalers, one per autoscaled Deployment (or the
	// Rollout).
	HPAs []*autoscalingv2.HorizontalPodAutoscaler
	// PDBs are the disruption budgets, one per Deployment.
	PDBs []*policyv1.PodDisruptionBudget
	// ServiceAccount is the service account created (nil when an existing
	// one is used).
	ServiceAccount *corev1.ServiceAccount
	// NetworkPolicy guards the pods (nil when disabled).
	NetworkPolicy *networkingv1.NetworkPolicy
	// ServiceMonitor tells Prometheus to scrape the pods (nil without metrics).
	ServiceMonitor *apiextensions.CustomResource
	// Route is the HTTPRoute exposing the application; nil without Route.
	Route *apiextensions.CustomResource
	// Ingresses expose the application; empty without Ingress.
	Ingresses []*networkingv1.Ingress
	// EnvSecret holds SecretValues (nil without them).
	EnvSecret *corev1.Secret
	// ExternalSecret syncs ExternalSecrets (nil without them).
	ExternalSecret *apiextensions.CustomResource
}

// track is one Deployment of the application.
type track struct {
	name      string              // Kubernetes name and logical-name stem
	image     pulumi.StringOutput // container image, checked when it resolves
	labels    map[string]string   // the labels that tell it apart
	replicas  int                 // replicas when not autoscaled
	autoscale bool                // owned by an HPA
	canary    bool                // the fixed-size canary of a Canary app
}

// builder carries what the parts of New share.
type builder struct {
	ctx       *pulumi.Context
	name      string
	a         Args
	app       *App
	namespace pulumi.StringInput
	selector  map[string]string // name + instance
	labels    map[string]string // recommended labels + Args.Labels
	// ownLabels and ownAnn mark every object's own metadata with its
	// stack and stable field manager (naming.Owner).
	ownLabels, ownAnn map[string]string
	opts              []pulumi.ResourceOption
	// inNS are the options of the children that do not own pods: opts,
	// plus DeletedWith the namespace when it is known (see
	// Args.NamespaceObject).
	inNS []pulumi.ResourceOption
	// host, hostnames and gatewayNamespace are the Ingress's and the
	// Route's Inputs, each checked once when it resolves (resolveInputs)
	// and used wherever the value goes.
	host             pulumi.StringOutput
	hostnames        pulumi.StringArray
	gatewayNamespace pulumi.StringOutput
}

// custom returns the options of a custom resource: base, and waiting for
// what installs the CRDs (Args.WaitForCRDs).
func (b *builder) custom(base []pulumi.ResourceOption, deps ...pulumi.Resource) []pulumi.ResourceOption {
	return append(slices.Clone(base), pulumi.DependsOn(append(slices.Clone(b.a.WaitForCRDs), deps...)))
}

// New creates an application called name. Arguments are validated (with
// defaults applied) before anything is registered; an error lists every
// problem. Pass the cluster's provider with pulumi.Provider(...).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*App, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults(name)
	if a.Instance == "" {
		a.Instance = ctx.Stack()
	}
	if a.PartOf == "" {
		a.PartOf = ctx.Project()
	}

	app := &App{}
	if err := ctx.RegisterComponentResource(TypeToken, name, app, opts...); err != nil {
		return nil, err
	}
	b := &builder{
		ctx: ctx, name: name, a: a, app: app,
		namespace: problem.Resolved(fmt.Sprintf("app %q: ", name), "namespace", a.Namespace, checkNamespace),
		selector:  naming.Selector(naming.AppLabels{Name: name, Instance: a.Instance}),
		// The version label goes on Deployments and pods only: an image
		// change must not touch every other object.
		labels: naming.Merge(a.Labels, naming.Labels(naming.AppLabels{
			Name: name, Instance: a.Instance, Component: "server", PartOf: a.PartOf,
		})),
		opts: []pulumi.ResourceOption{pulumi.Parent(app)},
	}
	b.ownLabels, b.ownAnn = naming.Owner(ctx.Project(), ctx.Stack())
	b.resolveInputs()
	b.inNS = b.opts
	if a.NamespaceObject != nil {
		b.inNS = append(slices.Clone(b.opts), pulumi.DeletedWith(a.NamespaceObject))
	}
	if err := b.build(); err != nil {
		return nil, err
	}
	return app, nil
}

func (b *builder) build() error {
	steps := []func() error{
		b.createNamespace, b.createServiceAccount, b.createSecrets,
		b.createDeployments, b.createServices, b.createNetworkPolicy,
		b.createServiceMonitor, b.createRoute, b.createIngresses,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	app := b.app
	app.NamespaceName = b.namespace.ToStringOutput()
	app.ServiceName = app.Service.Metadata.Name().Elem()
	app.DNSName = pulumi.Sprintf("%s.%s.svc.cluster.local", app.ServiceName, app.NamespaceName)
	if in := b.a.Ingress; in != nil {
		scheme := "http"
		if in.TLSSecret != "" {
			scheme = "https"
		}
		app.URL = pulumi.Sprintf("%s://%s%s", scheme, b.host, in.Path).ToStringOutput()
	} else {
		app.URL = pulumi.Sprintf("http://%s", app.DNSName)
	}
	if r := b.a.Route; r != nil && len(r.Hostnames) > 0 {
		// The route's first hostname, unless it is a wildcard. Gateways
		// terminate TLS on their listeners.
		app.URL = pulumi.All(b.hostnames[0], app.URL).ApplyT(func(v []any) string {
			if h := v[0].(string); !strings.HasPrefix(h, "*") {
				return "https://" + h + r.Path
			}
			return v[1].(string)
		}).(pulumi.StringOutput)
	}
	var deps, hpas pulumi.StringArray
	for _, d := range app.Deployments {
		deps = append(deps, d.Metadata.Name().Elem())
	}
	for _, h := range app.HPAs {
		hpas = append(hpas, h.Metadata.Name().Elem())
	}
	app.DeploymentNames = deps.ToStringArrayOutput()
	app.HPANames = hpas.ToStringArrayOutput()
	return b.ctx.RegisterResourceOutputs(app, pulumi.Map{
		"namespace":       app.NamespaceName,
		"serviceName":     app.ServiceName,
		"dnsName":         app.DNSName,
		"url":             app.URL,
		"deploymentNames": app.DeploymentNames,
		"hpaNames":        app.HPANames,
	})
}

// child returns the logical name of a child of kind kind.
func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// meta returns object metadata with the application's labels plus extra,
// and the stack's owner label and field manager annotation.
func (b *builder) meta(name string, extra map[string]string) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{
		Name:        pulumi.String(name),
		Namespace:   b.namespace,
		Labels:      pulumi.ToStringMap(naming.Merge(b.labels, extra, b.ownLabels)),
		Annotations: pulumi.ToStringMap(b.ownAnn),
	}
}

// annotate returns metadata md with annotations added to its own.
func annotate(md *metav1.ObjectMetaArgs, annotations pulumi.StringMap) *metav1.ObjectMetaArgs {
	all := pulumi.StringMap{}
	if own, ok := md.Annotations.(pulumi.StringMap); ok {
		for k, v := range own {
			all[k] = v
		}
	}
	for k, v := range annotations {
		all[k] = v
	}
	md.Annotations = all
	return md
}

// tracks returns the Deployments the strategy needs.
func (b *builder) tracks() []track {
	a := b.a
	autoscale := !a.Autoscaling.Disabled
	base := *a.Replicas
	if autoscale {
		base = *a.Autoscaling.MinReplicas
	}
	image := func(path string, in pulumi.StringInput) pulumi.StringOutput {
		return problem.Resolved(fmt.Sprintf("app %q: ", b.name), path, in, a.checkImage)
	}
	stable := track{name: b.name, image: image("image", a.Image), labels: map[string]string{LabelTrack: "stable"}, replicas: *a.Replicas, autoscale: autoscale}
	switch a.Strategy.Type {
	case StrategyBlueGreen:
		blue := track{name: b.name + "-" + ColorBlue, image: stable.image, labels: map[string]string{LabelColor: ColorBlue}, replicas: *a.Replicas, autoscale: autoscale}
		green := track{name: b.name + "-" + ColorGreen, image: image("strategy.greenImage", a.Strategy.GreenImage), labels: map[string]string{LabelColor: ColorGreen}, replicas: *a.Replicas, autoscale: autoscale}
		return []track{blue, green}
	case StrategyCanary:
		n := max(1, (base*(*a.Strategy.CanaryPercent)+99)/100)
		canary := track{name: b.name + "-canary", image: image("strategy.canaryImage", a.Strategy.CanaryImage), labels: map[string]string{LabelTrack: "canary"}, replicas: n, canary: true}
		return []track{stable, canary}
	default:
		return []track{stable}
	}
}

func (b *builder) createNamespace() error {
	if !*b.a.CreateNamespace {
		return nil
	}
	ns, err := corev1.NewNamespace(b.ctx, b.child("namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: b.namespace,
			Labels: pulumi.ToStringMap(naming.Merge(map[string]string{
				naming.LabelManagedBy: naming.ManagedBy,
			}, PodSecurityLabels, b.ownLabels)),
			Annotations: pulumi.ToStringMap(b.ownAnn),
		},
	}, b.opts...)
	if err != nil {
		return err
	}
	b.app.Namespace = ns
	b.namespace = ns.Metadata.Name().Elem()
	b.inNS = append(slices.Clone(b.opts), pulumi.DeletedWith(ns))
	return nil
}

// PodSecurityLabels make a namespace enforce, audit and warn at the Pod
// Security Standards "restricted" level (naming.PodSecurityRestricted).
var PodSecurityLabels = naming.PodSecurityRestricted

func (b *builder) createServiceAccount() error {
	sa := b.a.ServiceAccount
	if sa.Name != "" {
		return nil
	}
	annotations := pulumi.StringMap{}
	for k, v := range sa.Annotations {
		annotations[k] = pulumi.String(v)
	}
	for _, id := range sa.identities() {
		annotations[id.annotation] = problem.Resolved(fmt.Sprintf("app %q: ", b.name), id.path, id.in, id.check)
	}
	md := annotate(b.meta(b.name, nil), annotations)
	acct, err := corev1.NewServiceAccount(b.ctx, b.child("serviceaccount"), &corev1.ServiceAccountArgs{
		Metadata:                     md,
		AutomountServiceAccountToken: pulumi.Bool(sa.AutomountToken),
	}, b.inNS...)
	if err != nil {
		return err
	}
	b.app.ServiceAccount = acct
	return nil
}

// serviceAccountName is the account the pods run as.
func (b *builder) serviceAccountName() pulumi.StringInput {
	if b.app.ServiceAccount != nil {
		return b.app.ServiceAccount.Metadata.Name().Elem()
	}
	return pulumi.String(b.a.ServiceAccount.Name)
}

func (b *builder) createDeployments() error {
	var dependsOn []pulumi.Resource
	if b.app.EnvSecret != nil {
		dependsOn = append(dependsOn, b.app.EnvSecret)
	}
	if b.app.ExternalSecret != nil {
		dependsOn = append(dependsOn, b.app.ExternalSecret)
	}
	for _, t := range b.tracks() {
		spec := &appsv1.DeploymentSpecArgs{
			Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(naming.Merge(b.selector, t.labels))},
			Strategy: &appsv1.DeploymentStrategyArgs{
				Type: pulumi.String("RollingUpdate"),
				RollingUpdate: &appsv1.RollingUpdateDeploymentArgs{
					MaxSurge:       pulumi.Int(1),
					MaxUnavailable: pulumi.Int(0),
				},
			},
			RevisionHistoryLimit:    pulumi.Int(*b.a.RevisionHistoryLimit),
			ProgressDeadlineSeconds: pulumi.Int(*b.a.ProgressDeadlineSeconds),
			Template:                b.podTemplate(t),
		}
		// An autoscaled Deployment leaves spec.replicas to its HPA: with
		// server-side apply, a field plinth never sets is never reset by a
		// later update (see "Autoscaling and replicas" in the package doc).
		if !t.autoscale {
			spec.Replicas = pulumi.Int(t.replicas)
		}
		if b.a.progressive() {
			// The Rollout owns the replica count (and scales this
			// Deployment to zero): see createRollout.
			spec.Replicas = nil
		}
		md := b.meta(t.name, t.labels)
		md.Labels = withVersion(md.Labels.(pulumi.StringMap), t.image)
		dep, err := appsv1.NewDeployment(b.ctx, naming.Child(t.name, "deployment"), &appsv1.DeploymentArgs{
			Metadata: md,
			Spec:     spec,
		}, append(b.opts, pulumi.DependsOn(dependsOn))...)
		if err != nil {
			return err
		}
		b.app.Deployments = append(b.app.Deployments, dep)
		target := scaleTarget{apiVersion: "apps/v1", kind: "Deployment", name: dep.Metadata.Name().Elem()}
		if b.a.progressive() {
			r, err := b.createRollout(t, dep)
			if err != nil {
				return err
			}
			target = scaleTarget{apiVersion: RolloutsAPIVersion, kind: "Rollout", name: r.Metadata.Name().Elem()}
		}
		if err := b.createScaling(t, target); err != nil {
			return err
		}
	}
	return nil
}

// serviceSelector is what the live Service selects.
func (b *builder) serviceSelector() map[string]string {
	st := b.a.Strategy
	switch {
	case st.Type == StrategyBlueGreen:
		return naming.Merge(b.selector, map[string]string{LabelColor: st.ActiveColor})
	case st.Type == StrategyCanary && b.a.Route != nil:
		// The route weighs the stable and canary Services.
		return naming.Merge(b.selector, map[string]string{LabelTrack: "stable"})
	default:
		return b.selector
	}
}

// previewSelector is what the preview Service selects, or nil for none.
func (b *builder) previewSelector() (map[string]string, string) {
	st := b.a.Strategy
	switch {
	case st.Type == StrategyBlueGreen:
		inactive := ColorGreen
		if st.ActiveColor == ColorGreen {
			inactive = ColorBlue
		}
		return naming.Merge(b.selector, map[string]string{LabelColor: inactive}), b.name + "-preview"
	case st.Type == StrategyCanary && b.a.Route != nil:
		return naming.Merge(b.selector, map[string]string{LabelTrack: "canary"}), b.name + "-canary"
	case st.Type == StrategyProgressive && st.Progressive.Mode == ModeBlueGreen:
		// Argo Rollouts adds the new version's pod-template hash to this
		// selector, and the live version's to the live Service's.
		return b.selector, b.name + "-preview"
	}
	return nil, ""
}

func (b *builder) createServices() error {
	ports := corev1.ServicePortArray{&corev1.ServicePortArgs{
		Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.String("http"), Protocol: pulumi.String("TCP"),
	}}
	if mp := *b.a.Metrics.Port; mp != 0 {
		ports = append(ports, &corev1.ServicePortArgs{
			Name: pulumi.String("metrics"), Port: pulumi.Int(mp), TargetPort: pulumi.String("metrics"), Protocol: pulumi.String("TCP"),
		})
	}
	svc := func(logical, name string, selector map[string]string) (*corev1.Service, error) {
		md := b.meta(name, nil)
		// The provider's Service await waits for endpoints and then a fixed
		// 10 s "settle" after every endpoint change; the Deployment await
		// has already proved the selected pods ready, so it only adds time
		// (and, when a selector flips, can wait for an event that already
		// happened). A ClusterIP Service is usable as soon as it exists.
		annotate(md, pulumi.StringMap{"pulumi.com/skipAwait": pulumi.String("true")})
		opts := append(slices.Clone(b.inNS), pulumi.DependsOn(deploymentResources(b.app.Deployments)))
		if st := b.a.Strategy; st.Type == StrategyProgressive && st.Progressive.Mode == ModeBlueGreen {
			// Argo Rollouts adds each version's pod-template hash to these
			// selectors: a refresh must not undo it.
			opts = append(opts, pulumi.IgnoreChanges([]string{"spec.selector"}))
		}
		return corev1.NewService(b.ctx, logical, &corev1.ServiceArgs{
			Metadata: md,
			Spec: &corev1.ServiceSpecArgs{
				Type:     pulumi.String("ClusterIP"),
				Selector: pulumi.ToStringMap(selector),
				Ports:    ports,
			},
		}, opts...)
	}
	live, err := svc(b.child("service"), b.name, b.serviceSelector())
	if err != nil {
		return err
	}
	b.app.Service = live
	if sel, name := b.previewSelector(); sel != nil {
		preview, err := svc(naming.Child(name, "service"), name, sel)
		if err != nil {
			return err
		}
		b.app.PreviewService = preview
	}
	return nil
}

// PodIdentityAnnotation records on a service account the IAM role EKS Pod
// Identity gives its pods.
const PodIdentityAnnotation = "plinth.dev/aws-pod-identity-role"

// IdentityAnnotation, on the pod template, names how the pods get their
// cloud identity: "pod-identity", "irsa" or "workload-identity". EKS
// gives a pod its credentials when the pod is created (its webhook reads
// the service account and the Pod Identity association then), so a
// change of mechanism must roll the pods: the annotation changes the
// template, and the rollout finishes before the update deletes the old
// mechanism's role.
const IdentityAnnotation = "plinth.dev/cloud-identity"

// identity is the value of IdentityAnnotation, "" for none.
func (sa *ServiceAccountArgs) identity() string {
	switch {
	case sa.PodIdentityRoleARN != nil:
		return "pod-identity"
	case sa.AWSRoleARN != nil:
		return "irsa"
	case sa.GCPServiceAccount != nil:
		return "workload-identity"
	}
	return ""
}

// withVersion adds the app.kubernetes.io/version label, the image's tag
// (or digest) as a label value, to labels.
func withVersion(labels pulumi.StringMap, image pulumi.StringOutput) pulumi.StringMap {
	out := pulumi.StringMap{naming.LabelVersion: image.ApplyT(func(s string) string {
		ref, _ := imageref.Parse(s)
		return naming.LabelValue(ref.Version())
	}).(pulumi.StringOutput)}
	for k, v := range labels {
		out[k] = v
	}
	return out
}

func deploymentResources(ds []*appsv1.Deployment) []pulumi.Resource {
	out := make([]pulumi.Resource, len(ds))
	for i, d := range ds {
		out[i] = d
	}
	return out
}
