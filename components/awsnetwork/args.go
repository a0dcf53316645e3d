package awsnetwork

import "github.com/plinth-dev/plinth/pkg/config"

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
	Tier config.Tier
	// VPCID uses an existing VPC: nothing is created, and PublicSubnetIDs,
	// PrivateSubnetIDs and AvailabilityZones are required.
	VPCID string
	// PublicSubnetIDs are the existing VPC's public subnets.
	PublicSubnetIDs []string
	// PrivateSubnetIDs are the existing VPC's private subnets.
	PrivateSubnetIDs []string
	// CIDR is the VPC block: private IPv4, /16 to /24. Changing it replaces
	// the VPC. Default: "10.0.0.0/16".
	CIDR string
	// AZCount is the number of availability zones, 2 to 6.
	// Default: - by tier (2; prod 3).
	AZCount int
	// AvailabilityZones are the zones to use; empty takes the first
	// AZCount available zones of the region.
	AvailabilityZones []string
	// NATGateways is "single" or "perAz". Default: - by tier ("single"; prod "perAz").
	NATGateways string
	// FlowLogRetentionDays is how long VPC flow logs are kept (a CloudWatch
	// retention value). Default: - by tier (dev 30, staging 90, prod 365).
	FlowLogRetentionDays int
	// ClusterName tags the subnets kubernetes.io/cluster/<name>=shared
	// for the cluster's load balancer controller; "" for none.
	ClusterName string
	// Tags are added to every resource.
	Tags map[string]string
}
