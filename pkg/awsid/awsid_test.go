package awsid

import "testing"

func TestIDs(t *testing.T) {
	for _, c := range []struct {
		check func(string) error
		s     string
		ok    bool
	}{
		{CheckVPC, "vpc-0123456789abcdef0", true},
		{CheckVPC, "vpc-01234567", true},
		{CheckVPC, "main-vpc", false},
		{CheckVPC, "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0", false},
		{CheckSubnet, "subnet-0123456789abcdef0", true},
		{CheckSubnet, "subnet-0123456789ABCDEF0", false},
		{CheckSubnet, "private-a", false},
		{CheckSecurityGroup, "sg-0123456789abcdef0", true},
		{CheckSecurityGroup, "default", false},
		{CheckSecurityGroup, "sg-0123", false},
		{CheckTransitGateway, "tgw-0123456789abcdef0", true},
		{CheckTransitGateway, "tgw-attach-0123456789abcdef0", false},
		{CheckPeeringConnection, "pcx-01234567", true},
		{CheckPeeringConnection, "peer-to-shared", false},
	} {
		if err := c.check(c.s); (err == nil) != c.ok {
			t.Errorf("%q: %v, want ok %v", c.s, err, c.ok)
		}
	}
}
