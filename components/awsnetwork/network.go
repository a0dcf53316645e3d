package awsnetwork

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/lookup"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/naming"
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
	// PublicCIDRs and PrivateCIDRs are the subnet blocks (nil for an
	// existing VPC).
	PublicCIDRs, PrivateCIDRs []string

	// PrivateRouteTableIDs are the private route tables, one per zone, in
	// zone order (empty for an existing VPC): add routes to them (VPC
	// endpoints, peering, transit gateways).
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

// New creates (or adopts) a network called name. Arguments are validated,
// and the zones looked up (with the AWS provider the options give, or the
// parent passes down), before anything is registered.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	zones := a.AvailabilityZones
	if len(zones) == 0 && a.VPCID == nil {
		invoke, err := lookup.AWS(opts...)
		if err != nil {
			return nil, err
		}
		state := "available"
		res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
			State: &state, Filters: standardZones, ExcludeZoneIds: a.ExcludeZoneIDs,
		}, invoke...)
		if err != nil {
			return nil, fmt.Errorf("network %q: look up availability zones: %w", name, err)
		}
		if len(res.Names) < *a.AZCount {
			return nil, fmt.Errorf("network %q: azCount (%d) is more than the region's %d standard zones %v: lower azCount, or exclude fewer zone IDs", name, *a.AZCount, len(res.Names), res.Names)
		}
		zones = res.Names[:*a.AZCount]
	}

	n := &Network{AvailabilityZones: zones}
	if err := ctx.RegisterComponentResource(TypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	if a.VPCID != nil {
		n.VPCID = a.VPCID.ToStringOutput()
		n.PublicSubnetIDs = a.PublicSubnetIDs.ToStringArrayOutput()
		n.PrivateSubnetIDs = a.PrivateSubnetIDs.ToStringArrayOutput()
		n.PrivateRouteTableIDs = pulumi.StringArray{}.ToStringArrayOutput()
		n.PublicRouteTableID = pulumi.String("").ToStringOutput()
	} else if err := n.create(ctx, name, a); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId": n.VPCID, "publicSubnetIds": n.PublicSubnetIDs, "privateSubnetIds": n.PrivateSubnetIDs,
		"privateRouteTableIds": n.PrivateRouteTableIDs, "publicRouteTableId": n.PublicRouteTableID,
	})
}

func (n *Network) create(ctx *pulumi.Context, name string, a Args) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(n)}
	baseTags := naming.Merge(a.Tags, naming.Tags(naming.TagInput{Project: ctx.Project(), Stack: ctx.Stack(), Environment: ctx.Stack()}))
	tags := func(nameTag string, extra map[string]string) pulumi.StringMap {
		return pulumi.ToStringMap(naming.Merge(baseTags, extra, map[string]string{"Name": nameTag}))
	}
	child := func(kind string) string { return naming.Child(name, kind) }

	private, public, err := Carve(a.CIDR, len(n.AvailabilityZones), *a.SubnetSlots)
	if err != nil {
		return err
	}
	n.PrivateCIDRs, n.PublicCIDRs = private, public

	vpc, err := ec2.NewVpc(ctx, child("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.CIDR),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tags(name, nil),
	}, opts...)
	if err != nil {
		return err
	}
	n.VPC = vpc
	vopts := append(opts, pulumi.DependsOn([]pulumi.Resource{vpc}))

	// The default security group allows all traffic between its members;
	// adopting it without rules leaves it unusable (CIS AWS 5.4).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, child("default-sg"), &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  tags(name+"-default-do-not-use", nil),
	}, vopts...); err != nil {
		return err
	}
	igw, err := ec2.NewInternetGateway(ctx, child("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(), Tags: tags(name, nil),
	}, vopts...)
	if err != nil {
		return err
	}
	publicRT, err := ec2.NewRouteTable(ctx, child("public-rt"), &ec2.RouteTableArgs{
		VpcId:  vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()}},
		Tags:   tags(name+"-public", nil),
	}, vopts...)
	if err != nil {
		return err
	}
	n.PublicRouteTable = publicRT

	subnetTags := func(role string) map[string]string {
		t := map[string]string{role: "1"}
		if a.ClusterName != "" {
			t["kubernetes.io/cluster/"+a.ClusterName] = "shared"
		}
		return t
	}
	var publicIDs, privateIDs, routeTableIDs pulumi.StringArray
	var publicSubnets []*ec2.Subnet
	for i, zone := range n.AvailabilityZones {
		pub, err := ec2.NewSubnet(ctx, child("public-"+zone), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(public[i]),
			AvailabilityZone: pulumi.String(zone),
			// Nothing launched here gets a public address by default: load
			// balancers and NAT gateways bring their own.
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                tags(name+"-public-"+zone, subnetTags("kubernetes.io/role/elb")),
		}, vopts...)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, child("public-rta-"+zone), &ec2.RouteTableAssociationArgs{
			SubnetId: pub.ID(), RouteTableId: publicRT.ID(),
		}, opts...); err != nil {
			return err
		}
		publicSubnets = append(publicSubnets, pub)
		publicIDs = append(publicIDs, pub.ID().ToStringOutput())
	}

	nats := 1
	if a.NATGateways == NATPerAZ {
		nats = len(n.AvailabilityZones)
	}
	for i := 0; i < nats; i++ {
		zone := n.AvailabilityZones[i]
		eip, err := ec2.NewEip(ctx, child("nat-eip-"+zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: tags(name+"-nat-"+zone, nil),
		}, vopts...)
		if err != nil {
			return err
		}
		nat, err := ec2.NewNatGateway(ctx, child("nat-"+zone), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: publicSubnets[i].ID(), Tags: tags(name+"-"+zone, nil),
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return err
		}
		n.NATGateways = append(n.NATGateways, nat)
	}

	for i, zone := range n.AvailabilityZones {
		// perAz: the zone's own gateway; single: the one shared gateway.
		nat := n.NATGateways[min(i, len(n.NATGateways)-1)]
		priv, err := ec2.NewSubnet(ctx, child("private-"+zone), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(private[i]),
			AvailabilityZone: pulumi.String(zone),
			Tags:             tags(name+"-private-"+zone, subnetTags("kubernetes.io/role/internal-elb")),
		}, vopts...)
		if err != nil {
			return err
		}
		rt, err := ec2.NewRouteTable(ctx, child("private-rt-"+zone), &ec2.RouteTableArgs{
			VpcId:  vpc.ID(),
			Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID()}},
			Tags:   tags(name+"-private-"+zone, nil),
		}, vopts...)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, child("private-rta-"+zone), &ec2.RouteTableAssociationArgs{
			SubnetId: priv.ID(), RouteTableId: rt.ID(),
		}, opts...); err != nil {
			return err
		}
		privateIDs = append(privateIDs, priv.ID().ToStringOutput())
		n.PrivateRouteTables = append(n.PrivateRouteTables, rt)
		routeTableIDs = append(routeTableIDs, rt.ID().ToStringOutput())
	}

	if err := n.flowLogs(ctx, name, a, vpc, baseTags, opts); err != nil {
		return err
	}
	n.VPCID = vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = publicIDs.ToStringArrayOutput()
	n.PrivateSubnetIDs = privateIDs.ToStringArrayOutput()
	n.PrivateRouteTableIDs = routeTableIDs.ToStringArrayOutput()
	n.PublicRouteTableID = publicRT.ID().ToStringOutput()
	return nil
}

// flowLogs sends every accepted and rejected flow of the VPC to a
// CloudWatch log group with the tier's retention, through a role that may
// write only to that group.
func (n *Network) flowLogs(ctx *pulumi.Context, name string, a Args, vpc *ec2.Vpc, tags map[string]string, opts []pulumi.ResourceOption) error {
	child := func(kind string) string { return naming.Child(name, kind) }
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
