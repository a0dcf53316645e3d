package gcpnetwork

import (
	"cmp"
)

// DefaultCIDR is the block the ranges are carved from.
const DefaultCIDR = "10.16.0.0/12"

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	if a.CIDR == "" {
		a.CIDR = DefaultCIDR
	}
	if a.NodesCIDR == "" || a.ServicesCIDR == "" || a.PodsCIDR == "" {
		if n, s, p, err := Carve(a.CIDR); err == nil {
			a.NodesCIDR = cmp.Or(a.NodesCIDR, n)
			a.ServicesCIDR = cmp.Or(a.ServicesCIDR, s)
			a.PodsCIDR = cmp.Or(a.PodsCIDR, p)
		}
	}
	if a.FlowLogSampling == 0 {
		a.FlowLogSampling = 0.5
	}
	if a.EnableAPIs == nil {
		a.EnableAPIs = new(true)
	}
	return a
}
