package eks

import (
	"cmp"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/clusterautoscaler"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/eksversion"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// Defaults that do not depend on the tier.
const (
	defaultNodeGroup    = "general"
	defaultDiskSizeGB   = 50
	defaultAMIType      = "AL2023_x86_64_STANDARD"
	defaultResolve      = "OVERWRITE"
	defaultStorageClass = "gp3"
	// maxGroupName leaves room for "-" and the suffix EKS node group name
	// prefixes get, within EKS's 63.
	maxGroupName = 63 - naming.PrefixSuffix - 1
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys, and those Validate checks. It never changes
// the caller's args.
func (a Args) Defaults() Args {
	var d config.Defaults
	a.Tier, d = config.CloudDefaults(a.Tier)
	a.Version = cmp.Or(a.Version, eksversion.Default)
	a.SupportType = cmp.Or(a.SupportType, eksversion.SupportStandard)
	a.StorageClass, a.Autoscaler, a.AddOns, a.AutoMode = ptr.Clone(a.StorageClass), ptr.Clone(a.Autoscaler), ptr.Clone(a.AddOns), ptr.Clone(a.AutoMode)
	if a.AutoMode.Enabled && len(a.AutoMode.NodePools) == 0 {
		a.AutoMode.NodePools = []string{NodePoolGeneralPurpose, NodePoolSystem}
	}
	a.StorageClass.Name = cmp.Or(a.StorageClass.Name, defaultStorageClass)
	if r, ok := clusterautoscaler.For(a.Version); ok {
		a.Autoscaler.ChartVersion = cmp.Or(a.Autoscaler.ChartVersion, r.Chart)
		a.Autoscaler.ImageTag = cmp.Or(a.Autoscaler.ImageTag, r.Image)
	}
	a.LogRetentionDays = ptr.Or(a.LogRetentionDays, d.LogRetentionDays)
	if a.DeletionProtection == nil {
		a.DeletionProtection = new(d.DeletionProtection)
	}
	if len(a.NodeGroups) == 0 && !a.AutoMode.Enabled {
		a.NodeGroups = []NodeGroupArgs{{Name: defaultNodeGroup}}
	}
	groups := make([]NodeGroupArgs, len(a.NodeGroups))
	for i, g := range a.NodeGroups {
		if len(g.InstanceTypes) == 0 {
			g.InstanceTypes = []string{d.InstanceType}
		}
		if g.CapacityType == "" {
			g.CapacityType = CapacityOnDemand
		}
		if g.MinSize == nil {
			g.MinSize = new(d.NodeMin)
		}
		if g.MaxSize == nil {
			g.MaxSize = new(max(d.NodeMax, *g.MinSize))
		}
		if g.DesiredSize == nil {
			g.DesiredSize = new(min(max(d.NodeDesired, *g.MinSize), *g.MaxSize))
		}
		g.DiskSizeGB = ptr.Or(g.DiskSizeGB, defaultDiskSizeGB)
		if g.AMIType == "" {
			g.AMIType = defaultAMIType
		}
		groups[i] = g
	}
	a.NodeGroups = groups
	if a.AddOns.ResolveConflicts == "" {
		a.AddOns.ResolveConflicts = defaultResolve
	}
	return a
}
