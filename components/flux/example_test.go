package flux_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// Install Flux and point it at the repository the GitOps renderer writes
// (go run ./stacks gitops render): one Kustomization, the prod
// environment. The example runs under Pulumi mocks and prints what the
// component registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := flux.New(ctx, "flux", flux.Args{
			Tier: "prod",
			Images: &flux.ImagesArgs{
				SourceController:    "registry.example.com/fluxcd/source-controller:v1.9.6",
				KustomizeController: "registry.example.com/fluxcd/kustomize-controller:v1.9.6",
			},
			Repository: &flux.RepositoryArgs{
				URL:      "https://git.example.com/acme/deploy.git",
				Username: pulumi.String("flux"),
				Password: pulumi.ToSecret(pulumi.String("a token")).(pulumi.StringOutput),
			},
			Kustomizations: []flux.KustomizationArgs{{Name: "prod", Path: "envs/prod"}},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(stack.Inventory())
	// Output:
	// kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition=7
	// kubernetes:apps/v1:Deployment=2
	// kubernetes:core/v1:Namespace=1
	// kubernetes:core/v1:Secret=1
	// kubernetes:core/v1:Service=1
	// kubernetes:core/v1:ServiceAccount=3
	// kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization=1
	// kubernetes:networking.k8s.io/v1:NetworkPolicy=1
	// kubernetes:rbac.authorization.k8s.io/v1:ClusterRole=3
	// kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding=3
	// kubernetes:rbac.authorization.k8s.io/v1:Role=2
	// kubernetes:rbac.authorization.k8s.io/v1:RoleBinding=2
	// kubernetes:source.toolkit.fluxcd.io/v1:GitRepository=1
	// plinth:kubernetes:Flux=1
}
