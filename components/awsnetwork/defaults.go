package awsnetwork

import (
	"cmp"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Defaults that do not depend on the tier.
const (
	// DefaultCIDR is the VPC block used when none is given.
	DefaultCIDR = "10.0.0.0/16"
	// DefaultSubnetSlots is the number of zone slots of each half of the
	// VPC block.
	DefaultSubnetSlots = 4
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	var d config.Defaults
	a.Tier, d = config.CloudDefaults(a.Tier)
	if a.CIDR == "" {
		a.CIDR = DefaultCIDR
	}
	a.SubnetSlots = ptr.Or(a.SubnetSlots, DefaultSubnetSlots)
	if a.AZCount == nil {
		a.AZCount = new(max(d.AZCount, 2))
		if len(a.AvailabilityZones) > 0 {
			a.AZCount = new(len(a.AvailabilityZones))
		}
	}
	a.NATGateways = cmp.Or(a.NATGateways, d.NATGateways)
	a.FlowLogRetentionDays = ptr.Or(a.FlowLogRetentionDays, max(d.LogRetentionDays, 1))
	return a
}
