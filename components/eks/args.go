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
	Tier config.Tier
	// ClusterName is the EKS cluster name. Changing it replaces the cluster.
	// Default: - "<project>-<stack>-<component name>", at most 100 characters.
	ClusterName string
	// Version is the Kubernetes minor version, one of
	// config.SupportedVersions. Default: "1.33".
	Version string
	// SubnetIDs are the private subnets of the control plane's network
	// interfaces and the nodes (e.g. awsnetwork.Network.PrivateSubnetIDs).
	// Required.
	SubnetIDs pulumi.StringArrayInput
	// PublicAccessCIDRs opens the API endpoint to these blocks; empty keeps
	// the endpoint private. 0.0.0.0/0 is rejected.
	PublicAccessCIDRs []string
	// AdminRoleARNs get cluster-admin through access entries (API
	// authentication mode). Required.
	AdminRoleARNs []string
	// KMSKeyARN encrypts Kubernetes secrets. Default: - a new key with
	// yearly rotation.
	KMSKeyARN pulumi.StringInput
	// LogRetentionDays keeps the control-plane logs (all five types).
	// Default: - by tier (dev 30, staging 90, prod 365).
	LogRetentionDays int
	// NodeGroups are the managed node groups.
	// Default: - one group "general" sized by tier.
	NodeGroups []NodeGroupArgs
	// AddOns pins the EKS add-on versions.
	AddOns AddOnsArgs
	// KubeconfigRoleARN is the role the kubeconfig's `aws eks get-token`
	// assumes; "" uses the caller's credentials.
	KubeconfigRoleARN string
	// KubeconfigProfile is the AWS profile the kubeconfig uses; "" for the
	// default credential chain.
	KubeconfigProfile string
	// DeletionProtection protects the cluster from `pulumi destroy` and
	// replacement (the protect resource option).
	// Default: - by tier (prod only).
	DeletionProtection *bool
	// Tags are added to every resource.
	Tags map[string]string
}

// NodeGroupArgs configures one managed node group.
type NodeGroupArgs struct {
	// Name of the group, a DNS-1123 label. Changing it replaces the group. Required.
	Name string
	// InstanceTypes are the EC2 instance types. Default: - the tier's instance type.
	InstanceTypes []string
	// CapacityType is ON_DEMAND or SPOT. Default: "ON_DEMAND".
	CapacityType string
	// MinSize is the minimum node count. Default: - by tier.
	MinSize *int
	// MaxSize is the maximum node count. Default: - by tier.
	MaxSize *int
	// DesiredSize is the initial node count; later changes are ignored
	// because the cluster autoscaler owns it. Default: - by tier.
	DesiredSize *int
	// DiskSizeGB is the encrypted gp3 root volume size. Default: 50.
	DiskSizeGB int
	// AMIType is the node image family. Default: "AL2023_x86_64_STANDARD".
	AMIType string
	// Labels are Kubernetes node labels.
	Labels map[string]string
	// Taints are Kubernetes node taints.
	Taints []Taint
}

// Taint is a node taint.
type Taint struct {
	// Key of the taint. Required.
	Key string
	// Value of the taint.
	Value string
	// Effect is NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE. Required.
	Effect string
}

// AddOnsArgs pins the versions of the EKS add-ons plinth installs
// (vpc-cni, coredns, kube-proxy, eks-pod-identity-agent,
// aws-ebs-csi-driver). An empty version takes the default version EKS
// offers for the cluster's Kubernetes version at creation.
type AddOnsArgs struct {
	// VPCCNI is the vpc-cni version.
	VPCCNI string
	// CoreDNS is the coredns version.
	CoreDNS string
	// KubeProxy is the kube-proxy version.
	KubeProxy string
	// PodIdentityAgent is the eks-pod-identity-agent version.
	PodIdentityAgent string
	// EBSCSIDriver is the aws-ebs-csi-driver version.
	EBSCSIDriver string
	// ResolveConflicts is what EKS does with settings changed outside
	// plinth on create and update: OVERWRITE or PRESERVE.
	// Default: "OVERWRITE".
	ResolveConflicts string
}
