package gke_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/components/gke"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A regional production cluster on its own network, with a Workload
// Identity account for an application. The example runs under mocks.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		net, err := gcpnetwork.New(ctx, "main", gcpnetwork.Args{Project: "acme-platform", Region: "europe-west1"})
		if err != nil {
			return err
		}
		cluster, err := gke.New(ctx, "main", gke.Args{
			Tier: "prod", Project: "acme-platform", Region: "europe-west1",
			Network: net.NetworkName, Subnetwork: net.SubnetworkName,
			AuthorizedNetworks: []string{"203.0.113.0/24"},
		})
		if err != nil {
			return err
		}
		_, err = cluster.WorkloadIdentity(ctx, "web", gke.WorkloadIdentityArgs{Namespace: "web", ServiceAccount: "web"})
		return err
	}, plinthtest.WithStack("gcp-prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := stack.ByType("gcp:container/cluster:Cluster")[0]
	fmt.Println("cluster:", c.Inputs["name"].StringValue(), "in", c.Inputs["location"].StringValue())
	fmt.Println("node pools:", stack.Counts()["gcp:container/nodePool:NodePool"])
	// Output:
	// cluster: plinth-gcp-prod-main in europe-west1
	// node pools: 1
}

// An Autopilot cluster: Google runs the nodes for the pods' requests, so
// there are no node pools.
func ExampleNew_autopilot() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		net, err := gcpnetwork.New(ctx, "main", gcpnetwork.Args{Project: "acme-platform", Region: "europe-west1"})
		if err != nil {
			return err
		}
		_, err = gke.New(ctx, "main", gke.Args{
			Tier: "prod", Project: "acme-platform", Region: "europe-west1",
			Network: net.NetworkName, Subnetwork: net.SubnetworkName,
			AuthorizedNetworks: []string{"203.0.113.0/24"},
			Autopilot:          true,
		})
		return err
	}, plinthtest.WithStack("gcp-prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := stack.ByType("gcp:container/cluster:Cluster")[0]
	fmt.Println("autopilot:", c.Inputs["enableAutopilot"].BoolValue(), "in", c.Inputs["location"].StringValue())
	fmt.Println("node pools:", stack.Counts()["gcp:container/nodePool:NodePool"])
	// Output:
	// autopilot: true in europe-west1
	// node pools: 0
}
