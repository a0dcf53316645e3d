//go:build !plinthlocal

package main

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/components/gke"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// composeGCP deploys a GCP environment: the network, a GKE cluster, the
// applications on it (with Workload Identity where asked) and monitoring
// in install mode.
func composeGCP(ctx *pulumi.Context, env *config.Environment) (map[string]pulumi.Output, error) {
	name := clusterName(ctx, env)
	netArgs := gcpnetwork.Args{
		Project: env.Project, Region: env.Region,
		NodesCIDR: env.Network.NodesCIDR, PodsCIDR: env.Network.PodsCIDR, ServicesCIDR: env.Network.ServicesCIDR,
	}
	gkeArgs := gke.Args{
		Tier: env.Tier, Project: env.Project, Region: env.Region, Regional: env.Cluster.Regional, Autopilot: env.Cluster.Autopilot,
		ClusterName: name, AuthorizedNetworks: env.Cluster.AuthorizedNetworks,
		PrivateEndpoint: len(env.Cluster.AuthorizedNetworks) == 0, DeletionProtection: env.Cluster.DeletionProtection,
		Labels: naming.GCPLabels(naming.TagInput{Owner: env.Owner, CostCenter: env.CostCenter}),
	}
	for _, g := range env.Cluster.NodeGroups {
		np := gke.NodePoolArgs{Name: g.Name, MachineType: g.MachineType, MinSize: g.MinSize, MaxSize: g.MaxSize, Spot: g.Spot, DiskSizeGB: g.DiskSizeGB, Labels: g.Labels, Taints: g.Taints}
		gkeArgs.NodePools = append(gkeArgs.NodePools, np)
	}
	w, errs := newWorkloads(env, name, true)

	// Every problem at once, before anything registers; the network and
	// subnetwork are wired from the network component, not yet created.
	errs = append(errs,
		remap(netArgs.Validate("main"), "network", gcpNetworkPaths),
		remap(problem.Except(gkeArgs.Validate("main"), "network", "subnetwork"), "cluster", gkePaths),
	)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	network, err := gcpnetwork.New(ctx, "main", netArgs)
	if err != nil {
		return nil, err
	}
	gkeArgs.Network, gkeArgs.Subnetwork = network.NetworkName, network.SubnetworkName
	cluster, err := gke.New(ctx, "main", gkeArgs)
	if err != nil {
		return nil, err
	}
	// Workload Identity: a Google service account each such app's service
	// account acts as.
	if err := bindCloudIdentities(env, w.apps, func(a config.App, args *app.Args) error {
		gsa, err := cluster.WorkloadIdentity(ctx, a.Name, gke.WorkloadIdentityArgs{Namespace: a.Namespace, ServiceAccount: a.Name})
		if err != nil {
			return err
		}
		args.ServiceAccount.GCPServiceAccount = gsa.Email
		return nil
	}); err != nil {
		return nil, err
	}
	outputs, err := w.create(ctx, env, pulumi.Provider(cluster.Provider))
	if err != nil {
		return nil, err
	}
	outputs["clusterName"] = cluster.Name
	outputs["kubeconfig"] = cluster.Kubeconfig
	outputs["network"] = network.NetworkName
	return outputs, nil
}
