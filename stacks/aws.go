//go:build !plinthlocal

package main

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// composeAWS deploys an AWS environment: the network, an EKS cluster, the
// applications on it (with IRSA roles where asked), monitoring in install
// mode, and the ECS Fargate service when configured.
func composeAWS(ctx *pulumi.Context, env *config.Environment) (map[string]pulumi.Output, error) {
	name := clusterName(ctx, env)
	tags := ownerTags(env)
	netArgs := awsNetworkArgs(env, name, tags)
	eksArgs := eksClusterArgs(env, name, tags)
	w, errs := newWorkloads(env, name, true)
	ecsArgs := ecsServiceArgs(env, tags)

	// Validate everything before the first resource registers, and report
	// every problem at once. The fields wired from resources that do not
	// exist yet (the subnets, the VPC) are not problems now.
	errs = append(errs,
		remap(netArgs.Validate("main"), "network", awsNetworkPaths),
		remap(problem.Except(eksArgs.Validate("main"), "subnetIds"), "cluster", eksPaths),
	)
	if ecsArgs != nil {
		errs = append(errs, remap(problem.Except(ecsArgs.Validate(env.ECS.Name), "vpcId", "privateSubnetIds", "publicSubnetIds"), "ecs", ecsPaths))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	network, err := awsnetwork.New(ctx, "main", netArgs)
	if few := (*awszones.TooFewError)(nil); errors.As(err, &few) {
		// Said under the config key that asks for the zones.
		p := problem.List{Prefix: config.Namespace + ":"}
		p.Addf("network.azCount", "(%d) is more than the %d zones %s has that a network for EKS may use %v: lower it", few.Want, len(few.Zones), env.Region, few.Zones)
		return nil, configError{p.Err(), few}
	}
	if err != nil {
		return nil, err
	}
	eksArgs.SubnetIDs = network.PrivateSubnetIDs
	cluster, err := eks.New(ctx, "main", eksArgs)
	if err != nil {
		return nil, err
	}
	// An IAM role for each such app's pods: through EKS Pod Identity, or
	// IRSA where the config asks for it.
	if err := bindCloudIdentities(env, w.apps, awsIdentity(ctx, env, cluster)); err != nil {
		return nil, err
	}
	if sc := eksArgs.Defaults().StorageClass; w.mon.StorageClass == nil && !sc.Disabled {
		// The class the cluster creates, by name: the chart's claims wait
		// for it in the cluster (the volume controller retries a claim
		// whose class is missing), not in the plan, so the chart, which
		// brings the CRDs the applications' ServiceMonitors need, starts
		// at once instead of after the EBS CSI driver and the class.
		w.mon.StorageClass = pulumi.String(sc.Name)
	}
	outputs, err := w.create(ctx, env, pulumi.Provider(cluster.Provider))
	if err != nil {
		return nil, err
	}
	outputs["clusterName"] = cluster.Name
	outputs["kubeconfig"] = cluster.Kubeconfig
	outputs["vpcId"] = network.VPCID
	if ecsArgs != nil {
		ecsArgs.VPCID = network.VPCID
		ecsArgs.PrivateSubnetIDs = network.PrivateSubnetIDs
		ecsArgs.PublicSubnetIDs = network.PublicSubnetIDs
		svc, err := ecs.New(ctx, env.ECS.Name, *ecsArgs)
		if err != nil {
			return nil, err
		}
		outputs["albDnsName"] = svc.ALBDNSName
		outputs["ecsUrl"] = svc.URL
	}
	return outputs, nil
}

// awsNetworkArgs is plinth:network as the network component's Args.
func awsNetworkArgs(env *config.Environment, name string, tags map[string]string) awsnetwork.Args {
	netArgs := awsnetwork.Args{
		Tier: env.Tier, CIDR: env.Network.VPCCIDR, AZCount: env.Network.AZCount, SubnetSlots: env.Network.SubnetSlots,
		ExcludeZoneIDs: env.Network.ExcludeZoneIDs, NATGateways: env.Network.NATGateways, ClusterName: name, Tags: tags,
	}
	for _, r := range env.Network.Routes {
		route := awsnetwork.RouteArgs{DestinationCIDR: r.DestinationCIDR, Public: r.Public}
		if r.TransitGatewayID != "" {
			route.TransitGatewayID = pulumi.String(r.TransitGatewayID)
		}
		if r.VPCPeeringConnectionID != "" {
			route.VPCPeeringConnectionID = pulumi.String(r.VPCPeeringConnectionID)
		}
		netArgs.Routes = append(netArgs.Routes, route)
	}
	return netArgs
}

// eksClusterArgs is plinth:cluster as the EKS component's Args (the
// subnets are wired once the network exists).
func eksClusterArgs(env *config.Environment, name string, tags map[string]string) eks.Args {
	eksArgs := eks.Args{
		Tier: env.Tier, ClusterName: name, Version: env.Cluster.Version, SupportType: env.Cluster.SupportType,
		PublicAccessCIDRs: env.Cluster.PublicAccessCIDRs, PrivateAccessCIDRs: env.Cluster.PrivateAccessCIDRs,
		AdminRoleARNs: literals(env.Cluster.AdminRoleARNs), DeletionProtection: env.Cluster.DeletionProtection, Tags: tags,
	}
	if am := env.Cluster.AutoMode; am != nil {
		eksArgs.AutoMode = &eks.AutoModeArgs{Enabled: am.Enabled, NodePools: am.NodePools}
	}
	if as := env.Cluster.Autoscaler; as != nil {
		eksArgs.Autoscaler = &eks.AutoscalerArgs{Repository: as.Repository, ChartVersion: as.ChartVersion}
	}
	for _, g := range env.Cluster.NodeGroups {
		ng := eks.NodeGroupArgs{
			Name: g.Name, InstanceTypes: g.InstanceTypes, MinSize: g.MinSize, MaxSize: g.MaxSize, DesiredSize: g.DesiredSize,
			DiskSizeGB: g.DiskSizeGB, Labels: g.Labels, Taints: g.Taints,
		}
		if g.Spot {
			ng.CapacityType = eks.CapacitySpot
		}
		eksArgs.NodeGroups = append(eksArgs.NodeGroups, ng)
	}
	return eksArgs
}

// ecsServiceArgs is plinth:ecs as the ECS component's Args, nil when the
// stack has no ECS service (the network is wired once it exists).
func ecsServiceArgs(env *config.Environment, tags map[string]string) *ecs.Args {
	s := env.ECS
	if s == nil {
		return nil
	}
	args := &ecs.Args{
		Tier: env.Tier, Image: pulumi.String(s.Image), Port: s.Port, CPU: s.CPU, Memory: s.Memory,
		MinTasks: s.MinTasks, MaxTasks: s.MaxTasks,
		HealthCheck: &ecs.HealthCheckArgs{Path: s.HealthCheckPath}, Public: s.Public,
		AllowedCIDRs: s.AllowedCIDRs, Secrets: map[string]pulumi.StringInput{}, Tags: tags,
		SecretsKMSKeyARNs: literals(s.SecretsKMSKeyARNs), DeletionProtection: s.DeletionProtection,
	}
	if s.CertificateARN != "" {
		args.CertificateARN = pulumi.String(s.CertificateARN)
	}
	for k, v := range s.SecretARNs {
		args.Secrets[k] = pulumi.String(v)
	}
	for _, e := range s.Egress {
		args.Egress = append(args.Egress, ecs.EgressArgs{Description: e.Description, FromPort: e.FromPort, ToPort: e.ToPort, CIDRs: e.CIDRs})
	}
	return args
}

// awsIdentity gives an app's pods an IAM role: through EKS Pod Identity,
// or IRSA where plinth:cluster.identity asks for it.
func awsIdentity(ctx *pulumi.Context, env *config.Environment, cluster *eks.Cluster) func(config.App, *app.Args) error {
	return func(a config.App, args *app.Args) error {
		if env.Cluster.Identity == config.IdentityIRSA {
			role, err := cluster.ServiceAccountRole(ctx, a.Name, eks.ServiceAccountRoleArgs{Namespace: a.Namespace, ServiceAccount: a.Name})
			if err != nil {
				return err
			}
			args.ServiceAccount.AWSRoleARN = role.Arn
			return nil
		}
		id, err := cluster.PodIdentityRole(ctx, a.Name, eks.PodIdentityRoleArgs{Namespace: a.Namespace, ServiceAccount: a.Name})
		if err != nil {
			return err
		}
		args.ServiceAccount.PodIdentityRoleARN = id.RoleARN
		return nil
	}
}

// ownerTags are the owner and cost-center tags from the config, for the
// cloud resources (components add environment, stack, project, managed-by).
func ownerTags(env *config.Environment) map[string]string {
	return naming.Tags(naming.TagInput{Owner: env.Owner, CostCenter: env.CostCenter})
}

// configError is a component's error said under the config key to fix:
// it reads as the config problem and still is the component's error
// (errors.As finds both).
type configError struct {
	problem, cause error
}

func (e configError) Error() string   { return e.problem.Error() }
func (e configError) Unwrap() []error { return []error{e.problem, e.cause} }
