package rollouts

import (
	"maps"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:kubernetes:RolloutsController"

// Controller is an installed Argo Rollouts controller.
type Controller struct {
	pulumi.ResourceState

	// NamespaceName is the namespace the controller runs in.
	NamespaceName pulumi.StringOutput `pulumi:"namespace"`

	// Namespace is the Namespace created.
	Namespace *corev1.Namespace
	// Chart is the argo-rollouts release.
	Chart *helmv4.Chart
}

// New installs the controller. Arguments are validated (with defaults
// applied) before anything is registered. Pass the cluster's provider
// with pulumi.Provider(...).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Controller, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	c := &Controller{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, c: c, opts: []pulumi.ResourceOption{pulumi.Parent(c)}}
	for _, step := range []func() error{b.createNamespace, b.createChart} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.NamespaceName = c.Namespace.Metadata.Name().Elem()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"namespace": c.NamespaceName})
}

// builder carries what the steps of New share.
type builder struct {
	ctx  *pulumi.Context
	name string
	a    Args
	c    *Controller
	opts []pulumi.ResourceOption
}

func (b *builder) createNamespace() error {
	own, ann := naming.Owner(b.ctx.Project(), b.ctx.Stack())
	ns, err := corev1.NewNamespace(b.ctx, naming.Child(b.name, "namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(b.a.Namespace),
			Labels: pulumi.ToStringMap(naming.Merge(map[string]string{
				naming.LabelManagedBy: naming.ManagedBy,
			}, naming.PodSecurityRestricted, own)),
			Annotations: pulumi.ToStringMap(ann),
		},
	}, b.opts...)
	if err != nil {
		return err
	}
	b.c.Namespace = ns
	return nil
}

func (b *builder) createChart() error {
	a := b.a
	name, repo := chart.Source(a.Chart.Repository, ReleaseName)
	values := b.values()
	maps.Copy(values, a.ExtraValues)
	c, err := helmv4.NewChart(b.ctx, naming.Child(b.name, ReleaseName), &helmv4.ChartArgs{
		Name:           pulumi.String(ReleaseName),
		Chart:          name,
		Version:        pulumi.String(a.Chart.Version),
		RepositoryOpts: repo,
		Namespace:      b.c.Namespace.Metadata.Name().Elem(),
		Values:         pulumi.ToMap(values),
	}, append(slices.Clone(b.opts), pulumi.DependsOn(a.WaitForCRDs))...)
	if err != nil {
		return err
	}
	b.c.Chart = c
	return nil
}

// values are plinth's chart values (see the defaults table in the package
// doc).
func (b *builder) values() map[string]any {
	a := b.a
	return map[string]any{
		"installCRDs": true,
		"keepCRDs":    true,
		"controller": map[string]any{
			"replicas": *a.Replicas,
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
				"limits":   map[string]any{"memory": "512Mi"},
			},
			"metrics": map[string]any{
				"enabled":        true,
				"serviceMonitor": map[string]any{"enabled": a.Monitoring},
			},
			// With two controllers, a drain keeps one.
			"pdb": map[string]any{"enabled": *a.Replicas >= 2, "minAvailable": 1},
		},
		"containerSecurityContext": map[string]any{
			"runAsNonRoot": true, "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false,
			"capabilities":   map[string]any{"drop": []any{"ALL"}},
			"seccompProfile": map[string]any{"type": "RuntimeDefault"},
		},
		"dashboard": map[string]any{"enabled": false},
	}
}
