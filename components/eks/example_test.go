package eks_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A production cluster in its own network, with an AWS role for an
// application's pods through EKS Pod Identity. The example runs under
// Pulumi mocks.
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
		web, err := cluster.PodIdentityRole(ctx, "web", eks.PodIdentityRoleArgs{Namespace: "web", ServiceAccount: "web"})
		if err != nil {
			return err
		}
		// app.Args{ServiceAccount: &app.ServiceAccountArgs{PodIdentityRoleARN: web.RoleARN}, …}
		ctx.Export("kubeconfig", cluster.Kubeconfig)
		ctx.Export("webRoleArn", web.RoleARN)
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
	fmt.Println("pod identity associations:", stack.Counts()["aws:eks/podIdentityAssociation:PodIdentityAssociation"])
	// Output:
	// cluster: plinth-prod-main
	// node groups: 1
	// add-ons: 6
	// pod identity associations: 1
}

// A cluster in EKS Auto Mode: EKS runs the nodes from its built-in node
// pools, so plinth registers no node groups, and no add-on but
// metrics-server, which Auto Mode does not run.
func ExampleNew_autoMode() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		network, err := awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: "prod", ClusterName: "plinth-prod-main"})
		if err != nil {
			return err
		}
		_, err = eks.New(ctx, "main", eks.Args{
			Tier:          "prod",
			SubnetIDs:     network.PrivateSubnetIDs,
			AdminRoleARNs: []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:role/platform-admin")},
			AutoMode:      &eks.AutoModeArgs{Enabled: true},
		})
		return err
	}, plinthtest.WithStack("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := stack.ByType("aws:eks/cluster:Cluster")[0]
	var pools []string
	for _, p := range c.Inputs["computeConfig"].ObjectValue()["nodePools"].ArrayValue() {
		pools = append(pools, p.StringValue())
	}
	fmt.Println("node pools:", pools)
	fmt.Println("node groups:", stack.Counts()["aws:eks/nodeGroup:NodeGroup"])
	fmt.Println("add-ons:", stack.Counts()["aws:eks/addon:Addon"])
	// Output:
	// node pools: [general-purpose system]
	// node groups: 0
	// add-ons: 1
}
