package policy

import (
	"regexp"
	"strings"
)

// GCP type tokens the rules apply to.
const (
	tGKECluster  = "gcp:container/cluster:Cluster"
	tGKENodePool = "gcp:container/nodePool:NodePool"
	tFirewall    = "gcp:compute/firewall:Firewall"
	tGCPSubnet   = "gcp:compute/subnetwork:Subnetwork"
	tGCPNetwork  = "gcp:compute/network:Network"
)

func gcpRules() []*Rule {
	cluster := []string{tGKECluster}
	pool := []string{tGKENodePool}
	return []*Rule{
		{ID: "PL-GKE-001", Severity: Mandatory, Title: "GKE nodes are private",
			Remediation: "set privateClusterConfig.enablePrivateNodes true", Mirrors: []string{"CKV_GCP_64", "CKV_GCP_25", "GCP-0059", "CIS GKE 5.6.5"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "privateClusterConfig.enablePrivateNodes", false) {
					return fail("nodes have public IPs")
				}
				return nil
			}},
		{ID: "PL-GKE-002", Severity: Mandatory, Title: "GKE API endpoint is private or limited to authorized networks",
			Remediation: "set enablePrivateEndpoint, or masterAuthorizedNetworksConfig without 0.0.0.0/0", Mirrors: []string{"CKV_GCP_18", "CKV_GCP_20", "GCP-0053", "GCP-0061", "CIS GKE 5.6.3", "CIS GKE 5.6.4"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "privateClusterConfig.enablePrivateEndpoint", false) {
					return nil
				}
				blocks := list(r.Inputs, "masterAuthorizedNetworksConfig.cidrBlocks")
				if len(blocks) == 0 {
					return fail("public endpoint reachable from anywhere")
				}
				for _, b := range blocks {
					if c := str(b.(map[string]any), "cidrBlock", ""); worldOpen(c) {
						return fail("authorized network %s", c)
					}
				}
				return nil
			}},
		{ID: "PL-GKE-003", Severity: Mandatory, Title: "GKE enforces NetworkPolicy",
			Remediation: "set datapathProvider ADVANCED_DATAPATH (Dataplane V2) or networkPolicy.enabled", Mirrors: []string{"CKV_GCP_12", "GCP-0056", "CIS GKE 5.6.7"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				// Autopilot always runs Dataplane V2.
				if str(r.Inputs, "datapathProvider", "") == "ADVANCED_DATAPATH" || boolean(r.Inputs, "networkPolicy.enabled", false) || autopilot(r) {
					return nil
				}
				return fail("NetworkPolicy objects would not be enforced")
			}},
		{ID: "PL-GKE-004", Severity: Mandatory, Title: "GKE is VPC-native",
			Remediation: "set ipAllocationPolicy with secondary ranges", Mirrors: []string{"CKV_GCP_23", "GCP-0049", "CIS GKE 5.6.2"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "ipAllocationPolicy") {
					return fail("routes-based networking")
				}
				return nil
			}},
		{ID: "PL-GKE-005", Severity: Mandatory, Title: "GKE Workload Identity is on",
			Remediation: "set workloadIdentityConfig.workloadPool <project>.svc.id.goog", Mirrors: []string{"CKV_GCP_69", "GCP-0057", "CIS GKE 5.2.2"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "workloadIdentityConfig.workloadPool") {
					return fail("pods use the node's service account")
				}
				return nil
			}},
		{ID: "PL-GKE-006", Severity: Mandatory, Title: "GKE legacy ABAC is off",
			Remediation: "set enableLegacyAbac false", Mirrors: []string{"CKV_GCP_7", "GCP-0062", "CIS GKE 5.8.4"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "enableLegacyAbac", false) {
					return fail("legacy ABAC on")
				}
				return nil
			}},
		{ID: "PL-GKE-007", Severity: Mandatory, Title: "GKE issues no client certificates",
			Remediation: "set masterAuth.clientCertificateConfig.issueClientCertificate false", Mirrors: []string{"CKV_GCP_13", "GCP-0064", "CIS GKE 5.8.2"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "masterAuth.clientCertificateConfig.issueClientCertificate", false) {
					return fail("client certificate authentication on")
				}
				return nil
			}},
		{ID: "PL-GKE-008", Severity: Mandatory, Title: "GKE shielded nodes are on",
			Remediation: "set enableShieldedNodes true", Mirrors: []string{"CKV_GCP_71", "GCP-0055", "CIS GKE 5.5.5"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "enableShieldedNodes", true) {
					return fail("shielded nodes off")
				}
				return nil
			}},
		{ID: "PL-GKE-009", Severity: Advisory, Title: "GKE follows a release channel",
			Remediation: "set releaseChannel.channel", Mirrors: []string{"CKV_GCP_70", "CIS GKE 5.5.4"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if c := str(r.Inputs, "releaseChannel.channel", "UNSPECIFIED"); c == "UNSPECIFIED" {
					return fail("no release channel")
				}
				return nil
			}},
		{ID: "PL-GKE-010", Severity: Advisory, Title: "GKE Binary Authorization is enforced",
			Remediation: "set binaryAuthorization.evaluationMode PROJECT_SINGLETON_POLICY_ENFORCE", Mirrors: []string{"CKV_GCP_66", "CIS GKE 5.10.5"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "binaryAuthorization.evaluationMode", "DISABLED") == "DISABLED" {
					return fail("any image may run")
				}
				return nil
			}},
		{ID: "PL-GKE-011", Severity: Advisory, Title: "GKE intranode visibility is on",
			Remediation: "set enableIntranodeVisibility true (Autopilot manages it: the provider refuses the field there)", Mirrors: []string{"CKV_GCP_61", "CIS GKE 5.6.1"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "enableIntranodeVisibility", false) && !autopilot(r) {
					return fail("pod-to-pod traffic on a node is not in flow logs")
				}
				return nil
			}},
		{ID: "PL-GKE-012", Severity: Mandatory, Title: "GKE alpha features are off",
			Remediation: "set enableKubernetesAlpha false", Mirrors: []string{"CKV2_GCP_19"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "enableKubernetesAlpha", false) {
					return fail("alpha cluster")
				}
				return nil
			}},
		{ID: "PL-GKE-013", Severity: Mandatory, Title: "GKE logging and monitoring are on",
			Remediation: "leave loggingService and monitoringService at their defaults, or enable the logging components", Mirrors: []string{"CKV_GCP_1", "CKV_GCP_8", "GCP-0060", "GCP-0052", "CIS GKE 5.7.1"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "loggingService", "") == "none" || str(r.Inputs, "monitoringService", "") == "none" {
					return fail("logging or monitoring disabled")
				}
				return nil
			}},
		{ID: "PL-GKE-014", Severity: Advisory, Title: "GKE secrets are encrypted with a customer key",
			Remediation: "set databaseEncryption with a Cloud KMS key", Mirrors: []string{"CIS GKE 5.3.1"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "databaseEncryption.state", "DECRYPTED") != "ENCRYPTED" {
					return fail("Google-managed encryption only")
				}
				return nil
			}},
		{ID: "PL-GKE-015", Severity: Advisory, Title: "Production GKE control planes are regional",
			Remediation: "set location to a region", Mirrors: []string{"gke-policy control_plane_redundancy"}, Types: cluster,
			Check: func(r Resource, c Context) []string {
				loc := str(r.Inputs, "location", "")
				if c.Tier == "prod" && zonal(loc) {
					return fail("zonal control plane in %s", loc)
				}
				return nil
			}},
		{ID: "PL-GKE-016", Severity: Mandatory, Title: "GKE Autopilot nodes use a dedicated service account",
			Remediation: "set clusterAutoscaling.autoProvisioningDefaults.serviceAccount to a least-privilege account", Mirrors: []string{"GCP-0050", "CKV2_GCP_1", "CIS GKE 5.2.1"}, Types: cluster,
			Check: func(r Resource, _ Context) []string {
				if !autopilot(r) {
					return nil
				}
				return dedicatedNodeAccount(str(r.Inputs, "clusterAutoscaling.autoProvisioningDefaults.serviceAccount", "default"))
			}},
		{ID: "PL-GKE-020", Severity: Mandatory, Title: "GKE node pools repair and upgrade themselves",
			Remediation: "set management.autoRepair and autoUpgrade true", Mirrors: []string{"CKV_GCP_9", "CKV_GCP_10", "GCP-0063", "GCP-0058", "CIS GKE 5.5.2", "CIS GKE 5.5.3"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "management.autoRepair", true) || !boolean(r.Inputs, "management.autoUpgrade", true) {
					return fail("auto-repair or auto-upgrade off")
				}
				return nil
			}},
		{ID: "PL-GKE-021", Severity: Mandatory, Title: "GKE nodes run Container-Optimized OS",
			Remediation: "set nodeConfig.imageType COS_CONTAINERD", Mirrors: []string{"CKV_GCP_22", "GCP-0054", "CIS GKE 5.5.1"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				if t := str(r.Inputs, "nodeConfig.imageType", "COS_CONTAINERD"); t != "COS_CONTAINERD" {
					return fail("image type %s", t)
				}
				return nil
			}},
		{ID: "PL-GKE-022", Severity: Mandatory, Title: "GKE nodes use a dedicated service account",
			Remediation: "set nodeConfig.serviceAccount to a least-privilege account", Mirrors: []string{"GCP-0050", "CKV2_GCP_1", "CIS GKE 5.2.1"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				return dedicatedNodeAccount(str(r.Inputs, "nodeConfig.serviceAccount", "default"))
			}},
		{ID: "PL-GKE-023", Severity: Mandatory, Title: "GKE nodes hide instance metadata (GKE_METADATA)",
			Remediation: "set nodeConfig.workloadMetadataConfig.mode GKE_METADATA", Mirrors: []string{"GCP-0057", "CKV_GCP_69"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				if m := str(r.Inputs, "nodeConfig.workloadMetadataConfig.mode", "unset"); m != "GKE_METADATA" {
					return fail("workload metadata mode %s exposes node credentials", m)
				}
				return nil
			}},
		{ID: "PL-GKE-024", Severity: Mandatory, Title: "GKE nodes boot securely and are integrity-monitored",
			Remediation: "set shieldedInstanceConfig.enableSecureBoot and enableIntegrityMonitoring true", Mirrors: []string{"CKV_GCP_68", "CKV_GCP_72", "CIS GKE 5.5.6", "CIS GKE 5.5.7"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", false) ||
					!boolean(r.Inputs, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", true) {
					return fail("secure boot or integrity monitoring off")
				}
				return nil
			}},
		{ID: "PL-GKE-025", Severity: Advisory, Title: "GKE node pools autoscale",
			Remediation: "set autoscaling min and max", Mirrors: []string{"gke-policy node_pool_autoscaling"}, Types: pool,
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "autoscaling") {
					return fail("fixed size")
				}
				return nil
			}},
		{ID: "PL-GCP-001", Severity: Mandatory, Title: "Firewall rules allow nothing from the whole internet",
			Remediation: "list the source ranges that need access", Mirrors: []string{"CKV_GCP_2", "CKV_GCP_3", "CKV_GCP_106", "GCP-0027"}, Types: []string{tFirewall},
			Check: func(r Resource, _ Context) []string {
				if len(list(r.Inputs, "allows")) == 0 || str(r.Inputs, "direction", "INGRESS") != "INGRESS" {
					return nil
				}
				for _, s := range stringsAt(r.Inputs, "sourceRanges") {
					if worldOpen(s) {
						return fail("allows ingress from %s", s)
					}
				}
				return nil
			}},
		{ID: "PL-GCP-002", Severity: Advisory, Title: "Subnetworks log flows and reach Google privately",
			Remediation: "set logConfig and privateIpGoogleAccess true", Mirrors: []string{"CKV_GCP_26", "CKV_GCP_74"}, Types: []string{tGCPSubnet},
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "logConfig") || !boolean(r.Inputs, "privateIpGoogleAccess", false) {
					return fail("no flow logs or no Private Google Access")
				}
				return nil
			}},
		{ID: "PL-GCP-003", Severity: Mandatory, Title: "Networks have no auto-created subnetworks",
			Remediation: "set autoCreateSubnetworks false", Mirrors: []string{"CKV_GCP_76", "CIS GCP 3.1"}, Types: []string{tGCPNetwork},
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "autoCreateSubnetworks", true) {
					return fail("auto mode network")
				}
				return nil
			}},
	}
}

// gcpZoneRE matches a GCP zone ("europe-west1-b"), not a region.
var gcpZoneRE = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)

// zonal reports whether a GKE location is a zone.
func zonal(location string) bool { return gcpZoneRE.MatchString(location) }

// autopilot reports whether a GKE cluster is an Autopilot cluster.
func autopilot(c Resource) bool { return boolean(c.Inputs, "enableAutopilot", false) }

// dedicatedNodeAccount fails the Compute Engine default service account
// (project editor) as the nodes' account.
func dedicatedNodeAccount(sa string) []string {
	if sa == "default" || strings.HasSuffix(sa, "-compute@developer.gserviceaccount.com") {
		return fail("the Compute Engine default service account (project editor)")
	}
	return nil
}
