package awsnetwork

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// NAT gateway layouts.
const (
	// NATSingle shares one NAT gateway (cheaper; one zone's outage cuts
	// egress for all).
	NATSingle = config.NATSingle
	// NATPerAZ puts a NAT gateway in every zone.
	NATPerAZ = config.NATPerAZ
)

// Args configures a VPC, or names an existing one.
type Args struct {
	// Tier picks the zone count, NAT layout and log retention. Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// VPCID uses an existing VPC (a literal id, or another resource's
	// output): nothing is created, and PublicSubnetIDs, PrivateSubnetIDs
	// and AvailabilityZones are required.
	VPCID pulumi.StringInput `pulumi:"vpcId,optional"`
	// PublicSubnetIDs are the existing VPC's public subnets.
	PublicSubnetIDs pulumi.StringArrayInput `pulumi:"publicSubnetIds,optional"`
	// PrivateSubnetIDs are the existing VPC's private subnets.
	PrivateSubnetIDs pulumi.StringArrayInput `pulumi:"privateSubnetIds,optional"`
	// CIDR is the VPC block: private IPv4, /16 to /24. Changing it replaces
	// the VPC. Default: "10.0.0.0/16".
	CIDR string `pulumi:"cidr,optional"`
	// AZCount is the number of availability zones, 2 to SubnetSlots (at
	// most 6). Adding a zone adds its subnets and moves none.
	// Default: - by tier (2; prod 3).
	AZCount *int `pulumi:"azCount,optional"`
	// SubnetSlots is the number of equal slots each half of the VPC block
	// is divided into (a power of two): zone i takes slot i, so adding a
	// zone never moves an existing subnet (EC2 cannot change a subnet's
	// block; it replaces the subnet and everything in it). Changing it
	// moves every subnet. Set 2 to keep the layout of a 2-zone network
	// created by plinth v0.1, 8 for more than 4 zones. Default: 4.
	SubnetSlots *int `pulumi:"subnetSlots,optional"`
	// AvailabilityZones are the zones to use; empty takes the first
	// AZCount standard zones of the region (no Local or Wavelength Zones,
	// none that need an opt-in, none in ExcludeZoneIDs, and with
	// ClusterName none that EKS refuses). Zones listed here are looked up
	// when the program runs, and with ClusterName one that EKS refuses is
	// an error naming the field.
	AvailabilityZones []string `pulumi:"availabilityZones,optional"`
	// ExcludeZoneIDs are zone IDs (e.g. "use1-az2") never to use. Zone IDs,
	// unlike zone names, are the same in every account. With ClusterName,
	// the zones EKS refuses (use1-az3, usw1-az2, cac1-az3; pkg/awszones)
	// are left out as well.
	ExcludeZoneIDs []string `pulumi:"excludeZoneIds,optional"`
	// NATGateways is "single" or "perAz". Default: - by tier ("single"; prod "perAz").
	NATGateways string `pulumi:"nATGateways,optional"`
	// FlowLogRetentionDays is how long VPC flow logs are kept (a CloudWatch
	// retention value). Default: - by tier (dev 30, staging 90, prod 365).
	FlowLogRetentionDays *int `pulumi:"flowLogRetentionDays,optional"`
	// ClusterName is the EKS cluster the network serves: the subnets are
	// tagged kubernetes.io/cluster/<name>=shared for its load balancer
	// controller, and only zones EKS supports are used; "" for none.
	ClusterName string `pulumi:"clusterName,optional"`
	// Routes are routes the route tables carry besides their default route
	// (to a peered VPC, through a transit gateway). The tables declare
	// their routes inline, so a route added to them any other way (an
	// aws.ec2.Route) would be removed by the next update: list it here.
	// Not with VPCID (plinth does not own an existing VPC's tables).
	Routes []RouteArgs `pulumi:"routes,optional"`
	// Tags are added to every resource.
	Tags map[string]string `pulumi:"tags,optional"`
}

// RouteArgs is a route of the private route tables, and with Public of
// the public one too. Give exactly one target.
type RouteArgs struct {
	// DestinationCIDR is the IPv4 block the route sends, outside the VPC's
	// block (EC2 refuses a route as specific as the VPC's own) and not
	// 0.0.0.0/0 (the default route). Required.
	DestinationCIDR string `pulumi:"destinationCidr"`
	// TransitGatewayID sends it to a transit gateway (tgw-…): a literal
	// id, or the gateway's or its attachment's output.
	TransitGatewayID pulumi.StringInput `pulumi:"transitGatewayId,optional"`
	// VPCPeeringConnectionID sends it over a VPC peering connection
	// (pcx-…).
	VPCPeeringConnectionID pulumi.StringInput `pulumi:"vpcPeeringConnectionId,optional"`
	// Public adds it to the public subnets' route table as well.
	Public bool `pulumi:"public,optional"`
}
