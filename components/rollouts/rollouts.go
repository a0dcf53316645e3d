package rollouts

import (
	"maps"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/chart"
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
	if err := b.install(); err != nil {
		return nil, err
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

func (b *builder) install() error {
	a := b.a
	values := b.values()
	maps.Copy(values, a.ExtraValues)
	ns, c, err := chart.Install(b.ctx, chart.Release{
		Logical: b.name, Name: ReleaseName, Namespace: a.Namespace,
		Repository: a.Chart.Repository, Version: a.Chart.Version, Values: values,
	}, b.opts, pulumi.DependsOn(a.WaitForCRDs))
	if err != nil {
		return err
	}
	b.c.Namespace, b.c.Chart = ns, c
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
