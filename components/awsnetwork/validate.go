package awsnetwork

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"

	"github.com/apparentlymart/go-cidr/cidr"

	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/problem"
)

var (
	zoneIDRE = regexp.MustCompile(`^[a-z]{2,4}[0-9]+(-[a-z]+[0-9]*)?-az[0-9]+$`)
)

// Validate checks the arguments of a network called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("network %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	for i, z := range a.ExcludeZoneIDs {
		if !zoneIDRE.MatchString(z) {
			p.Addf(fmt.Sprintf("excludeZoneIds[%d]", i), "%q is not an availability zone ID: use the ID (e.g. \"use1-az3\"), not the name", z)
		}
	}
	for i, z := range a.AvailabilityZones {
		if slices.Contains(a.AvailabilityZones[:i], z) {
			p.Addf(fmt.Sprintf("availabilityZones[%d]", i), "%q is listed twice: list each zone once", z)
		}
	}
	if a.VPCID != nil {
		p.Input("vpcId", a.VPCID, awsid.CheckVPC)
		p.InputArray("publicSubnetIds", a.PublicSubnetIDs, awsid.CheckSubnet)
		p.InputArray("privateSubnetIds", a.PrivateSubnetIDs, awsid.CheckSubnet)
		if a.PublicSubnetIDs == nil || a.PrivateSubnetIDs == nil {
			p.Addf("vpcId", "is set without publicSubnetIds and privateSubnetIds: name the existing subnets too")
		}
		if len(a.AvailabilityZones) == 0 {
			p.Addf("availabilityZones", "is empty for an existing VPC: list the zones its subnets are in")
		}
		if len(a.Routes) > 0 {
			p.Addf("routes", "is set with vpcId: plinth does not own an existing VPC's route tables; add the routes where the VPC is managed")
		}
		return p.Err()
	}
	if a.PublicSubnetIDs != nil || a.PrivateSubnetIDs != nil {
		p.Addf("publicSubnetIds", "is set without vpcId: name the existing VPC, or leave the subnets to plinth")
	}
	slotsOK := false
	switch {
	case *a.SubnetSlots < 2 || *a.SubnetSlots > 8 || *a.SubnetSlots&(*a.SubnetSlots-1) != 0:
		p.Addf("subnetSlots", "(%d) is not 2, 4 or 8: each half of the VPC block is divided into a power-of-two number of zone slots", *a.SubnetSlots)
	case *a.AZCount < 2 || *a.AZCount > 6:
		p.Addf("azCount", "(%d) is outside 2–6: spread the network over at least 2 zones", *a.AZCount)
	case *a.AZCount > *a.SubnetSlots:
		p.Addf("azCount", "(%d) is more than subnetSlots (%d): set subnetSlots to 8 for more zones (it moves every subnet of an existing network)", *a.AZCount, *a.SubnetSlots)
	case a.Tier == config.TierProd && *a.AZCount < 3:
		p.Addf("azCount", "(%d) is below 3 for prod: use 3 zones so one can fail", *a.AZCount)
	default:
		slotsOK = true
	}
	if len(a.AvailabilityZones) > 0 && len(a.AvailabilityZones) != *a.AZCount {
		p.Addf("availabilityZones", "lists %d zones but azCount is %d: make them agree", len(a.AvailabilityZones), *a.AZCount)
	}
	p.OneOf("natGateways", a.NATGateways, NATSingle, NATPerAZ)
	p.LogRetention("flowLogRetentionDays", *a.FlowLogRetentionDays)
	vpcBlock, vpcOK := p.CIDR("cidr", a.CIDR)
	a.validateRoutes(&p, vpcBlock, vpcOK)
	if v := vpcBlock; vpcOK {
		switch {
		case !v.Addr().Is4() || !v.Addr().IsPrivate():
			p.Addf("cidr", "%q is not a private IPv4 block: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", a.CIDR)
		case v.Bits() < 16 || v.Bits() > 24:
			p.Addf("cidr", "%q is a /%d: use /16 to /24", a.CIDR, v.Bits())
		case slotsOK:
			if _, _, err := Carve(a.CIDR, *a.AZCount, *a.SubnetSlots); err != nil {
				p.Addf("cidr", "%q is too small for %d subnet slots (%v): use a larger block or fewer slots", a.CIDR, *a.SubnetSlots, err)
			}
		}
	}
	return p.Err()
}

// validateRoutes checks Routes: a destination outside the VPC's block,
// each once, and one target.
func (a Args) validateRoutes(p *problem.List, vpc netip.Prefix, vpcOK bool) {
	seen := map[netip.Prefix]int{}
	for i, r := range a.Routes {
		at := fmt.Sprintf("routes[%d]", i)
		if d, ok := p.CIDR(at+".destinationCidr", r.DestinationCIDR); ok {
			switch j, dup := seen[d.Masked()]; {
			case d.Bits() == 0:
				p.Addf(at+".destinationCidr", "%q is the default route, which the NAT gateway (private) or the internet gateway (public) takes: give the peer's block", r.DestinationCIDR)
			case vpcOK && d.Overlaps(vpc):
				p.Addf(at+".destinationCidr", "%q overlaps the VPC's block %s: EC2 refuses a route as specific as the VPC's own; give the peer's block", r.DestinationCIDR, a.CIDR)
			case dup:
				p.Addf(at+".destinationCidr", "%q is also routes[%d]: a table holds one route per destination", r.DestinationCIDR, j)
			}
			seen[d.Masked()] = i
		}
		if (r.TransitGatewayID == nil) == (r.VPCPeeringConnectionID == nil) {
			p.Addf(at, "sets %s: give transitGatewayId or vpcPeeringConnectionId", map[bool]string{true: "no target", false: "two targets"}[r.TransitGatewayID == nil])
		}
		p.Input(at+".transitGatewayId", r.TransitGatewayID, awsid.CheckTransitGateway)
		p.Input(at+".vpcPeeringConnectionId", r.VPCPeeringConnectionID, awsid.CheckPeeringConnection)
	}
}

// Carve splits the VPC block into one private and one public subnet per
// zone: the first half of the block holds the private subnets (where
// nodes and tasks run, so they get the addresses), the second half the
// smaller public ones (load balancers and NAT gateways). Each half is
// divided into slots equal slots and zone i takes slot i, so a carve for
// more zones keeps every subnet of a carve for fewer.
func Carve(vpcCIDR string, zones, slots int) (private, public []string, err error) {
	_, vpc, err := net.ParseCIDR(vpcCIDR)
	if err != nil {
		return nil, nil, err
	}
	if zones > slots {
		return nil, nil, fmt.Errorf("%d zones do not fit in %d slots", zones, slots)
	}
	zoneBits := 0 // bits to number the slots
	for 1<<zoneBits < slots {
		zoneBits++
	}
	privHalf, err := cidr.Subnet(vpc, 1, 0)
	if err != nil {
		return nil, nil, err
	}
	pubHalf, err := cidr.Subnet(vpc, 1, 1)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i < zones; i++ {
		priv, err := cidr.Subnet(privHalf, zoneBits, i)
		if err != nil {
			return nil, nil, err
		}
		// Public subnets are a quarter of a private one's size.
		pub, err := cidr.Subnet(pubHalf, zoneBits+2, i)
		if err != nil {
			return nil, nil, err
		}
		if ones, _ := pub.Mask.Size(); ones > 28 {
			return nil, nil, fmt.Errorf("public subnets would be /%d, AWS allows at most /28", ones)
		}
		private = append(private, priv.String())
		public = append(public, pub.String())
	}
	return private, public, nil
}
