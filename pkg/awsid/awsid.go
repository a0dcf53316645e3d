// Package awsid checks the ids of EC2 resources that plinth's components
// take from other resources or from users: VPCs, subnets and security
// groups. An id is the resource type's prefix and 8 or 17 lowercase hex
// digits (EC2 API Reference, "Resource IDs": "IDs … are 17 characters
// after the prefix; resources created before 2016–2018 have 8").
// A name or an ARN in their place is the usual mistake, and EC2 would
// refuse it only at create, after the resources before it.
package awsid

import (
	"fmt"
	"regexp"
)

var (
	vpcRE    = regexp.MustCompile(`^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`)
	subnetRE = regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)
	groupRE  = regexp.MustCompile(`^sg-[0-9a-f]{8}([0-9a-f]{9})?$`)
)

// CheckVPC checks that s is a VPC id.
func CheckVPC(s string) error {
	if !vpcRE.MatchString(s) {
		return fmt.Errorf("%q is not a VPC id: use the id (vpc- and 8 or 17 hex digits), not its name or ARN", s)
	}
	return nil
}

// CheckSubnet checks that s is a subnet id.
func CheckSubnet(s string) error {
	if !subnetRE.MatchString(s) {
		return fmt.Errorf("%q is not a subnet id: use the id (subnet- and 8 or 17 hex digits), not its name or ARN", s)
	}
	return nil
}

// CheckSecurityGroup checks that s is a security group id.
func CheckSecurityGroup(s string) error {
	if !groupRE.MatchString(s) {
		return fmt.Errorf("%q is not a security group id: use the id (sg- and 8 or 17 hex digits), not its name", s)
	}
	return nil
}
