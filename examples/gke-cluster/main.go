// Command gke-cluster creates a VPC network and a private, regional GKE
// cluster in it, then deploys an application with Workload Identity.
//
//	pulumi config set plinth-example-gke-cluster:project acme-platform
//	pulumi config set plinth-example-gke-cluster:region europe-west1
//	pulumi config set plinth-example-gke-cluster:authorizedNetwork 203.0.113.0/24
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/components/gke"
)

func main() {
	pulumi.Run(program)
}

// program is the example; main_test.go runs it under mocks.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	project, region := cfg.Require("project"), cfg.Require("region")
	network, err := gcpnetwork.New(ctx, "main", gcpnetwork.Args{Project: project, Region: region})
	if err != nil {
		return err
	}
	cluster, err := gke.New(ctx, "main", gke.Args{
		Tier: "prod", Project: project, Region: region,
		Network: network.NetworkName, Subnetwork: network.SubnetworkName,
		AuthorizedNetworks: []string{cfg.Require("authorizedNetwork")},
	})
	if err != nil {
		return err
	}
	gsa, err := cluster.WorkloadIdentity(ctx, "web", gke.WorkloadIdentityArgs{
		Namespace: "web", ServiceAccount: "web", Roles: []string{"roles/cloudsql.client"},
	})
	if err != nil {
		return err
	}
	web, err := app.New(ctx, "web", app.Args{
		Image:          pulumi.String("registry.example.com/acme/web:1.4.2"),
		Tier:           "prod",
		ServiceAccount: &app.ServiceAccountArgs{GCPServiceAccount: gsa.Email},
	}, pulumi.Provider(cluster.Provider))
	if err != nil {
		return err
	}
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	ctx.Export("url", web.URL)
	return nil
}
