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
	} else {
		b := &builder{ctx: ctx, n: n, a: a, name: name, opts: []pulumi.ResourceOption{pulumi.Parent(n)}}
		for _, step := range []func() error{b.enableAPIs, b.createNetwork, b.createNAT, b.createFirewall} {
			if err := step(); err != nil {
				return nil, err
			}
		}
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"network": n.NetworkName, "subnetwork": n.SubnetworkName})
}

// builder creates a new network, one step at a time.
type builder struct {
	ctx  *pulumi.Context
	n    *Network
	a    Args
	name string
	opts []pulumi.ResourceOption
}

func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// physical is a GCP resource name. It carries the Pulumi project: two
// projects with a stack of the same name share a GCP project without
// colliding.
func (b *builder) physical(kind string) string {
	return naming.GCP(naming.MaxGCPName, b.ctx.Project(), b.ctx.Stack(), b.name, kind)
}

// enableAPIs turns on the Compute Engine API first, when asked: a
// disabled API answers 403 SERVICE_DISABLED. Other workloads may use it,
// so it stays on when the stack is destroyed.
func (b *builder) enableAPIs() error {
	if !*b.a.EnableAPIs {
		return nil
	}
	api, err := projects.NewService(b.ctx, b.child("api-compute"), &projects.ServiceArgs{
		Project: pulumi.String(b.a.Project), Service: pulumi.String("compute.googleapis.com"),
		DisableOnDestroy: pulumi.Bool(false), DisableDependentServices: pulumi.Bool(false),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.opts = append(slices.Clone(b.opts), pulumi.DependsOn([]pulumi.Resource{api}))
	return nil
}

// createNetwork creates the custom-mode network and its one subnetwork,
// with the pods and services ranges, Private Google Access and flow logs.
func (b *builder) createNetwork() error {
	n, a, name := b.n, b.a, b.name
	n.NodesCIDR, n.PodsCIDR, n.ServicesCIDR = a.NodesCIDR, a.PodsCIDR, a.ServicesCIDR
	network, err := compute.NewNetwork(b.ctx, b.child("network"), &compute.NetworkArgs{
		Name:                  pulumi.String(b.physical("")),
		Project:               pulumi.String(a.Project),
		AutoCreateSubnetworks: pulumi.Bool(false),
		RoutingMode:           pulumi.String("REGIONAL"),
		Description:           pulumi.String("plinth: " + name),
	}, b.opts...)
	if err != nil {
		return err
	}
	sub, err := compute.NewSubnetwork(b.ctx, b.child("subnet"), &compute.SubnetworkArgs{
		Name:                  pulumi.String(b.physical("nodes")),
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
	}, b.opts...)
	if err != nil {
		return err
	}
	n.Network, n.Subnetwork = network, sub
	n.NetworkName, n.SubnetworkName = network.Name, sub.Name
	return nil
}

// createNAT gives the private nodes egress: a Cloud Router and Cloud NAT
// for the subnetwork, logging errors.
func (b *builder) createNAT() error {
	a := b.a
	router, err := compute.NewRouter(b.ctx, b.child("router"), &compute.RouterArgs{
		Name: pulumi.String(b.physical("router")), Project: pulumi.String(a.Project), Region: pulumi.String(a.Region), Network: b.n.Network.ID(),
	}, b.opts...)
	if err != nil {
		return err
	}
	_, err = compute.NewRouterNat(b.ctx, b.child("nat"), &compute.RouterNatArgs{
		Name:                          pulumi.String(b.physical("nat")),
		Project:                       pulumi.String(a.Project),
		Region:                        pulumi.String(a.Region),
		Router:                        router.Name,
		NatIpAllocateOption:           pulumi.String("AUTO_ONLY"),
		SourceSubnetworkIpRangesToNat: pulumi.String("LIST_OF_SUBNETWORKS"),
		Subnetworks: compute.RouterNatSubnetworkArray{&compute.RouterNatSubnetworkArgs{
			Name: b.n.Subnetwork.ID(), SourceIpRangesToNats: pulumi.StringArray{pulumi.String("ALL_IP_RANGES")},
		}},
		LogConfig: &compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ERRORS_ONLY")},
	}, b.opts...)
	return err
}

// createFirewall allows traffic inside the network's ranges and Google's load
// balancer health checks, and denies (and logs) every other ingress. GKE
// adds the rules its control plane needs itself.
func (b *builder) createFirewall() error {
	ctx, a, network, opts, child, physical := b.ctx, b.a, b.n.Network, b.opts, b.child, b.physical
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
