// Package gke creates a GKE cluster at the level of terraform-google-
// kubernetes-engine's safer-cluster, with node pools (or Autopilot), a dedicated
// least-privilege node service account, Workload Identity, a kubeconfig
// and a Kubernetes provider:
//
//	cluster, err := gke.New(ctx, "main", gke.Args{
//		Tier: config.TierProd, Project: "acme-platform", Region: "europe-west1",
//		Network: net.NetworkName, Subnetwork: net.SubnetworkName,
//		AuthorizedNetworks: []string{"203.0.113.0/24"},
//	})
//
// It registers a component of type plinth:gcp:GkeCluster with these
// children (logical names in brackets):
//
//   - the project APIs it needs, enabled and never disabled [<name>-api-<api>] (unless EnableAPIs is false)
//   - node service account [<name>-nodes-sa] with exactly NodeRoles [<name>-nodes-<role>]
//   - the cluster [<name>-cluster], its default node pool removed
//   - node pools [<name>-<pool>], auto-named and starting with MinSize per zone (at least one)
//   - Kubernetes provider [<name>-k8s] built from the kubeconfig
//
// The cluster runs on an existing network (gcpnetwork, or yours) and this
// package does not import the GCP compute SDK, the slowest to compile.
// WorkloadIdentity creates a Google service account that exactly one
// Kubernetes service account may use; the binding takes the identity pool
// from the cluster, so it waits for the cluster that creates the pool.
// The kubeconfig (a Pulumi secret) authenticates with
// gke-gcloud-auth-plugin.
//
// With Autopilot, Google provisions the nodes for the pods' requests:
// the cluster is regional, has no node pools, and its nodes run as the
// dedicated node service account (clusterAutoscaling's
// autoProvisioningDefaults). Autopilot always runs Dataplane V2, shielded
// nodes and Workload Identity; the provider refuses the fields that set
// them (and others Autopilot manages) next to enableAutopilot, so an
// Autopilot cluster sets none of them and a Standard one never sets
// enableAutopilot (PL-D-023).
//
// # Defaults and the checks they satisfy
//
//	| setting                   | default                                         | checks                              |
//	|---------------------------|-------------------------------------------------|-------------------------------------|
//	| location                  | by tier: zonal (<region>-b) for dev, regional   | control_plane_redundancy            |
//	| private nodes             | on, control plane on 172.16.0.0/28              | CKV_GCP_64/25, GCP-0059, CIS 5.6.5  |
//	| API endpoint              | public only to AuthorizedNetworks (required),   | CKV_GCP_20/18, GCP-0061/0053,       |
//	|                           | or private                                      | CIS 5.6.3/5.6.4                     |
//	| VPC-native                | alias IPs from the pods/services ranges         | CKV_GCP_23, GCP-0049, CIS 5.6.2     |
//	| Workload Identity         | <project>.svc.id.goog; GKE_METADATA on every node | CKV_GCP_69, GCP-0057, CIS 5.2.2   |
//	| node service account      | dedicated, 5 roles (NodeRoles)                  | GCP-0050, CKV2_GCP_1, CIS 5.2.1     |
//	| shielded nodes            | on; secure boot and integrity monitoring        | CKV_GCP_71/68/72, GCP-0055          |
//	| network policy            | Dataplane V2 (ADVANCED_DATAPATH)                | CKV_GCP_12, GCP-0056, CIS 5.6.7     |
//	| Binary Authorization      | PROJECT_SINGLETON_POLICY_ENFORCE                | CKV_GCP_66, CIS 5.10.5              |
//	| legacy ABAC / client cert | off / off                                       | CKV_GCP_7/13, GCP-0062/0064         |
//	| intranode visibility      | on                                              | CKV_GCP_61, CIS 5.6.1               |
//	| release channel           | REGULAR                                         | CKV_GCP_70, CIS 5.5.4               |
//	| logging / monitoring      | system, workloads, API server / system +        | CKV_GCP_1/8, CIS 5.7.1              |
//	|                           | managed Prometheus                              |                                     |
//	| CMEK for secrets          | off unless DatabaseEncryptionKey is set         | CIS 5.3.1                           |
//	| maintenance window        | daily at 03:00 UTC                              |                                     |
//	| deletion protection       | by tier: prod (GKE setting and Pulumi protect)  |                                     |
//	| Autopilot                 | off                                             |                                     |
//	| node pools                | "general", machine type and size by tier,       | CKV_GCP_9/10/22, CIS 5.5.1-3        |
//	|                           | COS_CONTAINERD, auto-repair and -upgrade,       |                                     |
//	|                           | surge 1 / unavailable 0, pd-balanced 50 GB      |                                     |
package gke
