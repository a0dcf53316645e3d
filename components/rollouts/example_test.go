package rollouts_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/rollouts"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// Install the Argo Rollouts controller, which runs the app component's
// Progressive strategy. The example runs under Pulumi mocks and prints
// what the component registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := rollouts.New(ctx, "rollouts", rollouts.Args{
			Tier:  "prod",
			Chart: &rollouts.ChartArgs{Repository: "https://charts.example.com/argo"},
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
	// plinth:kubernetes:RolloutsController=1
}
