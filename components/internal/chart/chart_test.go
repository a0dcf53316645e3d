package chart

import (
	"testing"

	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestSource(t *testing.T) {
	name, repo := Source("oci://charts.example.com/mirror/", "argo-rollouts")
	if name != pulumi.String("oci://charts.example.com/mirror/argo-rollouts") || repo != nil {
		t.Fatalf("oci: %v, %v", name, repo)
	}
	name, repo = Source("https://charts.example.com/argo", "argo-rollouts")
	opts, ok := repo.(*helmv4.RepositoryOptsArgs)
	if name != pulumi.String("argo-rollouts") || !ok || opts.Repo != pulumi.String("https://charts.example.com/argo") {
		t.Fatalf("https: %v, %#v", name, repo)
	}
}
