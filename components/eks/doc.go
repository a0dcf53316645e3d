// Package eks creates an EKS cluster that passes the CIS, checkov and
// trivy checks for EKS out of the box, with managed node groups (or EKS
// Auto Mode), EKS Pod Identity and IRSA, the core add-ons, a kubeconfig
// and a Kubernetes provider:
//
//	cluster, err := eks.New(ctx, "main", eks.Args{
//		Tier:          config.TierProd,
//		SubnetIDs:     network.PrivateSubnetIDs,
//		AdminRoleARNs: []pulumi.StringInput{admin.Arn}, // a role created in the same program
//	})
//	web, err := app.New(ctx, "web", app.Args{...}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:aws:EksCluster with these
// children (logical names in brackets):
//
//   - KMS key with rotation and alias [<name>-secrets-key] (unless KMSKeyARN is given)
//   - cluster role [<name>-cluster-role] with AmazonEKSClusterPolicy and a KMS policy on that key only
//   - control-plane log group [<name>-control-plane-logs] with the tier's retention
//   - the cluster [<name>-cluster]
//   - an access entry and cluster-admin policy association per admin role [<name>-admin-<i>]
//   - IAM OIDC provider [<name>-oidc] for IRSA
//   - rules admitting PrivateAccessCIDRs and PrivateAccessSecurityGroupIDs to the API on 443
//     [<name>-api-from-cidrs], [<name>-api-from-sg-<i>]
//   - node role [<name>-node-role]; per group a launch template [<name>-<group>-lt] and node group [<name>-<group>]
//   - add-ons vpc-cni, kube-proxy, eks-pod-identity-agent, coredns, aws-ebs-csi-driver
//     [<name>-addon-<addon>]; vpc-cni and the EBS CSI driver use their own IRSA roles [<name>-irsa-<addon>]
//   - Kubernetes provider [<name>-k8s] built from the kubeconfig
//   - the default StorageClass, encrypted gp3 [<name>-storage-class]
//   - with Autoscaler.Repository, the Cluster Autoscaler [<name>-cluster-autoscaler] and its IRSA role
//
// With AutoMode.Enabled, EKS runs the nodes, networking, DNS, block
// storage, load balancing and the Pod Identity agent itself: the cluster
// role also gets AWS's four Auto Mode policies and trusts EKS to tag its
// sessions; the node role [<name>-node-role] gets the minimal worker and
// image-pull policies and is the one EKS launches nodes with (and gives
// an access entry itself); there are no node groups, launch templates or
// add-ons; the StorageClass uses Auto Mode's provisioner; and the
// amazon-vpc-cni ConfigMap [<name>-network-policy-controller] turns on
// the network policy controller.
//
// # Giving pods an AWS role
//
// PodIdentityRole is the way AWS recommends: an IAM role that trusts only
// pods.eks.amazonaws.com and a Pod Identity association for one service
// account ([<name>-pod-identity-<role>]); pass the role's ARN to
// app.Args.ServiceAccount.PodIdentityRoleARN. No OIDC provider is
// involved, and one role can serve several clusters. ServiceAccountRole
// (IRSA) remains for tools that need it; the add-ons plinth installs use
// it.
//
// # A first deployment that works
//
// What uses a role waits for the role's policies (EKS checks the KMS
// permission when it creates the cluster; node groups and add-ons whose
// policies are detached first leave ENIs that block the VPC's deletion).
// The vpc-cni add-on runs its network policy agent, so NetworkPolicies are
// enforced. EKS clusters since Kubernetes 1.30 have no default
// StorageClass: the component creates one and exposes StorageClassName,
// which claims should take so they wait for it. A private-only endpoint
// admits only the cluster's own security group: list the deployers in
// PrivateAccessCIDRs or PrivateAccessSecurityGroupIDs. Node groups are
// named from a prefix, so a replacement (new instance types) is created
// before the old group is deleted.
//
// # Versions: pinned, and upgraded on your schedule
//
// Version pins the Kubernetes minor version. EKS upgrades a cluster by
// itself when the support its upgrade policy pays for ends (SupportType),
// after which a program still pinning the old version would ask for a
// downgrade, which EKS refuses. So New refuses a version past the end of
// its support on the day of the deployment (pkg/eksversion holds the
// calendar), and the deployability report warns 60 days before: raise
// Version, and node groups follow the control plane.
//
// The cluster name is part of its identity: it derives from the project,
// stack and component name, never from defaults that could change, so
// upgrading plinth never replaces a cluster.
//
// The kubeconfig (a Pulumi secret) authenticates with `aws eks get-token`,
// optionally assuming KubeconfigRoleARN with KubeconfigProfile, so it works
// for roles other than the one that created the cluster — which, in API
// authentication mode, gets no access unless listed in AdminRoleARNs.
//
// # Defaults and the checks they satisfy
//
//	| setting                 | default                                         | checks                                         |
//	|-------------------------|-------------------------------------------------|------------------------------------------------|
//	| API endpoint            | private only; public only for listed CIDRs      | CKV_AWS_39/38, AWS-0040/0041, CIS EKS 5.4.1-2  |
//	| secrets encryption      | KMS key, rotation yearly                        | CKV_AWS_58, AWS-0039, CIS EKS 5.3.1, cmk rotation |
//	| control-plane logs      | all five types; retention by tier (prod 365 d)  | CKV_AWS_37, AWS-0038, CIS EKS 2.1.1            |
//	| authentication          | API mode, access entries, no creator admin      | CIS EKS 5.5.1                                  |
//	| version                 | 1.35, STANDARD support, checked by date         | CKV_AWS_339, EKS release calendar              |
//	| pod roles               | Pod Identity (pods.eks trust only); IRSA roles  | CIS EKS 5.2.1                                  |
//	|                         | scoped by sub and aud                           |                                                |
//	| node metadata           | IMDSv2 required, hop limit 1                    | CKV_AWS_79/341, AWS-0130                       |
//	| node disks              | gp3 50 GiB, encrypted                           | encrypted-volumes                              |
//	| node network            | private subnets, no public IP                   | CKV_AWS_88, CIS EKS 5.4.3                      |
//	| node role               | worker + ECR pull-only policies; CNI via IRSA   | least privilege                                |
//	| node groups             | one "general", size and instance type by tier;  | reliability: multi-AZ subnets                  |
//	|                         | named by prefix; version follows the cluster    |                                                |
//	| network policies        | enforced (vpc-cni enableNetworkPolicy)          | CIS EKS 4.3.2                                  |
//	| storage                 | default class: gp3, encrypted, WaitForFirstConsumer | encrypted-volumes                          |
//	| scaling                 | Cluster Autoscaler when Autoscaler.Repository is set (IRSA, own groups only) |                   |
//	| node images             | AL2023_x86_64_STANDARD                          |                                                |
//	| add-on conflicts        | OVERWRITE                                       |                                                |
//	| deletion protection     | by tier: prod (Pulumi protect)                  |                                                |
//	| Auto Mode               | off; with it, node pools general-purpose and    | EKS Auto Mode IAM requirements                 |
//	|                         | system                                          |                                                |
package eks
