package awsnetwork

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/lookup"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:aws:Network"

// Network is a VPC with public and private subnets in several zones.
type Network struct {
	pulumi.ResourceState

	// VPCID is the VPC's id.
	VPCID pulumi.StringOutput `pulumi:"vpcId"`
	// PublicSubnetIDs are the public subnets, one per zone, in zone order.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	// PrivateSubnetIDs are the private subnets, one per zone, in zone order.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// AvailabilityZones are the zones, in order.
	AvailabilityZones []string
	// ZoneIDs are their zone IDs, the same in every account (nil for an
	// existing VPC).
	ZoneIDs []string
	// PublicCIDRs and PrivateCIDRs are the subnet blocks (nil for an
	// existing VPC).
	PublicCIDRs, PrivateCIDRs []string

	// PrivateRouteTableIDs are the private route tables, one per zone, in
	// zone order (empty for an existing VPC): give them to gateway VPC
	// endpoints (S3, DynamoDB). Their routes are declared inline: add a
	// peering or transit gateway route with Args.Routes, never with an
	// aws.ec2.Route, which the next update would remove.
	PrivateRouteTableIDs pulumi.StringArrayOutput `pulumi:"privateRouteTableIds"`
	// PublicRouteTableID is the public subnets' route table ("" for an
	// existing VPC).
	PublicRouteTableID pulumi.StringOutput `pulumi:"publicRouteTableId"`

	// VPC is the VPC created (nil for an existing one).
	VPC *ec2.Vpc
	// PublicRouteTable routes the public subnets through the internet gateway.
	PublicRouteTable *ec2.RouteTable
	// PrivateRouteTables route each zone's private subnet through a NAT gateway.
	PrivateRouteTables []*ec2.RouteTable
	// NATGateways are the NAT gateways created.
	NATGateways []*ec2.NatGateway
	// FlowLogGroup receives the VPC flow logs.
	FlowLogGroup *cloudwatch.LogGroup
}

// standardZones are the filters that keep the zones a VPC for EKS can
// use: no Local or Wavelength Zones, none that needs an opt-in (EC2
// DescribeAvailabilityZones filters zone-type and opt-in-status).
var standardZones = []aws.GetAvailabilityZonesFilter{
	{Name: "opt-in-status", Values: []string{"opt-in-not-required"}},
	{Name: "zone-type", Values: []string{"availability-zone"}},
}

// zones returns the zones the network uses and their zone IDs, looked up
// with the AWS provider the options give. For a network that serves an
// EKS cluster (ClusterName set), the zones EKS refuses are never chosen,
// and zones listed by name are checked by their zone IDs, which only the
// lookup knows (names map to different zones in each account of the
// older regions). An existing VPC's zones are not looked up.
func (a Args) zones(ctx *pulumi.Context, name string, opts []pulumi.ResourceOption) ([]string, []string, error) {
	if a.VPCID != nil {
		return a.AvailabilityZones, nil, nil
	}
	invoke, err := lookup.AWS(opts...)
	if err != nil {
		return nil, nil, err
	}
	state := "available"
	exclude := slices.Clone(a.ExcludeZoneIDs)
	if a.ClusterName != "" {
		for _, ids := range awszones.EKSUnsupported {
			exclude = append(exclude, ids...)
		}
		slices.Sort(exclude)
		exclude = slices.Compact(exclude)
	}
	args := &aws.GetAvailabilityZonesArgs{State: &state, Filters: standardZones, ExcludeZoneIds: exclude}
	if len(a.AvailabilityZones) > 0 {
		// The listed zones, whatever they are: the check below says why
		// one cannot be used.
		args = &aws.GetAvailabilityZonesArgs{AllAvailabilityZones: pulumi.BoolRef(true), Filters: []aws.GetAvailabilityZonesFilter{
			{Name: "zone-name", Values: a.AvailabilityZones},
		}}
	}
	res, err := aws.GetAvailabilityZones(ctx, args, invoke...)
	if err != nil {
		return nil, nil, fmt.Errorf("network %q: look up availability zones: %w", name, err)
	}
	if len(a.AvailabilityZones) == 0 {
		if len(res.Names) < *a.AZCount {
			return nil, nil, &awszones.TooFewError{Network: name, Want: *a.AZCount, Zones: res.Names}
		}
		return res.Names[:*a.AZCount], res.ZoneIds[:*a.AZCount], nil
	}
	ids := make([]string, len(a.AvailabilityZones))
	var problems []error
	for i, zone := range a.AvailabilityZones {
		j := slices.Index(res.Names, zone)
		if j < 0 {
			problems = append(problems, fmt.Errorf("network %q: availabilityZones[%d]: %q is not a zone of this region: use one of the region's zone names", name, i, zone))
			continue
		}
		ids[i] = res.ZoneIds[j]
		if a.ClusterName != "" {
			if err := awszones.CheckEKS(ids[i]); err != nil {
				problems = append(problems, fmt.Errorf("network %q: availabilityZones[%d]: %s: %w", name, i, zone, err))
			}
		}
	}
	return a.AvailabilityZones, ids, errors.Join(problems...)
}

// New creates (or adopts) a network called name. Arguments are validated,
// and the zones looked up (with the AWS provider the options give, or the
// parent passes down), before anything is registered.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	zones, zoneIDs, err := a.zones(ctx, name, opts)
	if err != nil {
		return nil, err
	}

	n := &Network{AvailabilityZones: zones, ZoneIDs: zoneIDs}
	if err := ctx.RegisterComponentResource(TypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	if a.VPCID != nil {
		// Outputs of other resources, checked when they resolve as
		// Validate checks literals.
		prefix := fmt.Sprintf("network %q: ", name)
		n.VPCID = problem.Resolved(prefix, "vpcId", a.VPCID, awsid.CheckVPC)
		n.PublicSubnetIDs = problem.ResolvedArray(prefix, "publicSubnetIds", a.PublicSubnetIDs, awsid.CheckSubnet)
		n.PrivateSubnetIDs = problem.ResolvedArray(prefix, "privateSubnetIds", a.PrivateSubnetIDs, awsid.CheckSubnet)
		n.PrivateRouteTableIDs = pulumi.StringArray{}.ToStringArrayOutput()
		n.PublicRouteTableID = pulumi.String("").ToStringOutput()
	} else {
		b := &builder{ctx: ctx, n: n, a: a, name: name, opts: []pulumi.ResourceOption{pulumi.Parent(n)},
			tags: naming.Merge(a.Tags, naming.Tags(naming.TagInput{Project: ctx.Project(), Stack: ctx.Stack(), Environment: ctx.Stack()}))}
		for _, step := range []func() error{b.createVPC, b.createPublicSubnets, b.createNATGateways, b.createPrivateSubnets, b.createFlowLogs, b.setOutputs} {
			if err := step(); err != nil {
				return nil, err
			}
		}
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId": n.VPCID, "publicSubnetIds": n.PublicSubnetIDs, "privateSubnetIds": n.PrivateSubnetIDs,
		"privateRouteTableIds": n.PrivateRouteTableIDs, "publicRouteTableId": n.PublicRouteTableID,
	})
}

// builder creates a new network, one step at a time; each step records
// what later steps need.
type builder struct {
	ctx  *pulumi.Context
	n    *Network
	a    Args
	name string
	opts []pulumi.ResourceOption
	tags map[string]string

	vpc                       *ec2.Vpc
	vopts                     []pulumi.ResourceOption // opts, after the VPC
	igw                       *ec2.InternetGateway
	privateCIDRs, publicCIDRs []string
	publicSubnets             []*ec2.Subnet
	publicIDs, privateIDs     pulumi.StringArray
	routeTableIDs             pulumi.StringArray
}

func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// routes is a route table's routes: its default route, then Args.Routes
// (those marked Public only on the public table). They are declared
// inline, the table's whole set: the AWS provider removes any route added
// to the table some other way, so Routes is the way to add one. A target
// that comes from another resource is checked when it resolves.
func (b *builder) routes(def *ec2.RouteTableRouteArgs, public bool) ec2.RouteTableRouteArray {
	out := ec2.RouteTableRouteArray{def}
	prefix := fmt.Sprintf("network %q: ", b.name)
	for i, r := range b.a.Routes {
		if public && !r.Public {
			continue
		}
		route := &ec2.RouteTableRouteArgs{CidrBlock: pulumi.String(r.DestinationCIDR)}
		at := fmt.Sprintf("routes[%d]", i)
		if r.TransitGatewayID != nil {
			route.TransitGatewayId = problem.Resolved(prefix, at+".transitGatewayId", r.TransitGatewayID, awsid.CheckTransitGateway)
		} else {
			route.VpcPeeringConnectionId = problem.Resolved(prefix, at+".vpcPeeringConnectionId", r.VPCPeeringConnectionID, awsid.CheckPeeringConnection)
		}
		out = append(out, route)
	}
	return out
}

// nameTags are the tags of a resource whose Name tag is nameTag.
func (b *builder) nameTags(nameTag string, extra map[string]string) pulumi.StringMap {
	return pulumi.ToStringMap(naming.Merge(b.tags, extra, map[string]string{"Name": nameTag}))
}

// ZoneIDTag is the tag that records a subnet's zone ID: a zone name
// means a different place in each account of the older regions, the ID
// does not (and the deployability rules read it).
const ZoneIDTag = "zone-id"

// subnetTags are the tags the AWS Load Balancer Controller and EKS look
// for on a subnet of role, in the network's zone i, and its zone ID.
func (b *builder) subnetTags(i int, role string) map[string]string {
	t := map[string]string{role: "1", ZoneIDTag: b.n.ZoneIDs[i]}
	if b.a.ClusterName != "" {
		t["kubernetes.io/cluster/"+b.a.ClusterName] = "shared"
	}
	return t
}

// createVPC creates the VPC, its locked-down default security group, the
// internet gateway and the public route table.
func (b *builder) createVPC() error {
	n, name := b.n, b.name
	var err error
	b.privateCIDRs, b.publicCIDRs, err = Carve(b.a.CIDR, len(n.AvailabilityZones), *b.a.SubnetSlots)
	if err != nil {
		return err
	}
	n.PrivateCIDRs, n.PublicCIDRs = b.privateCIDRs, b.publicCIDRs
	vpc, err := ec2.NewVpc(b.ctx, b.child("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.a.CIDR),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               b.nameTags(name, nil),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.vpc, n.VPC = vpc, vpc
	b.vopts = append(slices.Clone(b.opts), pulumi.DependsOn([]pulumi.Resource{vpc}))

	// The default security group allows all traffic between its members;
	// adopting it without rules leaves it unusable (CIS AWS 5.4).
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.child("default-sg"), &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  b.nameTags(name+"-default-do-not-use", nil),
	}, b.vopts...); err != nil {
		return err
	}
	b.igw, err = ec2.NewInternetGateway(b.ctx, b.child("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(), Tags: b.nameTags(name, nil),
	}, b.vopts...)
	if err != nil {
		return err
	}
	n.PublicRouteTable, err = ec2.NewRouteTable(b.ctx, b.child("public-rt"), &ec2.RouteTableArgs{
		VpcId:  vpc.ID(),
		Routes: b.routes(&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: b.igw.ID()}, true),
		Tags:   b.nameTags(name+"-public", nil),
	}, b.vopts...)
	return err
}

// createPublicSubnets creates a public subnet per zone, routed to the internet
// gateway.
func (b *builder) createPublicSubnets() error {
	for i, zone := range b.n.AvailabilityZones {
		pub, err := ec2.NewSubnet(b.ctx, b.child("public-"+zone), &ec2.SubnetArgs{
			VpcId:            b.vpc.ID(),
			CidrBlock:        pulumi.String(b.publicCIDRs[i]),
			AvailabilityZone: pulumi.String(zone),
			// Nothing launched here gets a public address by default: load
			// balancers and NAT gateways bring their own.
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                b.nameTags(b.name+"-public-"+zone, b.subnetTags(i, "kubernetes.io/role/elb")),
		}, b.vopts...)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, b.child("public-rta-"+zone), &ec2.RouteTableAssociationArgs{
			SubnetId: pub.ID(), RouteTableId: b.n.PublicRouteTable.ID(),
		}, b.opts...); err != nil {
			return err
		}
		b.publicSubnets = append(b.publicSubnets, pub)
		b.publicIDs = append(b.publicIDs, pub.ID().ToStringOutput())
	}
	return nil
}

// createNATGateways creates one NAT gateway (single) or one per zone (perAz),
// each in its zone's public subnet.
func (b *builder) createNATGateways() error {
	nats := 1
	if b.a.NATGateways == NATPerAZ {
		nats = len(b.n.AvailabilityZones)
	}
	for i := 0; i < nats; i++ {
		zone := b.n.AvailabilityZones[i]
		eip, err := ec2.NewEip(b.ctx, b.child("nat-eip-"+zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: b.nameTags(b.name+"-nat-"+zone, nil),
		}, b.vopts...)
		if err != nil {
			return err
		}
		nat, err := ec2.NewNatGateway(b.ctx, b.child("nat-"+zone), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: b.publicSubnets[i].ID(), Tags: b.nameTags(b.name+"-"+zone, nil),
		}, append(slices.Clone(b.opts), pulumi.DependsOn([]pulumi.Resource{b.igw}))...)
		if err != nil {
			return err
		}
		b.n.NATGateways = append(b.n.NATGateways, nat)
	}
	return nil
}

// createPrivateSubnets creates a private subnet per zone with its own route
// table to a NAT gateway.
func (b *builder) createPrivateSubnets() error {
	n := b.n
	for i, zone := range n.AvailabilityZones {
		// perAz: the zone's own gateway; single: the one shared gateway.
		nat := n.NATGateways[min(i, len(n.NATGateways)-1)]
		priv, err := ec2.NewSubnet(b.ctx, b.child("private-"+zone), &ec2.SubnetArgs{
			VpcId:            b.vpc.ID(),
			CidrBlock:        pulumi.String(b.privateCIDRs[i]),
			AvailabilityZone: pulumi.String(zone),
			Tags:             b.nameTags(b.name+"-private-"+zone, b.subnetTags(i, "kubernetes.io/role/internal-elb")),
		}, b.vopts...)
		if err != nil {
			return err
		}
		rt, err := ec2.NewRouteTable(b.ctx, b.child("private-rt-"+zone), &ec2.RouteTableArgs{
			VpcId:  b.vpc.ID(),
			Routes: b.routes(&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID()}, false),
			Tags:   b.nameTags(b.name+"-private-"+zone, nil),
		}, b.vopts...)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, b.child("private-rta-"+zone), &ec2.RouteTableAssociationArgs{
			SubnetId: priv.ID(), RouteTableId: rt.ID(),
		}, b.opts...); err != nil {
			return err
		}
		b.privateIDs = append(b.privateIDs, priv.ID().ToStringOutput())
		n.PrivateRouteTables = append(n.PrivateRouteTables, rt)
		b.routeTableIDs = append(b.routeTableIDs, rt.ID().ToStringOutput())
	}
	return nil
}

// setOutputs sets the network's outputs from what the steps created.
func (b *builder) setOutputs() error {
	n := b.n
	n.VPCID = b.vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = b.publicIDs.ToStringArrayOutput()
	n.PrivateSubnetIDs = b.privateIDs.ToStringArrayOutput()
	n.PrivateRouteTableIDs = b.routeTableIDs.ToStringArrayOutput()
	n.PublicRouteTableID = n.PublicRouteTable.ID().ToStringOutput()
	return nil
}

// createFlowLogs sends every accepted and rejected flow of the VPC to a
// CloudWatch log group with the tier's retention, through a role that may
// write only to that group.
func (b *builder) createFlowLogs() error {
	ctx, n, name, a, vpc, tags, opts, child := b.ctx, b.n, b.name, b.a, b.vpc, b.tags, b.opts, b.child
	group, err := cloudwatch.NewLogGroup(ctx, child("flow-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/plinth/%s/%s/%s/vpc-flow-logs", ctx.Project(), ctx.Stack(), name),
		RetentionInDays: pulumi.Int(*a.FlowLogRetentionDays),
		Tags:            pulumi.ToStringMap(tags),
	}, opts...)
	if err != nil {
		return err
	}
	n.FlowLogGroup = group
	role, err := iam.NewRole(ctx, child("flow-logs-role"), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(awsiam.AssumeRoleForService("vpc-flow-logs.amazonaws.com").JSON()),
		Tags:             pulumi.ToStringMap(tags),
	}, opts...)
	if err != nil {
		return err
	}
	// The permissions the VPC flow logs documentation lists: write to the
	// group, and describe groups, which IAM scopes only to every group of
	// the account and region.
	policy := group.Arn.ApplyT(func(arn string) string {
		prefix, _, _ := strings.Cut(arn, ":log-group:")
		groups := prefix + ":log-group:*"
		return awsiam.New(
			awsiam.Allow("WriteFlowLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, arn, arn+":*"),
			awsiam.Allow("DescribeGroups", []string{"logs:DescribeLogGroups"}, groups),
		).JSON()
	}).(pulumi.StringOutput)
	rolePolicy, err := iam.NewRolePolicy(ctx, child("flow-logs-policy"), &iam.RolePolicyArgs{
		Role: role.ID(), Policy: policy,
	}, opts...)
	if err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(ctx, child("flow-log"), &ec2.FlowLogArgs{
		VpcId:                  vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   pulumi.ToStringMap(tags),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{rolePolicy}))...)
	return err
}
