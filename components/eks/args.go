package eks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Capacity types of node groups.
const (
	CapacityOnDemand = "ON_DEMAND"
	CapacitySpot     = "SPOT"
)

// Args configures an EKS cluster and its managed node groups.
type Args struct {
	// Tier picks node sizes, log retention and deletion protection.
	// Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// ClusterName is the EKS cluster name. Changing it replaces the cluster.
	// Default: - "<project>-<stack>-<component name>", at most 100 characters.
	ClusterName string `pulumi:"clusterName,optional"`
	// Version is the Kubernetes minor version. It must be inside the
	// support window SupportType pays for on the day of the deployment
	// (pkg/eksversion has the calendar): EKS refuses to create a version
	// past extended support, and upgrades a cluster past its support by
	// itself. Node groups follow the cluster's version, and so do the
	// add-ons and the Cluster Autoscaler unless pinned. The default is the
	// newest version in standard support (pkg/eksversion), and moves when
	// plinth's calendar does. Default: "1.36".
	Version string `pulumi:"version,optional"`
	// SupportType is the cluster's upgrade policy: STANDARD (14 months
	// from the version's release, then EKS upgrades the control plane) or
	// EXTENDED (12 months more, at an extra hourly cost). plinth pins the
	// version and refuses one past the end of this support, and the
	// guardrail report warns 60 days before, so upgrades happen on your
	// schedule and never as a downgrade. Default: "STANDARD".
	SupportType string `pulumi:"supportType,optional"`
	// SubnetIDs are the private subnets of the control plane's network
	// interfaces and the nodes (e.g. awsnetwork.Network.PrivateSubnetIDs).
	// Required.
	SubnetIDs pulumi.StringArrayInput `pulumi:"subnetIds"`
	// PublicAccessCIDRs opens the API endpoint to these blocks; empty keeps
	// the endpoint private. 0.0.0.0/0 is rejected.
	PublicAccessCIDRs []string `pulumi:"publicAccessCidrs,optional"`
	// PrivateAccessCIDRs may reach the private API endpoint on 443: the
	// subnets of the runners that deploy (peered or in the VPC), a VPN.
	// EKS's cluster security group admits only the cluster itself, so a
	// private-only cluster needs these (or PrivateAccessSecurityGroupIDs)
	// for anything outside the cluster, Pulumi included, to reach it.
	PrivateAccessCIDRs []string `pulumi:"privateAccessCidrs,optional"`
	// PrivateAccessSecurityGroupIDs may reach the private API endpoint on
	// 443, e.g. the deploy runners' security group.
	PrivateAccessSecurityGroupIDs []pulumi.StringInput `pulumi:"privateAccessSecurityGroupIds,optional"`
	// AdminRoleARNs get cluster-admin through access entries (API
	// authentication mode): literals, or roles created elsewhere
	// (role.Arn). Required.
	AdminRoleARNs []pulumi.StringInput `pulumi:"adminRoleArns"`
	// KMSKeyARN encrypts Kubernetes secrets. Default: - a new key with
	// yearly rotation.
	KMSKeyARN pulumi.StringInput `pulumi:"kmsKeyArn,optional"`
	// LogRetentionDays keeps the control-plane logs (all five types).
	// Default: - by tier (dev 30, staging 90, prod 365).
	LogRetentionDays *int `pulumi:"logRetentionDays,optional"`
	// AutoMode runs the cluster in EKS Auto Mode: EKS launches, patches
	// and scales the nodes itself and runs the networking, DNS, block
	// storage, load balancing and Pod Identity parts the add-ons provide
	// otherwise. With it, plinth creates no default node group, launch
	// templates or add-ons but metrics-server, and refuses Autoscaler and
	// the other AddOns versions. To turn Auto Mode off on a cluster that
	// has it, keep this block with Enabled false (see AutoModeArgs).
	AutoMode *AutoModeArgs `pulumi:"autoMode,optional"`
	// NodeGroups are the managed node groups. In Auto Mode they run beside
	// Auto Mode's node pools, which is meant for moving off Auto Mode.
	// Default: - one group "general" sized by tier (none in Auto Mode).
	NodeGroups []NodeGroupArgs `pulumi:"nodeGroups,optional"`
	// AddOns pins the EKS add-on versions.
	AddOns *AddOnsArgs `pulumi:"addOns,optional"`
	// StorageClass is the cluster's default StorageClass. EKS clusters
	// since Kubernetes 1.30 have none, so volume claims without a class
	// stay Pending.
	StorageClass *StorageClassArgs `pulumi:"storageClass,optional"`
	// Autoscaler installs the Kubernetes Cluster Autoscaler, which sizes
	// the node groups between their MinSize and MaxSize. Without it a node
	// group stays at its DesiredSize.
	Autoscaler *AutoscalerArgs `pulumi:"autoscaler,optional"`
	// KubeconfigRoleARN is the role the kubeconfig's `aws eks get-token`
	// assumes; unset uses the caller's credentials.
	KubeconfigRoleARN pulumi.StringInput `pulumi:"kubeconfigRoleArn,optional"`
	// KubeconfigProfile is the AWS profile the kubeconfig uses; "" for the
	// default credential chain.
	KubeconfigProfile string `pulumi:"kubeconfigProfile,optional"`
	// DeletionProtection protects the cluster from `pulumi destroy` and
	// replacement (the protect resource option).
	// Default: - by tier (prod only).
	DeletionProtection *bool `pulumi:"deletionProtection,optional"`
	// Tags are added to every resource.
	Tags map[string]string `pulumi:"tags,optional"`
}

// NodeGroupArgs configures one managed node group. The group's EKS name
// is Name plus a unique suffix, so a change that replaces the group
// (InstanceTypes, CapacityType, AMIType, DiskSizeGB, Name) creates the new
// group before the old one is deleted.
type NodeGroupArgs struct {
	// Name of the group, a DNS-1123 label of at most 36 characters.
	// Changing it replaces the group. Required.
	Name string `pulumi:"name"`
	// InstanceTypes are the EC2 instance types, of the architecture
	// AMIType is built for. Changing them replaces the group.
	// Default: - the tier's instance type.
	InstanceTypes []string `pulumi:"instanceTypes,optional"`
	// CapacityType is ON_DEMAND or SPOT. Default: "ON_DEMAND".
	CapacityType string `pulumi:"capacityType,optional"`
	// MinSize is the Cluster Autoscaler's lower bound. Default: - by tier.
	MinSize *int `pulumi:"minSize,optional"`
	// MaxSize is the Cluster Autoscaler's upper bound. Default: - by tier.
	MaxSize *int `pulumi:"maxSize,optional"`
	// DesiredSize is the node count at creation. With an Autoscaler it
	// owns the count afterwards and later changes here are ignored;
	// without one, the group keeps this size. Default: - by tier.
	DesiredSize *int `pulumi:"desiredSize,optional"`
	// DiskSizeGB is the encrypted gp3 root volume size. Default: 50.
	DiskSizeGB *int `pulumi:"diskSizeGb,optional"`
	// AMIType is the node image family. Default: "AL2023_x86_64_STANDARD".
	AMIType string `pulumi:"amiType,optional"`
	// Labels are Kubernetes node labels.
	Labels map[string]string `pulumi:"labels,optional"`
	// Taints are Kubernetes node taints.
	Taints []Taint `pulumi:"taints,optional"`
}

// Taint is a Kubernetes node taint; its effect is spelled the Kubernetes
// way (NoSchedule, PreferNoSchedule, NoExecute).
type Taint = config.Taint

// AddOnsArgs pins the versions of the EKS add-ons plinth installs
// (vpc-cni, coredns, kube-proxy, eks-pod-identity-agent,
// aws-ebs-csi-driver, metrics-server). An empty version is looked up when
// the program runs: the default version EKS offers for the cluster's
// Kubernetes version (aws.eks.getAddonVersion). EKS never upgrades an
// add-on by itself, so a version bump of the cluster then upgrades each
// add-on after the control plane; a pinned version stays until changed.
type AddOnsArgs struct {
	// VPCCNI is the vpc-cni version.
	VPCCNI string `pulumi:"vpcCni,optional"`
	// CoreDNS is the coredns version.
	CoreDNS string `pulumi:"coreDns,optional"`
	// KubeProxy is the kube-proxy version.
	KubeProxy string `pulumi:"kubeProxy,optional"`
	// PodIdentityAgent is the eks-pod-identity-agent version.
	PodIdentityAgent string `pulumi:"podIdentityAgent,optional"`
	// EBSCSIDriver is the aws-ebs-csi-driver version.
	EBSCSIDriver string `pulumi:"ebsCsiDriver,optional"`
	// MetricsServer is the metrics-server version (an EKS community
	// add-on, installed in Auto Mode too): it serves the resource metrics
	// API every CPU- or memory-based HorizontalPodAutoscaler reads, which
	// EKS does not run by itself.
	MetricsServer string `pulumi:"metricsServer,optional"`
	// ResolveConflicts is what EKS does with settings changed outside
	// plinth on create and update: OVERWRITE or PRESERVE.
	// Default: "OVERWRITE".
	ResolveConflicts string `pulumi:"resolveConflicts,optional"`
}

// StorageClassArgs configures the default StorageClass plinth creates:
// EBS gp3 through the EBS CSI driver, encrypted, bound when a pod is
// scheduled (so the volume is made in the pod's zone), expandable.
type StorageClassArgs struct {
	// Disabled creates no StorageClass. Default: false.
	Disabled bool `pulumi:"disabled,optional"`
	// Name of the class. Changing it replaces the class (existing volumes
	// keep theirs). Default: "gp3".
	Name string `pulumi:"name,optional"`
}

// AutoscalerArgs installs the Kubernetes Cluster Autoscaler from its Helm
// chart in kube-system, with an IRSA role that may resize only this
// cluster's node groups (EKS tags their Auto Scaling groups for it).
type AutoscalerArgs struct {
	// Repository is the chart repository URL (the Kubernetes autoscaler
	// Helm repository, or a mirror) or an oci:// URL of the chart; ""
	// installs no autoscaler.
	Repository string `pulumi:"repository,optional"`
	// ChartVersion of the cluster-autoscaler chart; from autoscaler 1.35
	// it must be 9.54.0 or later (the first whose ClusterRole grants the
	// resource.k8s.io informers that version waits for).
	// Default: - the chart pkg/clusterautoscaler pins for the cluster's
	// Kubernetes version.
	ChartVersion string `pulumi:"chartVersion,optional"`
	// ImageTag of the Cluster Autoscaler, whose minor version must match
	// the cluster's. Default: - the image pkg/clusterautoscaler pins for
	// the cluster's Kubernetes version.
	ImageTag string `pulumi:"imageTag,optional"`
}

// Built-in node pools of EKS Auto Mode.
const (
	// NodePoolGeneralPurpose runs workloads on on-demand general-purpose
	// instances.
	NodePoolGeneralPurpose = "general-purpose"
	// NodePoolSystem runs critical add-ons (tainted CriticalAddonsOnly).
	NodePoolSystem = "system"
)

// AutoModeArgs configures EKS Auto Mode. EKS turns its compute, block
// storage and load-balancing capabilities on or off together, so plinth
// sets all three from Enabled.
//
// Turning it off: with the block present and Enabled false, plinth sends
// all three capabilities disabled, which EKS applies in place
// (UpdateClusterConfig). Removing the block instead leaves the provider
// to plan the three blocks away, which it refuses or plans as a
// replacement of the cluster (terraform-provider-aws#40582), so keep it.
// Move the workloads first: add NodeGroups while Auto Mode is still on
// (EKS runs both), let the pods move, then set Enabled false; docs/eks.md
// gives the steps.
type AutoModeArgs struct {
	// Enabled runs the cluster in Auto Mode. An existing cluster can be
	// switched on in place; its node role then cannot change.
	// Default: false.
	Enabled bool `pulumi:"enabled,optional"`
	// NodePools are the built-in node pools EKS runs: "general-purpose"
	// and "system". Default: - both.
	NodePools []string `pulumi:"nodePools,optional"`
}
