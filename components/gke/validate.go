package gke

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

var (
	zoneRE        = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]-[a-z]$`)
	clusterNameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	machineTypeRE = regexp.MustCompile(`^[a-z][a-z0-9]*-[a-z0-9-]+$`)
	kmsKeyRE      = regexp.MustCompile(`^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$`)
	timeRE        = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

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
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	p.GCPProject("project", a.Project)
	p.GCPRegion("region", a.Region)
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
		config.CheckNodeCounts(&p, path, *np.MinSize, *np.MaxSize, nil)
		p.Between(path+".diskSizeGb", *np.DiskSizeGB, 10, 65536)
		p.OneOf(path+".diskType", np.DiskType, "pd-standard", "pd-balanced", "pd-ssd")
		p.NonNegative(path+".maxSurge", *np.MaxSurge)
		p.NonNegative(path+".maxUnavailable", *np.MaxUnavailable)
		if *np.MaxSurge == 0 && *np.MaxUnavailable == 0 {
			p.Addf(path+".maxSurge", "and maxUnavailable are both 0: upgrades could not make progress, so allow a surge of 1")
		}
		p.Labels(path+".labels", np.Labels)
		config.CheckTaints(&p, path+".taints", np.Taints)
	}
	return p.Err()
}
