package awsnetwork_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// A production VPC: three zones, a NAT gateway in each, flow logs kept a
// year. The example runs under Pulumi mocks.
func Example() {
	var n *awsnetwork.Network
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		var err error
		n, err = awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: "prod"})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("zones:", n.AvailabilityZones)
	fmt.Println("private:", n.PrivateCIDRs)
	fmt.Println("public:", n.PublicCIDRs)
	fmt.Println("NAT gateways:", stack.Counts()["aws:ec2/natGateway:NatGateway"])
	// Output:
	// zones: [eu-west-1a eu-west-1b eu-west-1c]
	// private: [10.0.0.0/19 10.0.32.0/19 10.0.64.0/19]
	// public: [10.0.128.0/21 10.0.136.0/21 10.0.144.0/21]
	// NAT gateways: 3
}
