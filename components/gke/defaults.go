package gke

import (
	"cmp"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Defaults that do not depend on the tier.
const (
	defaultPool           = "general"
	defaultPodsRange      = "pods"
	defaultServicesRange  = "services"
	defaultMasterCIDR     = "172.16.0.0/28"
	defaultReleaseChannel = "REGULAR"
	defaultBinAuthz       = "PROJECT_SINGLETON_POLICY_ENFORCE"
	defaultMaintenance    = "03:00"
	defaultDiskSizeGB     = 50
	defaultDiskType       = "pd-balanced"
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	var d config.Defaults
	a.Tier, d = config.CloudDefaults(a.Tier)
	if a.Regional == nil {
		a.Regional = new(d.Regional || a.Autopilot)
	}
	if a.Zone == "" && a.Region != "" {
		a.Zone = a.Region + "-b"
	}
	a.PodsRangeName = cmp.Or(a.PodsRangeName, defaultPodsRange)
	a.ServicesRangeName = cmp.Or(a.ServicesRangeName, defaultServicesRange)
	a.MasterCIDR = cmp.Or(a.MasterCIDR, defaultMasterCIDR)
	a.ReleaseChannel = cmp.Or(a.ReleaseChannel, defaultReleaseChannel)
	a.BinaryAuthorization = cmp.Or(a.BinaryAuthorization, defaultBinAuthz)
	a.MaintenanceStart = cmp.Or(a.MaintenanceStart, defaultMaintenance)
	if a.DeletionProtection == nil {
		a.DeletionProtection = new(d.DeletionProtection)
	}
	if a.EnableAPIs == nil {
		a.EnableAPIs = new(true)
	}
	if len(a.NodePools) == 0 && !a.Autopilot {
		a.NodePools = []NodePoolArgs{{Name: defaultPool}}
	}
	pools := make([]NodePoolArgs, len(a.NodePools))
	for i, p := range a.NodePools {
		p.MachineType = cmp.Or(p.MachineType, d.MachineType)
		if p.MinSize == nil {
			p.MinSize = new(d.NodeMin)
		}
		if p.MaxSize == nil {
			p.MaxSize = new(max(d.NodeMax, *p.MinSize))
		}
		p.DiskSizeGB = ptr.Or(p.DiskSizeGB, defaultDiskSizeGB)
		p.DiskType = cmp.Or(p.DiskType, defaultDiskType)
		if p.MaxSurge == nil {
			p.MaxSurge = new(1)
		}
		if p.MaxUnavailable == nil {
			p.MaxUnavailable = new(0)
		}
		pools[i] = p
	}
	a.NodePools = pools
	return a
}
