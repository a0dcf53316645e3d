// Package chart is how plinth's components name and install a Helm chart
// with Chart v4.
package chart

import (
	"slices"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Source is the chart name and repository options of chart name in
// repository: an oci:// repository holds the chart at <repository>/<name>
// (Helm pulls it by that reference, with no repository option); any other
// is a classic Helm repository URL, searched for name.
func Source(repository, name string) (pulumi.StringInput, helmv4.RepositoryOptsPtrInput) {
	if strings.HasPrefix(repository, "oci://") {
		return pulumi.String(strings.TrimSuffix(repository, "/") + "/" + name), nil
	}
	return pulumi.String(name), &helmv4.RepositoryOptsArgs{Repo: pulumi.String(repository)}
}

// Release is a chart installed in its own namespace, the way plinth's
// platform components install their engines.
type Release struct {
	// Logical is the component's name: the children are "<logical>-namespace"
	// and "<logical>-<Name>".
	Logical string
	// Name is the chart's name and its Helm release name.
	Name string
	// Namespace is the namespace created for it, with Pod Security
	// "restricted" enforced.
	Namespace string
	// Repository and Version select the chart (see Source).
	Repository, Version string
	// Values are the chart values.
	Values map[string]any
}

// Install creates r's namespace and its chart, both with opts; the chart
// also with chartOpts (what it waits for).
func Install(ctx *pulumi.Context, r Release, opts []pulumi.ResourceOption, chartOpts ...pulumi.ResourceOption) (*corev1.Namespace, *helmv4.Chart, error) {
	own, ann := naming.Owner(ctx.Project(), ctx.Stack())
	ns, err := corev1.NewNamespace(ctx, naming.Child(r.Logical, "namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(r.Namespace),
			Labels: pulumi.ToStringMap(naming.Merge(map[string]string{
				naming.LabelManagedBy: naming.ManagedBy,
			}, naming.PodSecurityRestricted, own)),
			Annotations: pulumi.ToStringMap(ann),
		},
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	name, repo := Source(r.Repository, r.Name)
	c, err := helmv4.NewChart(ctx, naming.Child(r.Logical, r.Name), &helmv4.ChartArgs{
		Name:           pulumi.String(r.Name),
		Chart:          name,
		Version:        pulumi.String(r.Version),
		RepositoryOpts: repo,
		Namespace:      ns.Metadata.Name().Elem(),
		Values:         pulumi.ToMap(r.Values),
	}, append(slices.Clone(opts), chartOpts...)...)
	if err != nil {
		return nil, nil, err
	}
	return ns, c, nil
}

// CheckRepository checks a chart repository field at path: set, and an
// absolute https or oci URL. what names the repository the chart is
// published in ("the Argo Helm repository").
func CheckRepository(p *problem.List, path, repository, what string) {
	if repository == "" {
		p.Addf(path, "is empty: give %s or a mirror of it (https:// or oci://)", what)
		return
	}
	p.URL(path, repository, "give the chart repository as an absolute https or oci URL", "https", "oci")
}
