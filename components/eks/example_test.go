package eks_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A production cluster in its own network, with an IRSA role for an
// application. The example runs under Pulumi mocks.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		network, err := awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: "prod", ClusterName: "plinth-prod-main"})
		if err != nil {
			return err
		}
		cluster, err := eks.New(ctx, "main", eks.Args{
			Tier:          "prod",
			SubnetIDs:     network.PrivateSubnetIDs,
			AdminRoleARNs: []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:role/platform-admin")},
		})
		if err != nil {
			return err
		}
		role, err := cluster.ServiceAccountRole(ctx, "web", eks.ServiceAccountRoleArgs{Namespace: "web", ServiceAccount: "web"})
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", cluster.Kubeconfig)
		ctx.Export("webRoleArn", role.Arn)
		return nil
	}, plinthtest.WithStack("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := stack.ByType("aws:eks/cluster:Cluster")[0]
	fmt.Println("cluster:", c.Inputs["name"].StringValue())
	fmt.Println("node groups:", stack.Counts()["aws:eks/nodeGroup:NodeGroup"])
	fmt.Println("add-ons:", stack.Counts()["aws:eks/addon:Addon"])
	// Output:
	// cluster: plinth-prod-main
	// node groups: 1
	// add-ons: 5
}
