// Command eks-cluster creates a VPC and a private EKS cluster in it, then
// deploys an application onto the cluster whose pods get an AWS role
// through EKS Pod Identity (the agent is one of the cluster's add-ons).
//
//	pulumi config set aws:region eu-west-1
//	pulumi config set plinth-example-eks-cluster:adminRoleArn arn:aws:iam::123456789012:role/platform-admin
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/eks"
)

func main() {
	pulumi.Run(program)
}

// program is the example; main_test.go runs it under mocks.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	network, err := awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: "prod", ClusterName: "example"})
	if err != nil {
		return err
	}
	cluster, err := eks.New(ctx, "main", eks.Args{
		Tier:          "prod",
		ClusterName:   "example",
		SubnetIDs:     network.PrivateSubnetIDs,
		AdminRoleARNs: []pulumi.StringInput{pulumi.String(cfg.Require("adminRoleArn"))},
	})
	if err != nil {
		return err
	}
	// The role's ARN resolves once the association exists, so the pods
	// start with their credentials.
	identity, err := cluster.PodIdentityRole(ctx, "web", eks.PodIdentityRoleArgs{
		Namespace: "web", ServiceAccount: "web",
		PolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	})
	if err != nil {
		return err
	}
	web, err := app.New(ctx, "web", app.Args{
		Image: pulumi.String("registry.example.com/acme/web:1.4.2"), Tier: "prod",
		ServiceAccount: &app.ServiceAccountArgs{PodIdentityRoleARN: identity.RoleARN},
	}, pulumi.Provider(cluster.Provider))
	if err != nil {
		return err
	}
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	ctx.Export("url", web.URL)
	ctx.Export("webRoleArn", identity.RoleARN)
	return nil
}
