package gke

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures a GKE cluster and its node pools. The cluster runs on an
// existing network (e.g. gcpnetwork.Network), so this package does not
// import the GCP compute SDK.
type Args struct {
	// Tier picks regional vs zonal, node sizes and deletion protection.
	// Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Project is the GCP project id. Required.
	Project string `pulumi:"project"`
	// Region of a regional cluster, and of the network. Required.
	Region string `pulumi:"region"`
	// Autopilot makes the cluster a GKE Autopilot cluster: Google
	// provisions, scales, upgrades and hardens the nodes for the pods'
	// requests (Dataplane V2, shielded nodes and Workload Identity always
	// on), and bills per pod. It has no node pools, so NodePools is
	// refused, and it is regional. The nodes run as the component's
	// least-privilege service account. Changing it replaces the cluster.
	// Default: false.
	Autopilot bool `pulumi:"autopilot,optional"`
	// Regional runs the control plane in every zone of Region; a zonal
	// cluster (dev only) runs in Zone. Changing it replaces the cluster.
	// Default: - by tier (zonal for dev, regional otherwise; Autopilot
	// is always regional).
	Regional *bool `pulumi:"regional,optional"`
	// Zone of a zonal cluster. Default: - Region + "-b".
	Zone string `pulumi:"zone,optional"`
	// ClusterName is the GKE cluster name. Changing it replaces the cluster.
	// Default: - "<project>-<stack>-<component name>", at most 40 characters.
	ClusterName string `pulumi:"clusterName,optional"`
	// Network is the VPC network's name or self link (e.g.
	// gcpnetwork.Network.NetworkName). Required.
	Network pulumi.StringInput `pulumi:"network"`
	// Subnetwork is the subnetwork's name or self link. Required.
	Subnetwork pulumi.StringInput `pulumi:"subnetwork"`
	// PodsRangeName is the subnetwork's secondary range for pods. Default: "pods".
	PodsRangeName string `pulumi:"podsRangeName,optional"`
	// ServicesRangeName is the secondary range for services. Default: "services".
	ServicesRangeName string `pulumi:"servicesRangeName,optional"`
	// MasterCIDR is the /28 of the control plane's private endpoint.
	// Default: "172.16.0.0/28".
	MasterCIDR string `pulumi:"masterCidr,optional"`
	// PrivateEndpoint removes the public endpoint: the API is reachable
	// only from the VPC. Default: false.
	PrivateEndpoint bool `pulumi:"privateEndpoint,optional"`
	// AuthorizedNetworks may reach the API endpoint; required unless
	// PrivateEndpoint. 0.0.0.0/0 is rejected.
	AuthorizedNetworks []string `pulumi:"authorizedNetworks,optional"`
	// ReleaseChannel is RAPID, REGULAR or STABLE. Default: "REGULAR".
	ReleaseChannel string `pulumi:"releaseChannel,optional"`
	// BinaryAuthorization is the evaluation mode: DISABLED or
	// PROJECT_SINGLETON_POLICY_ENFORCE. Default: "PROJECT_SINGLETON_POLICY_ENFORCE".
	BinaryAuthorization string `pulumi:"binaryAuthorization,optional"`
	// DatabaseEncryptionKey is a Cloud KMS key (its name, or a key
	// resource's id output) that encrypts Kubernetes secrets in etcd
	// (CMEK); unset for Google's default encryption.
	DatabaseEncryptionKey pulumi.StringInput `pulumi:"databaseEncryptionKey,optional"`
	// EnableAPIs enables the APIs the cluster needs in the project (APIs,
	// and Binary Authorization when enforced) before using them, and never
	// disables them. Set false where APIs are managed centrally.
	// Default: true.
	EnableAPIs *bool `pulumi:"enableApis,optional"`
	// MaintenanceStart is the daily maintenance window's start (UTC, HH:MM).
	// Default: "03:00".
	MaintenanceStart string `pulumi:"maintenanceStart,optional"`
	// DeletionProtection protects the cluster from deletion (GKE's own
	// setting and the Pulumi protect option). Default: - by tier (prod only).
	DeletionProtection *bool `pulumi:"deletionProtection,optional"`
	// NodePools are the node pools. Default: - one pool "general" sized
	// by tier (none with Autopilot).
	NodePools []NodePoolArgs `pulumi:"nodePools,optional"`
	// Labels are added to every resource that takes labels.
	Labels map[string]string `pulumi:"labels,optional"`
}

// NodePoolArgs configures one node pool. The pool's GKE name is
// "<component>-<Name>-<random>", so a change that replaces it
// (MachineType, DiskSizeGB, DiskType, Spot, Name) creates the new pool
// before the old one is deleted. It starts with MinSize nodes per zone
// (at least one).
type NodePoolArgs struct {
	// Name of the pool, a DNS-1123 label. Changing it replaces the pool. Required.
	Name string `pulumi:"name"`
	// MachineType, e.g. "e2-standard-4". Default: - the tier's machine type.
	MachineType string `pulumi:"machineType,optional"`
	// MinSize is the minimum node count per zone. Default: - by tier.
	MinSize *int `pulumi:"minSize,optional"`
	// MaxSize is the maximum node count per zone. Default: - by tier.
	MaxSize *int `pulumi:"maxSize,optional"`
	// Spot runs the pool on Spot VMs. Default: false.
	Spot bool `pulumi:"spot,optional"`
	// DiskSizeGB of each node's boot disk. Default: 50.
	DiskSizeGB *int `pulumi:"diskSizeGb,optional"`
	// DiskType is pd-standard, pd-balanced or pd-ssd. Default: "pd-balanced".
	DiskType string `pulumi:"diskType,optional"`
	// MaxSurge is the extra nodes created during upgrades. Default: 1.
	MaxSurge *int `pulumi:"maxSurge,optional"`
	// MaxUnavailable is the nodes that may be down during upgrades. Default: 0.
	MaxUnavailable *int `pulumi:"maxUnavailable,optional"`
	// Labels are Kubernetes node labels.
	Labels map[string]string `pulumi:"labels,optional"`
	// Taints are Kubernetes node taints.
	Taints []Taint `pulumi:"taints,optional"`
}

// Taint is a Kubernetes node taint; its effect is spelled the Kubernetes
// way (NoSchedule, PreferNoSchedule, NoExecute).
type Taint = config.Taint
