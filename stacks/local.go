package main

import (
	"errors"
	"os"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/components/rollouts"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// LocalClusterName names the local control plane in outputs.
const LocalClusterName = "plinth-local"

// RenderDirEnv names the directory the local stack renders manifests to
// instead of applying them (see the render command).
const RenderDirEnv = "PLINTH_RENDER_DIR"

// composeLocal deploys the applications and plinth's monitoring objects
// onto the local control plane (or any cluster KUBECONFIG points at): the
// Prometheus Operator's CRDs are installed with the cluster, so monitoring
// runs in operator mode.
func composeLocal(ctx *pulumi.Context, env *config.Environment) (map[string]pulumi.Output, error) {
	// The local control plane runs no Argo Rollouts controller: a
	// Progressive app's Rollout waits for one started beside it (make e2e).
	w, errs := newWorkloads(env, LocalClusterName, false)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// The provider reads the cluster from KUBECONFIG at run time, so no
	// credentials are stored in the state. With PLINTH_RENDER_DIR set (the
	// driver's render command) it writes manifests there instead of
	// applying them.
	pargs := &kubernetes.ProviderArgs{}
	if dir := os.Getenv(RenderDirEnv); dir != "" {
		pargs.RenderYamlToDirectory = pulumi.String(dir)
	}
	provider, err := kubernetes.NewProvider(ctx, "local", pargs)
	if err != nil {
		return nil, err
	}
	outputs, err := w.create(ctx, env, pulumi.Provider(provider))
	if err != nil {
		return nil, err
	}
	outputs["clusterName"] = pulumi.String(LocalClusterName).ToStringOutput()
	if kc := os.Getenv("KUBECONFIG"); kc != "" {
		if b, err := os.ReadFile(kc); err == nil {
			outputs["kubeconfig"] = pulumi.ToSecret(pulumi.String(string(b))).(pulumi.StringOutput)
		}
	}
	return outputs, nil
}

// workloads are what every environment runs on its cluster: monitoring
// (unless off), the Argo Rollouts controller (when ro is not nil), the
// image policy (when ip is not nil), the application namespaces and the
// applications.
type workloads struct {
	apps map[string]app.Args
	mon  monitoring.Args
	ro   *rollouts.Args
	ip   *imagepolicy.Args
}

// newWorkloads maps the config onto the workloads' arguments and returns
// their problems, remapped to config keys. cluster names the cluster in
// the alerts; withRollouts installs the controller when an app is
// Progressive (the cloud stacks).
func newWorkloads(env *config.Environment, cluster string, withRollouts bool) (workloads, []error) {
	w := workloads{apps: map[string]app.Args{}, mon: monitoringArgs(env, cluster)}
	for _, a := range env.Apps {
		w.apps[a.Name] = appArgs(env, a)
	}
	errs := []error{validateApps(env, w.apps)}
	if env.Monitoring.Mode != config.MonitoringOff {
		errs = append(errs, remap(w.mon.Validate("monitoring"), "monitoring", monitoringPaths))
	}
	if withRollouts {
		if w.ro = rolloutsArgs(env); w.ro != nil {
			errs = append(errs, remap(w.ro.Validate("rollouts"), "rollouts", rolloutsPaths))
		}
	}
	if w.ip = imagePolicyArgs(env); w.ip != nil {
		errs = append(errs, remap(w.ip.Validate("signed-images"), "imagePolicy", imagePolicyPaths))
	}
	errs = append(errs, validateGitOps(env))
	if nodeLocalDNS(env) {
		withNodeLocalDNS(w.apps)
	}
	return w, errs
}

// create registers the workloads with the cluster's provider k8s. The
// arguments were validated by newWorkloads' caller.
func (w workloads) create(ctx *pulumi.Context, env *config.Environment, k8s pulumi.ResourceOption) (map[string]pulumi.Output, error) {
	outputs := map[string]pulumi.Output{}
	// crds are what install the CRDs of the custom resources the
	// applications create: each of those waits for them (ordering rule
	// PL-D-025), where a race would fail the first up.
	var crds []pulumi.Resource
	if env.Monitoring.Mode != config.MonitoringOff {
		mon, err := monitoring.New(ctx, "monitoring", w.mon, k8s)
		if err != nil {
			return nil, err
		}
		outputs["grafanaUrl"] = mon.GrafanaURL
		outputs["alerts"] = mon.Alerts
		if mon.Chart != nil {
			crds = append(crds, mon.Chart)
		}
	}
	// before are what the applications wait for besides the CRDs: the
	// Argo Rollouts controller, and the image policy in force.
	var before []pulumi.Resource
	if w.ro != nil {
		// The chart brings the Rollout CRDs, and its ServiceMonitor needs
		// the monitoring chart's.
		ro := *w.ro
		ro.WaitForCRDs = crds
		ctl, err := rollouts.New(ctx, "rollouts", ro, k8s)
		if err != nil {
			return nil, err
		}
		before = append(before, ctl)
		crds = append(crds, ctl.Chart)
	}
	if w.ip != nil {
		// The policy is in force (Kyverno reports it Ready) before any
		// application is applied: the first deploy is verified too.
		ip := *w.ip
		ip.WaitForCRDs = crds
		pol, err := imagepolicy.New(ctx, "signed-images", ip, k8s)
		if err != nil {
			return nil, err
		}
		before = append(before, pol)
		outputs["imagePolicy"] = pol.PolicyName
	}
	outputs["delivery"] = pulumi.String(env.Delivery).ToStringOutput()
	if gitops(env) {
		// Flux applies the applications and their namespaces from the
		// repository; its Kustomizations start once the CRDs of what the
		// applications create exist.
		fa := fluxArgs(env)
		fa.WaitForCRDs = append(crds, before...)
		f, err := flux.New(ctx, "flux", fa, k8s)
		if err != nil {
			return nil, err
		}
		outputs["gitopsKustomizations"] = f.KustomizationNames
		outputs["gitopsPath"] = pulumi.String(env.GitOps.Path).ToStringOutput()
		return outputs, nil
	}
	nsByName, err := createNamespaces(ctx, env, k8s)
	if err != nil {
		return nil, err
	}
	urls := pulumi.StringMap{}
	for _, a := range env.Apps {
		// The app's objects are deleted with their namespace, but for
		// its Deployments (see app.Args.NamespaceObject).
		args := w.apps[a.Name]
		args.NamespaceObject = nsByName[a.Namespace]
		args.WaitForCRDs = crds
		web, err := app.New(ctx, a.Name, args, k8s,
			pulumi.DependsOn(append([]pulumi.Resource{nsByName[a.Namespace]}, before...)))
		if err != nil {
			return nil, err
		}
		urls[a.Name] = web.URL
	}
	outputs["appUrls"] = urls.ToStringMapOutput()
	return outputs, nil
}

// createNamespaces creates every application namespace, enforcing Pod
// Security "restricted".
func createNamespaces(ctx *pulumi.Context, env *config.Environment, opts ...pulumi.ResourceOption) (map[string]*corev1.Namespace, error) {
	out := map[string]*corev1.Namespace{}
	own, ann := naming.Owner(ctx.Project(), ctx.Stack())
	for _, ns := range namespaces(env) {
		n, err := corev1.NewNamespace(ctx, naming.Child("ns", ns), &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(ns),
				Labels: pulumi.ToStringMap(naming.Merge(app.PodSecurityLabels, map[string]string{
					naming.LabelManagedBy: naming.ManagedBy,
					naming.LabelPartOf:    ctx.Project(),
				}, own)),
				Annotations: pulumi.ToStringMap(ann),
			},
		}, opts...)
		if err != nil {
			return nil, err
		}
		out[ns] = n
	}
	return out, nil
}
