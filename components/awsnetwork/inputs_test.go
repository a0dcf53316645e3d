package awsnetwork_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest): here, an existing VPC's ids.
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a awsnetwork.Args) error {
		_, err := awsnetwork.New(ctx, "main", a)
		return err
	}
	existing := awsnetwork.Args{VPCID: pulumi.String("vpc-0123456789abcdef0"),
		PublicSubnetIDs:   pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
		PrivateSubnetIDs:  pulumi.ToStringArray([]string{"subnet-0cccccccccccccccc", "subnet-0dddddddddddddddd"}),
		AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}}
	inputtest.Check(t, existing, `network "main": `, create, []inputtest.Case[awsnetwork.Args]{
		{Field: "vpcId", Bad: "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0", Want: "is not a VPC id"},
		{Field: "publicSubnetIds", Bad: "public-a", Want: "is not a subnet id"},
		{Field: "privateSubnetIds", Bad: "private-a", Want: "is not a subnet id"},
		{Field: "routes[0].transitGatewayId", Bad: "tgw-attach-0123456789abcdef0", Want: "is not a transit gateway id", Prepare: func(a *awsnetwork.Args) {
			*a = awsnetwork.Args{Routes: []awsnetwork.RouteArgs{{DestinationCIDR: "10.200.0.0/16", TransitGatewayID: pulumi.String("tgw-0123456789abcdef0")}}}
		}},
		{Field: "routes[0].vpcPeeringConnectionId", Bad: "shared-services", Want: "is not a VPC peering connection id", Prepare: func(a *awsnetwork.Args) {
			*a = awsnetwork.Args{Routes: []awsnetwork.RouteArgs{{DestinationCIDR: "10.200.0.0/16", VPCPeeringConnectionID: pulumi.String("pcx-0123456789abcdef0")}}}
		}},
	})
}
