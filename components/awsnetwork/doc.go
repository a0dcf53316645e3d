// Package awsnetwork creates the VPC that plinth's EKS clusters and ECS
// services run in, or adopts an existing one:
//
//	net, err := awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: config.TierProd, ClusterName: "plinth-prod"})
//
// It registers a component of type plinth:aws:Network with these children
// (logical names in brackets; <zone> is the zone name):
//
//   - VPC [<name>-vpc] with DNS support and host names
//   - the VPC's default security group, adopted with no rules [<name>-default-sg]
//   - internet gateway [<name>-igw] and public route table [<name>-public-rt]
//   - per zone: public subnet [<name>-public-<zone>] tagged kubernetes.io/role/elb,
//     private subnet [<name>-private-<zone>] tagged kubernetes.io/role/internal-elb,
//     and a private route table [<name>-private-rt-<zone>] through a NAT gateway
//   - NAT gateways with Elastic IPs [<name>-nat-<zone>]: one shared, or one per zone
//   - VPC flow logs (all traffic) to a CloudWatch log group [<name>-flow-logs] through a
//     role that may write only to it
//
// Subnets are carved with a CIDR library (go-cidr): the first half of the
// VPC holds the private subnets, the second half the public ones, each a
// quarter of a private subnet's size. Each half has SubnetSlots fixed
// slots and zone i takes slot i, so adding a zone adds its subnets and
// never moves one (EC2 cannot change a subnet's block). Given VPCID (and
// the subnets and zones), nothing is created.
//
// Zones are looked up with the AWS provider the caller gives (or the
// parent passes down), and only standard zones count: no Local or
// Wavelength Zones, none needing an opt-in, none in ExcludeZoneIDs. The
// route tables are exposed (PrivateRouteTableIDs) for gateway VPC
// endpoints. They declare their routes inline, which the AWS provider
// documents must not be combined with aws.ec2.Route resources on the
// same table ("will cause a conflict of rule settings and will overwrite
// rules"): peering and transit gateway routes go in Args.Routes.
//
// # Defaults
//
//	| setting               | default                                   | checks satisfied                    |
//	|-----------------------|-------------------------------------------|-------------------------------------|
//	| VPC block             | 10.0.0.0/16                               |                                     |
//	| zones                 | by tier: 2; prod 3                        | reliability: multi-AZ               |
//	| NAT gateways          | by tier: single; prod one per zone        | reliability: no cross-zone egress   |
//	| public IP on launch   | off in every subnet                       | CKV_AWS_130                         |
//	| default security group| no rules                                  | CKV2_AWS_12, CIS AWS 5.4            |
//	| flow logs             | ALL traffic, 60 s aggregation             | CKV2_AWS_11, CIS AWS 3.9            |
//	| flow log retention    | by tier: dev 30, staging 90, prod 365 days| CKV_AWS_338 (prod)                  |
//	| subnet slots          | 4 per half (/19 private, /21 public of a /16) | stable plans (PL-D-013)           |
package awsnetwork
