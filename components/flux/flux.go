package flux

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:kubernetes:Flux"

// Flux is an installed Flux (source-controller and kustomize-controller)
// following one repository.
type Flux struct {
	pulumi.ResourceState

	// NamespaceName is the namespace Flux runs in.
	NamespaceName pulumi.StringOutput `pulumi:"namespace"`
	// KustomizationNames are the Kustomizations' names, in Args order.
	KustomizationNames pulumi.StringArrayOutput `pulumi:"kustomizations"`

	// Namespace is the Namespace created.
	Namespace *corev1.Namespace
	// CRDs are Flux's CustomResourceDefinitions.
	CRDs []pulumi.Resource
	// Controllers are the two controllers' Deployments.
	Controllers []pulumi.Resource
	// Repository is the GitRepository.
	Repository *apiextensions.CustomResource
	// Kustomizations are the Kustomizations, in Args order.
	Kustomizations []*apiextensions.CustomResource
}

// New installs Flux and points it at the repository. Arguments are
// validated (with defaults applied) before anything is registered. Pass
// the cluster's provider with pulumi.Provider(...).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Flux, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	f := &Flux{}
	if err := ctx.RegisterComponentResource(TypeToken, name, f, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, f: f, opts: []pulumi.ResourceOption{pulumi.Parent(f)}}
	b.own, b.ann = naming.Owner(ctx.Project(), ctx.Stack())
	for _, step := range []func() error{b.createNamespace, b.createCRDs, b.createRBAC, b.createControllers,
		b.createNetworkPolicy, b.createSecrets, b.createRepository, b.createKustomizations} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	f.NamespaceName = f.Namespace.Metadata.Name().Elem()
	var names []string
	for _, k := range a.Kustomizations {
		names = append(names, k.Name)
	}
	f.KustomizationNames = pulumi.ToStringArray(names).ToStringArrayOutput()
	return f, ctx.RegisterResourceOutputs(f, pulumi.Map{"namespace": f.NamespaceName, "kustomizations": f.KustomizationNames})
}

// builder carries what the steps of New share.
type builder struct {
	ctx      *pulumi.Context
	name     string
	a        Args
	f        *Flux
	opts     []pulumi.ResourceOption
	own, ann map[string]string
	// inNS waits for the namespace; secrets are the Secrets the
	// GitRepository and Kustomizations read.
	inNS    []pulumi.ResourceOption
	secrets []pulumi.Resource
}

func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// meta is the metadata of an object the component creates.
func (b *builder) meta(name string, namespaced bool, labels map[string]string) map[string]any {
	m := map[string]any{
		"name":        name,
		"labels":      naming.Merge(map[string]string{naming.LabelManagedBy: naming.ManagedBy, naming.LabelPartOf: "flux"}, labels, b.own),
		"annotations": b.ann,
	}
	if namespaced {
		m["namespace"] = b.a.Namespace
	}
	return m
}

// object registers a Kubernetes object from its apiVersion, kind,
// metadata and other top-level fields.
func (b *builder) object(logical, apiVersion, kind string, meta map[string]any, fields map[string]any, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(b.ctx, b.child(logical), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(apiVersion),
		Kind:        pulumi.String(kind),
		Metadata:    metaArgs(meta),
		OtherFields: kubernetes.UntypedArgs(fields),
	}, append(slices.Clone(b.opts), opts...)...)
}

func metaArgs(m map[string]any) *metav1.ObjectMetaArgs {
	out := &metav1.ObjectMetaArgs{Name: pulumi.String(m["name"].(string))}
	if ns, ok := m["namespace"].(string); ok {
		out.Namespace = pulumi.String(ns)
	}
	if l, ok := m["labels"].(map[string]string); ok {
		out.Labels = pulumi.ToStringMap(l)
	}
	if a, ok := m["annotations"].(map[string]string); ok {
		out.Annotations = pulumi.ToStringMap(a)
	}
	return out
}

func (b *builder) createNamespace() error {
	ns, err := corev1.NewNamespace(b.ctx, b.child("namespace"), &corev1.NamespaceArgs{
		Metadata: metaArgs(b.meta(b.a.Namespace, false, naming.PodSecurityRestricted)),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.f.Namespace = ns
	b.inNS = []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{ns})}
	return nil
}

// createCRDs installs Flux's CRDs, as the pinned controllers ship them.
func (b *builder) createCRDs() error {
	files, err := fs.Glob(CRDs, "crds/*.yaml")
	if err != nil {
		return err
	}
	for _, file := range files {
		raw, err := CRDs.ReadFile(file)
		if err != nil {
			return err
		}
		var crd map[string]any
		if err := yaml.Unmarshal(raw, &crd); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		md, _ := crd["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		meta := b.meta(name, false, nil)
		if ann, ok := md["annotations"].(map[string]any); ok {
			all := map[string]string{}
			for k, v := range ann {
				all[k] = fmt.Sprint(v)
			}
			meta["annotations"] = naming.Merge(all, b.ann)
		}
		r, err := b.object("crd-"+strings.SplitN(name, ".", 2)[0], "apiextensions.k8s.io/v1", "CustomResourceDefinition",
			meta, map[string]any{"spec": crd["spec"]})
		if err != nil {
			return err
		}
		b.f.CRDs = append(b.f.CRDs, r)
	}
	return nil
}

// runtimeNamespace is the env var every controller reads its namespace
// from.
var runtimeNamespace = map[string]any{"name": "RUNTIME_NAMESPACE", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.namespace"}}}

// restricted is the container security context of both controllers:
// Pod Security "restricted", a read-only root filesystem.
var restricted = map[string]any{
	"allowPrivilegeEscalation": false,
	"readOnlyRootFilesystem":   true,
	"runAsNonRoot":             true,
	"capabilities":             map[string]any{"drop": []any{"ALL"}},
	"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
}

// controller is one controller's Deployment, as upstream's
// config/manager/deployment.yaml gives it, with plinth's flags.
type controller struct {
	name, image string
	args        []string
	ports       []any
	env         []any
	volumes     []string // emptyDir volumes: name → mount path "/name"
	mounts      map[string]string
	readiness   map[string]any
	cpu         string
	grace       int
	recreate    bool
}

func (b *builder) controllers() []controller {
	common := []string{"--watch-all-namespaces", "--log-level=info", "--log-encoding=json", "--enable-leader-election"}
	port := func(name string, n int) any {
		return map[string]any{"name": name, "containerPort": n, "protocol": "TCP"}
	}
	return []controller{
		{
			name: "source-controller", image: b.a.Images.SourceController,
			args: append(slices.Clone(common), "--storage-path=/data",
				"--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local."),
			ports:     []any{port("http", 9090), port("http-prom", 8080), port("healthz", 9440)},
			env:       []any{runtimeNamespace, map[string]any{"name": "TUF_ROOT", "value": "/tmp/.sigstore"}},
			mounts:    map[string]string{"data": "/data", "tmp": "/tmp"},
			readiness: map[string]any{"httpGet": map[string]any{"port": "http", "path": "/"}},
			cpu:       "50m", grace: 10, recreate: true,
		},
		{
			name: "kustomize-controller", image: b.a.Images.KustomizeController,
			// No remote bases: everything applied comes from the
			// repository, at its revision. A Kustomization that names no
			// service account applies as the applier, whose rights are
			// ApplierRules.
			args: append(slices.Clone(common), "--no-remote-bases=true",
				"--default-service-account="+b.a.Applier),
			ports:     []any{port("http-prom", 8080), port("healthz", 9440)},
			env:       []any{runtimeNamespace},
			mounts:    map[string]string{"temp": "/tmp"},
			readiness: map[string]any{"httpGet": map[string]any{"port": "healthz", "path": "/readyz"}},
			cpu:       "100m", grace: 60,
		},
	}
}

func (b *builder) createControllers() error {
	deps := append(slices.Clone(b.f.CRDs), b.f.Namespace)
	for _, c := range b.controllers() {
		labels := map[string]string{"app": c.name}
		var volumes, mounts []any
		names := make([]string, 0, len(c.mounts))
		for n := range c.mounts {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			volumes = append(volumes, map[string]any{"name": n, "emptyDir": map[string]any{}})
			mounts = append(mounts, map[string]any{"name": n, "mountPath": c.mounts[n]})
		}
		strategy := map[string]any{"type": "RollingUpdate"}
		if c.recreate {
			// Its artifact storage is an emptyDir: two pods would serve
			// different artifacts.
			strategy = map[string]any{"type": "Recreate"}
		}
		spec := map[string]any{
			"replicas": 1,
			"selector": map[string]any{"matchLabels": labels},
			"strategy": strategy,
			"template": map[string]any{
				"metadata": map[string]any{
					"labels":      labels,
					"annotations": map[string]any{"prometheus.io/scrape": "true", "prometheus.io/port": "8080"},
				},
				"spec": map[string]any{
					"serviceAccountName":            c.name,
					"terminationGracePeriodSeconds": c.grace,
					"securityContext": map[string]any{
						"runAsNonRoot": true, "fsGroup": 1337,
						"seccompProfile": map[string]any{"type": "RuntimeDefault"},
					},
					"containers": []any{map[string]any{
						"name": "manager", "image": c.image, "imagePullPolicy": "IfNotPresent",
						"args": c.args, "ports": c.ports, "env": c.env,
						"securityContext": restricted,
						"livenessProbe":   map[string]any{"httpGet": map[string]any{"port": "healthz", "path": "/healthz"}},
						"readinessProbe":  c.readiness,
						"resources": map[string]any{
							"requests": map[string]any{"cpu": c.cpu, "memory": "64Mi"},
							"limits":   map[string]any{"cpu": "1000m", "memory": "1Gi"},
						},
						"volumeMounts": mounts,
					}},
					"volumes": volumes,
				},
			},
		}
		d, err := b.object(c.name, "apps/v1", "Deployment", b.meta(c.name, true, labels), map[string]any{"spec": spec},
			pulumi.DependsOn(deps))
		if err != nil {
			return err
		}
		b.f.Controllers = append(b.f.Controllers, d)
	}
	_, err := corev1.NewService(b.ctx, b.child("source-controller-service"), &corev1.ServiceArgs{
		Metadata: metaArgs(b.meta("source-controller", true, nil)),
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: pulumi.StringMap{"app": pulumi.String("source-controller")},
			Ports: corev1.ServicePortArray{&corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(80), Protocol: pulumi.String("TCP"), TargetPort: pulumi.String("http"),
			}},
		},
	}, append(slices.Clone(b.opts), b.inNS...)...)
	return err
}

// createNetworkPolicy admits into the namespace only its own pods
// (kustomize-controller fetches artifacts from source-controller) and
// the monitoring namespace on the metrics port. Egress stays open: the
// controllers reach the git host, the API server and, for SOPS with a
// cloud KMS, the KMS.
func (b *builder) createNetworkPolicy() error {
	_, err := b.object("networkpolicy", "networking.k8s.io/v1", "NetworkPolicy", b.meta("flux-ingress", true, nil), map[string]any{
		"spec": map[string]any{
			"podSelector": map[string]any{},
			"policyTypes": []any{"Ingress"},
			"ingress": []any{
				map[string]any{"from": []any{map[string]any{"podSelector": map[string]any{}}}},
				map[string]any{
					"from": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{
						"kubernetes.io/metadata.name": b.a.MonitoringNamespace}}}},
					"ports": []any{map[string]any{"protocol": "TCP", "port": 8080}},
				},
			},
		},
	}, b.inNS...)
	return err
}

// createSecrets stores the repository's credentials and the age
// identity, as Pulumi secrets.
func (b *builder) createSecrets() error {
	r := b.a.Repository
	data := pulumi.StringMap{}
	switch {
	case r.Username != nil:
		data["username"] = r.Username
		data["password"] = r.Password
	case r.SSHPrivateKey != nil:
		data["identity"] = r.SSHPrivateKey
		data["known_hosts"] = pulumi.String(r.KnownHosts)
	}
	secret := func(logical, name string, data pulumi.StringMap) error {
		s, err := corev1.NewSecret(b.ctx, b.child(logical), &corev1.SecretArgs{
			Metadata:   metaArgs(b.meta(name, true, nil)),
			Type:       pulumi.String("Opaque"),
			StringData: pulumi.ToSecret(data).(pulumi.StringMapOutput),
		}, append(slices.Clone(b.opts), b.inNS...)...)
		if err == nil {
			b.secrets = append(b.secrets, s)
		}
		return err
	}
	if len(data) > 0 {
		if err := secret("git-credentials", CredentialsSecret, data); err != nil {
			return err
		}
	}
	if b.a.DecryptionKey != nil {
		// kustomize-controller reads the identities of every key ending
		// in ".agekey".
		// An output is checked when it resolves, as Validate checks a
		// literal.
		key := problem.Resolved(fmt.Sprintf("flux %q: ", b.name), "decryptionKey", b.a.DecryptionKey, checkIdentity)
		if err := secret("sops-age", DecryptionSecret, pulumi.StringMap{"age.agekey": key}); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) createRepository() error {
	r := b.a.Repository
	spec := map[string]any{
		"url":      r.URL,
		"ref":      map[string]any{"branch": r.Branch},
		"interval": r.Interval,
		"timeout":  r.Timeout,
	}
	if r.Username != nil || r.SSHPrivateKey != nil {
		spec["secretRef"] = map[string]any{"name": CredentialsSecret}
	}
	meta := b.meta(RepositoryName, true, nil)
	// The up waits until source-controller has fetched the branch, so a
	// wrong URL or credential fails the bootstrap, saying so.
	meta["annotations"] = naming.Merge(b.ann, map[string]string{"pulumi.com/waitFor": "condition=Ready"})
	repo, err := b.object("gitrepository", "source.toolkit.fluxcd.io/v1", "GitRepository", meta, map[string]any{"spec": spec},
		pulumi.DependsOn(append(append(slices.Clone(b.f.CRDs), b.f.Controllers...), b.secrets...)),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "5m", Update: "5m"}))
	if err != nil {
		return err
	}
	b.f.Repository = repo
	return nil
}

func (b *builder) createKustomizations() error {
	for _, k := range b.a.Kustomizations {
		spec := map[string]any{
			"interval":      k.Interval,
			"retryInterval": k.RetryInterval,
			"timeout":       k.Timeout,
			"path":          "./" + strings.TrimPrefix(k.Path, "./"),
			"prune":         *k.Prune,
			"wait":          *k.Wait,
			"suspend":       k.Suspend,
			"sourceRef":     map[string]any{"kind": "GitRepository", "name": RepositoryName},
		}
		if b.a.DecryptionKey != nil {
			spec["decryption"] = map[string]any{"provider": "sops", "secretRef": map[string]any{"name": DecryptionSecret}}
		}
		var checks []any
		for _, h := range k.HealthChecks {
			c := map[string]any{"apiVersion": h.APIVersion, "kind": h.Kind, "name": h.Name}
			if h.Namespace != "" {
				c["namespace"] = h.Namespace
			}
			checks = append(checks, c)
		}
		if len(checks) > 0 {
			spec["healthChecks"] = checks
		}
		ks, err := b.object("kustomization-"+k.Name, "kustomize.toolkit.fluxcd.io/v1", "Kustomization",
			b.meta(k.Name, true, nil), map[string]any{"spec": spec},
			pulumi.DependsOn(append([]pulumi.Resource{b.f.Repository}, b.a.WaitForCRDs...)))
		if err != nil {
			return err
		}
		b.f.Kustomizations = append(b.f.Kustomizations, ks)
	}
	return nil
}
