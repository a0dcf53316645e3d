package imagepolicy_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// Let only images signed by the shop's image workflow run in prod, and
// install Kyverno to enforce it. The example runs under Pulumi mocks and
// prints what the component registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := imagepolicy.New(ctx, "signed-images", imagepolicy.Args{
			Tier:   "prod",
			Images: []string{"registry.example.com/shop/*"},
			Keyless: &imagepolicy.KeylessArgs{
				Issuer:     "https://token.actions.githubusercontent.com",
				Subject:    "https://github.com/plinth-dev/plinth/.github/workflows/image.yml@*",
				Repository: "acme/shop",
			},
			Kyverno: &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: "https://charts.example.com/kyverno"}},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(stack.Inventory())
	// Output:
	// kubernetes:core/v1:Namespace=1
	// kubernetes:helm.sh/v4:Chart=1
	// kubernetes:kyverno.io/v1:ClusterPolicy=1
	// plinth:kubernetes:ImagePolicy=1
}
