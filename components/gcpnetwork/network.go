package gcpnetwork

import (
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:gcp:Network"

// Secondary range names on the subnetwork.
const (
	PodsRangeName     = "pods"
	ServicesRangeName = "services"
)

// Network is a VPC network with one subnetwork (secondary ranges for
// pods and services), Cloud NAT for private nodes, and minimal firewall
// rules.
type Network struct {
	pulumi.ResourceState

	// NetworkName is the VPC network's name.
	NetworkName pulumi.StringOutput `pulumi:"network"`
	// SubnetworkName is the subnetwork's name.
	SubnetworkName pulumi.StringOutput `pulumi:"subnetwork"`
	// PodsRangeName and ServicesRangeName are the secondary range names.
	PodsRangeName, ServicesRangeName string
	// NodesCIDR, PodsCIDR and ServicesCIDR are the ranges ("" for an
	// existing network).
	NodesCIDR, PodsCIDR, ServicesCIDR string

	// Network and Subnetwork are the resources created (nil for existing ones).
	Network    *compute.Network
	Subnetwork *compute.Subnetwork
}

// New creates (or adopts) a network called name. Arguments are validated
// before anything is registered.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	n := &Network{PodsRangeName: PodsRangeName, ServicesRangeName: ServicesRangeName}
	if err := ctx.RegisterComponentResource(TypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	if a.NetworkName != "" {
		n.NetworkName = pulumi.String(a.NetworkName).ToStringOutput()
		n.SubnetworkName = pulumi.String(a.SubnetworkName).ToStringOutput()
	} else if err := n.create(ctx, name, a); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"network": n.NetworkName, "subnetwork": n.SubnetworkName})
}

func (n *Network) create(ctx *pulumi.Context, name string, a Args) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(n)}
	child := func(kind string) string { return naming.Child(name, kind) }
	// Physical names carry the Pulumi project: two projects with a stack
	// of the same name share a GCP project without colliding.
	physical := func(kind string) string { return naming.GCP(naming.MaxGCPName, ctx.Project(), ctx.Stack(), name, kind) }
	if *a.EnableAPIs {
		// A disabled API answers 403 SERVICE_DISABLED; other workloads may
		// use it, so it stays on when the stack is destroyed.
		api, err := projects.NewService(ctx, child("api-compute"), &projects.ServiceArgs{
			Project: pulumi.String(a.Project), Service: pulumi.String("compute.googleapis.com"),
			DisableOnDestroy: pulumi.Bool(false), DisableDependentServices: pulumi.Bool(false),
		}, opts...)
		if err != nil {
			return err
		}
		opts = append(slices.Clone(opts), pulumi.DependsOn([]pulumi.Resource{api}))
	}
	n.NodesCIDR, n.PodsCIDR, n.ServicesCIDR = a.NodesCIDR, a.PodsCIDR, a.ServicesCIDR

	network, err := compute.NewNetwork(ctx, child("network"), &compute.NetworkArgs{
		Name:                  pulumi.String(physical("")),
		Project:               pulumi.String(a.Project),
		AutoCreateSubnetworks: pulumi.Bool(false),
		RoutingMode:           pulumi.String("REGIONAL"),
		Description:           pulumi.String("plinth: " + name),
	}, opts...)
	if err != nil {
		return err
	}
	sub, err := compute.NewSubnetwork(ctx, child("subnet"), &compute.SubnetworkArgs{
		Name:                  pulumi.String(physical("nodes")),
		Project:               pulumi.String(a.Project),
		Region:                pulumi.String(a.Region),
		Network:               network.ID(),
		IpCidrRange:           pulumi.String(a.NodesCIDR),
		PrivateIpGoogleAccess: pulumi.Bool(true),
		SecondaryIpRanges: compute.SubnetworkSecondaryIpRangeArray{
			&compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(PodsRangeName), IpCidrRange: pulumi.String(a.PodsCIDR)},
			&compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(ServicesRangeName), IpCidrRange: pulumi.String(a.ServicesCIDR)},
		},
		LogConfig: &compute.SubnetworkLogConfigArgs{
			AggregationInterval: pulumi.String("INTERVAL_5_SEC"),
			FlowSampling:        pulumi.Float64(a.FlowLogSampling),
			Metadata:            pulumi.String("INCLUDE_ALL_METADATA"),
		},
	}, opts...)
	if err != nil {
		return err
	}
	router, err := compute.NewRouter(ctx, child("router"), &compute.RouterArgs{
		Name: pulumi.String(physical("router")), Project: pulumi.String(a.Project), Region: pulumi.String(a.Region), Network: network.ID(),
	}, opts...)
	if err != nil {
		return err
	}
	if _, err := compute.NewRouterNat(ctx, child("nat"), &compute.RouterNatArgs{
		Name:                          pulumi.String(physical("nat")),
		Project:                       pulumi.String(a.Project),
		Region:                        pulumi.String(a.Region),
		Router:                        router.Name,
		NatIpAllocateOption:           pulumi.String("AUTO_ONLY"),
		SourceSubnetworkIpRangesToNat: pulumi.String("LIST_OF_SUBNETWORKS"),
		Subnetworks: compute.RouterNatSubnetworkArray{&compute.RouterNatSubnetworkArgs{
			Name: sub.ID(), SourceIpRangesToNats: pulumi.StringArray{pulumi.String("ALL_IP_RANGES")},
		}},
		LogConfig: &compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ERRORS_ONLY")},
	}, opts...); err != nil {
		return err
	}
	if err := n.firewall(ctx, child, physical, a, network, opts); err != nil {
		return err
	}
	n.Network, n.Subnetwork = network, sub
	n.NetworkName, n.SubnetworkName = network.Name, sub.Name
	return nil
}

// firewall allows traffic inside the network's ranges and Google's load
// balancer health checks, and denies (and logs) every other ingress. GKE
// adds the rules its control plane needs itself.
func (n *Network) firewall(ctx *pulumi.Context, child, physical func(string) string, a Args, network *compute.Network, opts []pulumi.ResourceOption) error {
	logs := &compute.FirewallLogConfigArgs{Metadata: pulumi.String("INCLUDE_ALL_METADATA")}
	rules := []struct {
		kind string
		args *compute.FirewallArgs
	}{
		{"allow-internal", &compute.FirewallArgs{
			Description:  pulumi.String("plinth: traffic between nodes, pods and services"),
			SourceRanges: pulumi.ToStringArray([]string{a.NodesCIDR, a.PodsCIDR, a.ServicesCIDR}),
			Allows: compute.FirewallAllowArray{
				&compute.FirewallAllowArgs{Protocol: pulumi.String("tcp")},
				&compute.FirewallAllowArgs{Protocol: pulumi.String("udp")},
				&compute.FirewallAllowArgs{Protocol: pulumi.String("icmp")},
			},
			Priority: pulumi.Int(1000),
		}},
		{"allow-health-checks", &compute.FirewallArgs{
			Description: pulumi.String("plinth: Google Cloud load balancer health checks"),
			// Google's documented health-check source ranges.
			SourceRanges: pulumi.ToStringArray([]string{"35.191.0.0/16", "130.211.0.0/22"}),
			Allows:       compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("tcp")}},
			Priority:     pulumi.Int(1000),
		}},
		{"deny-all-ingress", &compute.FirewallArgs{
			Description:  pulumi.String("plinth: deny and log every other ingress"),
			SourceRanges: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			Denies:       compute.FirewallDenyArray{&compute.FirewallDenyArgs{Protocol: pulumi.String("all")}},
			Priority:     pulumi.Int(65534),
		}},
	}
	for _, r := range rules {
		r.args.Name = pulumi.String(physical(r.kind))
		r.args.Project = pulumi.String(a.Project)
		r.args.Network = network.ID()
		r.args.Direction = pulumi.String("INGRESS")
		r.args.LogConfig = logs
		if _, err := compute.NewFirewall(ctx, child(r.kind), r.args, opts...); err != nil {
			return err
		}
	}
	return nil
}
