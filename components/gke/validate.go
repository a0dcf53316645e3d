package gke

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
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

var (
	projectRE     = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	regionRE      = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]$`)
	zoneRE        = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]-[a-z]$`)
	clusterNameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	machineTypeRE = regexp.MustCompile(`^[a-z][a-z0-9]*-[a-z0-9-]+$`)
	kmsKeyRE      = regexp.MustCompile(`^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$`)
	timeRE        = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

func (a Args) withDefaults() Args {
	if a.Tier == "" {
		a.Tier = config.TierDev
	}
	d := config.ForTier(a.Tier)
	if a.Tier == config.TierLocal { // no cloud defaults for local: use dev's
		d = config.ForTier(config.TierDev)
	}
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
		if p.MinNodes == nil {
			p.MinNodes = new(d.NodeMin)
		}
		if p.MaxNodes == nil {
			p.MaxNodes = new(max(d.NodeMax, *p.MinNodes))
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

// checkKMSKey is the check of DatabaseEncryptionKey: on a literal in
// Validate, on an output when it resolves.
func checkKMSKey(s string) error {
	if !kmsKeyRE.MatchString(s) {
		return fmt.Errorf("%q is not a Cloud KMS key name: use projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>", s)
	}
	return nil
}

// Validate checks the arguments of a cluster called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("gke %q: ", name)}
	p.DNSLabel("name", name)
	a = a.withDefaults()
	if !slices.Contains(config.Tiers, a.Tier) {
		p.Addf("tier", "%q is not a tier: use dev, staging or prod", a.Tier)
	}
	if !projectRE.MatchString(a.Project) {
		p.Addf("project", "%q is not a GCP project id: set the id of the project to deploy to", a.Project)
	}
	if !regionRE.MatchString(a.Region) {
		p.Addf("region", "%q is not a GCP region: set one such as \"europe-west1\"", a.Region)
	}
	if a.Autopilot {
		// GKE creates Autopilot clusters in a region only.
		if !*a.Regional {
			p.Addf("regional", "is false with autopilot: Autopilot clusters are regional, so remove regional or set it true")
		}
		if len(a.NodePools) > 0 {
			p.Addf("nodePools", "is set with autopilot: Autopilot provisions the nodes for the pods' requests and has no node pools, so remove nodePools (or turn autopilot off)")
		}
	}
	if !*a.Regional {
		if a.Tier == config.TierProd || a.Tier == config.TierStaging {
			p.Addf("regional", "is false for a %s cluster: a zonal control plane goes down with its zone, so use a regional cluster", a.Tier)
		}
		if !zoneRE.MatchString(a.Zone) {
			p.Addf("zone", "%q is not a GCP zone: use one such as \"europe-west1-b\"", a.Zone)
		} else if !strings.HasPrefix(a.Zone, a.Region+"-") {
			p.Addf("zone", "%q is not in region %s: use a zone of the region, such as %q", a.Zone, a.Region, a.Region+"-b")
		}
	}
	if a.ClusterName != "" && !clusterNameRE.MatchString(a.ClusterName) {
		p.Addf("clusterName", "%q is not a GKE cluster name: use up to 40 lowercase letters, digits and '-', starting with a letter", a.ClusterName)
	}
	if a.Network == nil {
		p.Addf("network", "is not set: pass the VPC network, e.g. network.NetworkName")
	}
	if a.Subnetwork == nil {
		p.Addf("subnetwork", "is not set: pass the subnetwork, e.g. network.SubnetworkName")
	}
	if v, ok := p.CIDR("masterCidr", a.MasterCIDR); ok && (v.Bits() != 28 || !v.Addr().IsPrivate()) {
		p.Addf("masterCidr", "%q is not a private /28: GKE needs a private /28 for the control plane", a.MasterCIDR)
	}
	p.NotWorldOpen("authorizedNetworks", a.AuthorizedNetworks, "list only the blocks that need the API (VPN, CI runners), or use a private endpoint")
	if !a.PrivateEndpoint && len(a.AuthorizedNetworks) == 0 {
		p.Addf("authorizedNetworks", "is empty with a public endpoint: list the blocks that may reach the API, or set privateEndpoint")
	}
	p.OneOf("releaseChannel", a.ReleaseChannel, "RAPID", "REGULAR", "STABLE")
	p.OneOf("binaryAuthorization", a.BinaryAuthorization, "DISABLED", "PROJECT_SINGLETON_POLICY_ENFORCE")
	p.Input("databaseEncryptionKey", a.DatabaseEncryptionKey, checkKMSKey)
	if !timeRE.MatchString(a.MaintenanceStart) {
		p.Addf("maintenanceStart", "%q is not a time: use HH:MM in UTC, e.g. \"03:00\"", a.MaintenanceStart)
	}
	p.Labels("labels", a.Labels)
	seen := map[string]bool{}
	for i, np := range a.NodePools {
		path := fmt.Sprintf("nodePools[%d]", i)
		if p.DNSLabel(path+".name", np.Name) && seen[np.Name] {
			p.Addf(path+".name", "%q is used twice: give every pool its own name", np.Name)
		} else if logical := naming.Child(name, np.Name); len(logical)+naming.AutoNameSuffix > MaxClusterName {
			p.Addf(path+".name", "%q makes the pool's name %q plus %d random characters, over GKE's %d: shorten it or the component's name", np.Name, logical, naming.AutoNameSuffix, MaxClusterName)
		}
		seen[np.Name] = true
		if !machineTypeRE.MatchString(np.MachineType) {
			p.Addf(path+".machineType", "%q is not a machine type: use one such as \"e2-standard-4\"", np.MachineType)
		}
		lo, hi := *np.MinNodes, *np.MaxNodes
		p.NonNegative(path+".minNodes", lo)
		if hi < 1 {
			p.Addf(path+".maxNodes", "(%d) is below 1: allow at least one node per zone", hi)
		} else if lo > hi {
			p.Addf(path+".minNodes", "(%d) is greater than maxNodes (%d): make minNodes ≤ maxNodes", lo, hi)
		}
		p.Between(path+".diskSizeGb", *np.DiskSizeGB, 10, 65536)
		p.OneOf(path+".diskType", np.DiskType, "pd-standard", "pd-balanced", "pd-ssd")
		p.NonNegative(path+".maxSurge", *np.MaxSurge)
		p.NonNegative(path+".maxUnavailable", *np.MaxUnavailable)
		if *np.MaxSurge == 0 && *np.MaxUnavailable == 0 {
			p.Addf(path+".maxSurge", "and maxUnavailable are both 0: upgrades could not make progress, so allow a surge of 1")
		}
		p.Labels(path+".labels", np.Labels)
		for j, t := range np.Taints {
			tp := fmt.Sprintf("%s.taints[%d]", path, j)
			p.QualifiedName(tp+".key", t.Key)
			p.OneOf(tp+".effect", t.Effect, "NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE")
		}
	}
	return p.Err()
}
