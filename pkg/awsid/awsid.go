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

// kind is a type of EC2 resource id: its prefix, what it names, and the
// mistake the message warns of.
type kind struct {
	re         *regexp.Regexp
	prefix     string
	what, hint string
}

func newKind(prefix, what, hint string) kind {
	return kind{regexp.MustCompile(`^` + prefix + `-[0-9a-f]{8}([0-9a-f]{9})?$`), prefix, what, hint}
}

func (k kind) check(s string) error {
	if !k.re.MatchString(s) {
		return fmt.Errorf("%q is not a %s id: use the id (%s- and 8 or 17 hex digits)%s", s, k.what, k.prefix, k.hint)
	}
	return nil
}

var (
	vpc     = newKind("vpc", "VPC", ", not its name or ARN")
	subnet  = newKind("subnet", "subnet", ", not its name or ARN")
	group   = newKind("sg", "security group", ", not its name")
	tgw     = newKind("tgw", "transit gateway", ", not an attachment's (tgw-attach-) or an ARN")
	peering = newKind("pcx", "VPC peering connection", "")
)

// CheckVPC checks that s is a VPC id.
func CheckVPC(s string) error { return vpc.check(s) }

// CheckSubnet checks that s is a subnet id.
func CheckSubnet(s string) error { return subnet.check(s) }

// CheckSecurityGroup checks that s is a security group id.
func CheckSecurityGroup(s string) error { return group.check(s) }

// CheckTransitGateway checks that s is a transit gateway id.
func CheckTransitGateway(s string) error { return tgw.check(s) }

// CheckPeeringConnection checks that s is a VPC peering connection id.
func CheckPeeringConnection(s string) error { return peering.check(s) }
