// Package chart is how plinth's components name a Helm chart for Chart v4.
package chart

import (
	"strings"

	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
