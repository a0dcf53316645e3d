package awsnetwork

import (
	"fmt"
	"math/bits"
	"net"
	"slices"

	"github.com/apparentlymart/go-cidr/cidr"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// DefaultCIDR is the VPC block used when none is given.
const DefaultCIDR = "10.0.0.0/16"

// cloudWatchRetention are the retention values CloudWatch Logs accepts.
var cloudWatchRetention = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (a Args) withDefaults() Args {
	if a.Tier == "" {
		a.Tier = config.TierDev
	}
	d := config.ForTier(a.Tier)
	if a.CIDR == "" {
		a.CIDR = DefaultCIDR
	}
	if a.AZCount == 0 {
		a.AZCount = max(d.AZCount, 2)
		if len(a.AvailabilityZones) > 0 {
			a.AZCount = len(a.AvailabilityZones)
		}
	}
	if a.NATGateways == "" {
		a.NATGateways = d.NATGateways
		if a.NATGateways == "" { // the local tier has no cloud network defaults
			a.NATGateways = NATSingle
		}
	}
	if a.FlowLogRetentionDays == 0 {
		a.FlowLogRetentionDays = max(d.LogRetentionDays, 1)
	}
	return a
}

// Validate checks the arguments of a network called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("network %q: ", name)}
	p.DNSLabel("name", name)
	a = a.withDefaults()
	if !slices.Contains(config.Tiers, a.Tier) {
		p.Addf("tier", "%q is not a tier: use local, dev, staging or prod", a.Tier)
	}
	if a.VPCID != "" {
		if len(a.PublicSubnetIDs) == 0 || len(a.PrivateSubnetIDs) == 0 {
			p.Addf("vpcId", "is set without publicSubnetIds and privateSubnetIds: name the existing subnets too")
		}
		if len(a.AvailabilityZones) == 0 {
			p.Addf("availabilityZones", "is empty for an existing VPC: list the zones its subnets are in")
		}
		return p.Err()
	}
	if len(a.PublicSubnetIDs)+len(a.PrivateSubnetIDs) > 0 {
		p.Addf("publicSubnetIds", "is set without vpcId: name the existing VPC, or leave the subnets to plinth")
	}
	if a.AZCount < 2 || a.AZCount > 6 {
		p.Addf("azCount", "(%d) is outside 2–6: spread the network over at least 2 zones", a.AZCount)
	} else if a.Tier == config.TierProd && a.AZCount < 3 {
		p.Addf("azCount", "(%d) is below 3 for prod: use 3 zones so one can fail", a.AZCount)
	}
	if len(a.AvailabilityZones) > 0 && len(a.AvailabilityZones) != a.AZCount {
		p.Addf("availabilityZones", "lists %d zones but azCount is %d: make them agree", len(a.AvailabilityZones), a.AZCount)
	}
	p.OneOf("natGateways", a.NATGateways, NATSingle, NATPerAZ)
	if !slices.Contains(cloudWatchRetention, a.FlowLogRetentionDays) {
		p.Addf("flowLogRetentionDays", "(%d) is not a CloudWatch retention value: use one of 1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 731, …", a.FlowLogRetentionDays)
	}
	if v, ok := p.CIDR("cidr", a.CIDR); ok {
		switch {
		case !v.Addr().Is4() || !v.Addr().IsPrivate():
			p.Addf("cidr", "%q is not a private IPv4 block: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", a.CIDR)
		case v.Bits() < 16 || v.Bits() > 24:
			p.Addf("cidr", "%q is a /%d: use /16 to /24", a.CIDR, v.Bits())
		case a.AZCount >= 2 && a.AZCount <= 6:
			if _, _, err := Plan(a.CIDR, a.AZCount); err != nil {
				p.Addf("cidr", "%q is too small for %d zones (%v): use a larger block or fewer zones", a.CIDR, a.AZCount, err)
			}
		}
	}
	return p.Err()
}

// Plan carves the VPC block into one private and one public subnet per
// zone: the first half of the block holds the private subnets (where
// nodes and tasks run, so they get the addresses), the second half the
// smaller public ones (load balancers and NAT gateways).
func Plan(vpcCIDR string, zones int) (private, public []string, err error) {
	_, vpc, err := net.ParseCIDR(vpcCIDR)
	if err != nil {
		return nil, nil, err
	}
	zoneBits := bits.Len(uint(zones - 1)) // bits to number the zones
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
