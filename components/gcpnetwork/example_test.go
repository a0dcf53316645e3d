package gcpnetwork_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A network for a GKE cluster, its ranges carved from the default block.
// The example runs under Pulumi mocks.
func Example() {
	var n *gcpnetwork.Network
	_, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		var err error
		n, err = gcpnetwork.New(ctx, "main", gcpnetwork.Args{Project: "acme-platform", Region: "europe-west1"})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("nodes:", n.NodesCIDR, "services:", n.ServicesCIDR, "pods:", n.PodsCIDR)
	// Output:
	// nodes: 10.16.0.0/20 services: 10.16.16.0/20 pods: 10.20.0.0/14
}
