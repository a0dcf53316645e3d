package policy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/ec2arch"
	"github.com/plinth-dev/plinth/pkg/eksversion"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// Type tokens only the deployability rules look at.
const (
	tAddon          = "aws:eks/addon:Addon"
	tAccessEntry    = "aws:eks/accessEntry:AccessEntry"
	tConfigMap      = "kubernetes:core/v1:ConfigMap"
	tPodIdentity    = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	tIAMRole        = "aws:iam/role:Role"
	tSGIngress      = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tStorageClass   = "kubernetes:storage.k8s.io/v1:StorageClass"
	tPVC            = "kubernetes:core/v1:PersistentVolumeClaim"
	tChart          = "kubernetes:helm.sh/v4:Chart"
	tHelmRelease    = "kubernetes:helm.sh/v3:Release"
	tGSA            = "gcp:serviceaccount/account:Account"
	tGSAMember      = "gcp:serviceaccount/iAMMember:IAMMember"
	tGSABinding     = "gcp:serviceaccount/iAMBinding:IAMBinding"
	tProjectMember  = "gcp:projects/iAMMember:IAMMember"
	tProjectBinding = "gcp:projects/iAMBinding:IAMBinding"
	tProjectService = "gcp:projects/service:Service"
)

// defaultClassAnnotation marks a cluster's default StorageClass.
const defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"

// DeployabilityRules returns the rules that encode what the real APIs and
// providers refuse or mishandle (class Deployability), each citing its
// source.
func DeployabilityRules() []*Rule {
	rules := []*Rule{
		{ID: "PL-D-001", Severity: Mandatory, Title: "Volume claims name a StorageClass that exists",
			Remediation: "create the class (eks.New creates an encrypted gp3 default class) or name one the cluster has",
			Source:      "EKS Kubernetes 1.30 release notes: new clusters have no default StorageClass (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html#kubernetes-1-30); GKE: standard-rwo is the default class (https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/gce-pd-csi-driver)",
			StackCheck:  storageClassesExist},
		{ID: "PL-D-003", Severity: Mandatory, Title: "Workload Identity bindings wait for the cluster that creates the pool",
			Remediation: "make the IAM binding depend on the GKE cluster (gke.Cluster.WorkloadIdentity does)",
			Source:      "GKE Workload Identity: the <project>.svc.id.goog pool exists once a cluster with Workload Identity exists; before, setIamPolicy fails with \"Identity Pool does not exist\" (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity)",
			StackCheck:  workloadIdentityAfterCluster},
		{ID: "PL-D-004", Severity: Mandatory, Title: "A private EKS endpoint admits the deployer",
			Remediation: "list the runners' blocks or security groups in eks.Args.PrivateAccessCIDRs / PrivateAccessSecurityGroupIDs, or open the public endpoint to them",
			Source:      "EKS cluster endpoint access: with public access off, the API is reachable only from within the VPC, through the rules on 443 of the cluster security group or of the security groups in vpcConfig.securityGroupIds (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)",
			StackCheck:  privateEndpointReachable},
		{ID: "PL-D-005", Severity: Mandatory, Title: "GKE node pools start with nodes",
			Remediation: "set initialNodeCount to at least the autoscaling minimum (and 1)",
			Source:      "google_container_node_pool: autoscaling bounds do not set the pool's size at creation; initial_node_count does (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_node_pool#initial_node_count)",
			StackCheck:  gkePoolsStartWithNodes},
		{ID: "PL-D-006", Severity: Mandatory, Title: "EKS enforces the NetworkPolicies the stack creates",
			Remediation: "set enableNetworkPolicy \"true\" in the vpc-cni add-on's configurationValues, or in Auto Mode create the kube-system/amazon-vpc-cni ConfigMap with enable-network-policy-controller \"true\" (eks.New does both)",
			Source:      "Amazon VPC CNI network policies are off until the add-on's enableNetworkPolicy is set (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html); in Auto Mode until the amazon-vpc-cni ConfigMap turns the controller on (https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html)",
			StackCheck:  eksEnforcesNetworkPolicies},
		{ID: "PL-D-007", Severity: Mandatory, Title: "Node groups that may scale have an autoscaler",
			Remediation: "deploy the Cluster Autoscaler (eks.Args.Autoscaler) or Karpenter, use EKS Auto Mode, or make minSize equal maxSize",
			Source:      "EKS best practices, cluster autoscaling: managed node groups change size only when an autoscaler sets it (https://docs.aws.amazon.com/eks/latest/best-practices/cas.html)",
			StackCheck:  nodeGroupsHaveAutoscaler},
		{ID: "PL-D-008", Severity: Mandatory, Title: "EKS versions are inside their support window today",
			Remediation: "upgrade the cluster's version (pkg/eksversion lists the calendar)",
			Source:      "EKS version lifecycle and release calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)",
			Types:       []string{tEKSCluster}, Check: eksVersionSupported},
		{ID: "PL-D-009", Severity: Advisory, Title: "EKS versions are not about to leave support",
			Remediation: "plan the upgrade before AWS does it",
			Source:      "EKS version lifecycle and release calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)",
			Types:       []string{tEKSCluster}, Check: eksVersionExpiring},
		{ID: "PL-D-010", Severity: Mandatory, Title: "Resources that can be replaced carry no fixed name",
			Remediation: "leave the name to auto-naming, or use the name prefix field",
			Source:      "Pulumi replaces by creating first, which a fixed name makes fail (https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming); node group instance types, target group port and protocol, node pool machine type force replacement (provider docs)",
			Types:       []string{tEKSNodeGroup, tTargetGroup, tLB, tGKENodePool}, Check: noFixedNames},
		{ID: "PL-D-011", Severity: Mandatory, Title: "Physical names fit their API's rules, auto-name suffix included",
			Remediation: "shorten the logical name or set a name that fits",
			Source:      "IAM CreateRole RoleName ≤ 64; ELBv2 names ≤ 32, no \"internal-\" prefix; EKS node group names ≤ 63; GCP service account ids 6–30; GKE cluster and node pool names ≤ 40 (API references)",
			Types:       []string{tIAMRole, tLB, tTargetGroup, tEKSNodeGroup, tGSA, tGKECluster, tGKENodePool}, Check: namesFit},
		{ID: "PL-D-012", Severity: Mandatory, Title: "What uses a role waits for the role's policies",
			Remediation: "add the role's policy attachments and inline policies to the user's dependsOn",
			Source:      "EKS CreateCluster checks the role's KMS permissions; node groups and add-ons need their policies at creation; a Pod Identity association hands pods the role as it is, so pods started before its policies are attached fail their first calls; on destroy, policies detached first leave ENIs behind that block VPC deletion (https://docs.aws.amazon.com/eks/latest/userguide/delete-cluster.html, terraform-aws-eks depends_on attachments)",
			StackCheck:  roleUsersWaitForPolicies},
		{ID: "PL-D-013", Severity: Mandatory, Title: "Subnets keep their blocks when the network gains a zone",
			Remediation: "plan subnets in fixed slots (awsnetwork.Args.SubnetSlots)",
			Source:      "EC2 cannot change a subnet's CIDR block: a new block replaces the subnet and everything in it (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)",
			StackCheck:  subnetsStableUnderGrowth},
		{ID: "PL-D-014", Severity: Mandatory, Title: "ECS execution roles can read the secrets their tasks reference",
			Remediation: "reference secrets by full ARN and grant GetSecretValue on <arn> (and <arn>-?????? for partial ARNs)",
			Source:      "ECS: the execution role needs secretsmanager:GetSecretValue / ssm:GetParameters on each secret, whose IAM resource is the full ARN with its six-character suffix (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html)",
			StackCheck:  ecsSecretsReadable},
		{ID: "PL-D-015", Severity: Mandatory, Title: "Node group AMIs match their instance types' architecture",
			Remediation: "use an AMI type built for the instance types (ARM_64 for Graviton)",
			Source:      "EKS Nodegroup amiType (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html); EC2 instance type names (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html)",
			Types:       []string{tEKSNodeGroup}, Check: amiMatchesInstances},
		{ID: "PL-D-016", Severity: Mandatory, Title: "EKS subnets are in availability zones EKS supports",
			Remediation: "leave out Local and Wavelength Zones and the zone IDs EKS refuses (awsnetwork does both for a network with ClusterName, and refuses such a zone listed by name when the program runs)",
			Source:      "EKS CreateCluster fails with UnsupportedAvailabilityZoneException outside supported zones; the disallowed zone IDs are use1-az3, usw1-az2 and cac1-az3 (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html); zone IDs per region from pkg/awszones",
			StackCheck:  eksSubnetsInStandardZones},
		{ID: "PL-D-017", Severity: Advisory, Title: "GCP APIs are enabled before they are used",
			Remediation: "enable the API with gcp.projects.Service (gke and gcpnetwork do), or enable it in the project beforehand",
			Source:      "GCP returns 403 SERVICE_DISABLED for calls to an API the project has not enabled (https://cloud.google.com/service-usage/docs/enable-disable)",
			StackCheck:  gcpAPIsEnabled},
		{ID: "PL-D-018", Severity: Mandatory, Title: "Flow log roles can write to CloudWatch Logs",
			Remediation: "grant logs:CreateLogStream, PutLogEvents, DescribeLogGroups and DescribeLogStreams",
			Source:      "VPC flow logs to CloudWatch: the IAM role's required permissions (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html)",
			StackCheck:  flowLogRoleComplete},
		{ID: "PL-D-019", Severity: Mandatory, Title: "ECS container health checks stay within ECS's limits",
			Remediation: "interval 5–300 s, timeout 2–60 s, retries 1–10, startPeriod 0–300 s",
			Source:      "ECS API HealthCheck (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html)",
			Types:       []string{tTaskDef}, Check: ecsHealthCheckInLimits},
		{ID: "PL-D-020", Severity: Mandatory, Title: "Pod Identity associations have the agent, a role that trusts it, and pods that wait for them",
			Remediation: "install the eks-pod-identity-agent add-on (Auto Mode runs it itself), trust pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession, and make the workloads wait for the association (pass eks.PodIdentity.RoleARN to the app)",
			Source:      "EKS User Guide, Pod Identity: set up the agent (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html) and the role's trust policy (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html); the association must exist before the pods are created (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html)",
			StackCheck:  podIdentityComplete},
		{ID: "PL-D-021", Severity: Mandatory, Title: "EKS Auto Mode is turned on whole",
			Remediation: "enable computeConfig, storageConfig.blockStorage and kubernetesNetworkConfig.elasticLoadBalancing together, give node pools a nodeRoleArn, and leave the node role's access entry to EKS (eks.Args.AutoMode does)",
			Source:      "EKS CreateCluster: \"For EKS Auto Mode, please ensure that all required configs, including computeConfig, kubernetesNetworkConfig, and blockStorage are all either fully enabled or fully disabled\" (InvalidParameterException); ComputeConfigRequest: nodeRoleArn is required with node pools (https://docs.aws.amazon.com/eks/latest/APIReference/API_ComputeConfigRequest.html); EKS creates the Auto Mode node role's access entry (https://docs.aws.amazon.com/eks/latest/userguide/auto-learn-iam.html), and CreateAccessEntry refuses a principal that has one (ResourceInUseException)",
			StackCheck:  autoModeWhole},
		{ID: "PL-D-022", Severity: Mandatory, Title: "EKS Auto Mode's roles carry its policies",
			Remediation: "trust eks.amazonaws.com for sts:AssumeRole and sts:TagSession and attach AmazonEKSClusterPolicy, AmazonEKSComputePolicy, AmazonEKSBlockStoragePolicy, AmazonEKSLoadBalancingPolicy and AmazonEKSNetworkingPolicy to the cluster role; give the node role AmazonEKSWorkerNodeMinimalPolicy and AmazonEC2ContainerRegistryPullOnly",
			Source:      "EKS User Guide, Auto Mode cluster IAM role (https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html) and node IAM role (https://docs.aws.amazon.com/eks/latest/userguide/auto-create-node-role.html)",
			StackCheck:  autoModeRoles},
		{ID: "PL-D-023", Severity: Mandatory, Title: "GKE clusters set enableAutopilot only with the fields Autopilot allows",
			Remediation: "leave enableAutopilot unset on Standard clusters; on Autopilot clusters set none of the node and networking fields GKE manages, and use a region as location (gke.Args.Autopilot does both)",
			Source:      "google_container_cluster: " + strings.Join(autopilotConflicts, ", ") + " conflict with enable_autopilot, even when it is false (provider schema; https://github.com/pulumi/pulumi-gcp/issues/2881); Autopilot clusters are regional (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview)",
			Types:       []string{tGKECluster}, Check: autopilotFieldsAllowed},
		{ID: "PL-D-024", Severity: Mandatory, Title: "A Rollout references what exists: its workloadRef's Deployment and every AnalysisTemplate it runs",
			Remediation: "create the Deployment and the AnalysisTemplates in the Rollout's namespace, match the Deployment's selector, and leave spec.template empty (app.New with the Progressive strategy does all three)",
			Source:      "Argo Rollouts validation: \"template must be empty for workload reference rollout\", \"AnalysisTemplate '<name>' not found\" and a workloadRef the controller cannot resolve leave the Rollout InvalidSpec (pkg/apis/rollouts/validation, rollout/templateref.go; https://argo-rollouts.readthedocs.io/en/stable/features/specification/)",
			StackCheck:  rolloutsReferenceWhatExists},
	}
	rules = append(rules, platformRules()...)
	rules = append(rules, imageDeployRules()...)
	for _, r := range rules {
		r.Class = Deployability
	}
	return rules
}

// --- storage classes

// claim is one request for a volume.
type claim struct {
	where string // where in the resource, for the message
	class string
	named bool
}

// claimsOf returns the volume claims a resource makes: a PVC, a
// StatefulSet's claim templates, or the claim templates and persistence
// blocks of a Helm chart's values.
func claimsOf(r Resource) []claim {
	var out []claim
	add := func(where string, spec map[string]any, key string) {
		v, named := spec[key].(string)
		out = append(out, claim{where: where, class: v, named: named && v != ""})
	}
	switch r.Type {
	case tPVC:
		add("spec", object(r.Inputs, "spec"), "storageClassName")
	case tStatefulSet:
		for i, t := range list(r.Inputs, "spec.volumeClaimTemplates") {
			m, _ := t.(map[string]any)
			spec, _ := m["spec"].(map[string]any)
			add(fmt.Sprintf("spec.volumeClaimTemplates[%d]", i), spec, "storageClassName")
		}
	case tChart, tHelmRelease:
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for _, k := range slices.Sorted(maps.Keys(x)) {
					p := path + "." + k
					if m, ok := x[k].(map[string]any); ok {
						switch {
						case k == "volumeClaimTemplate":
							spec, _ := m["spec"].(map[string]any)
							add(p, spec, "storageClassName")
							continue
						case k == "persistence" && m["enabled"] == true:
							key := "storageClassName"
							if _, ok := m[key]; !ok {
								key = "storageClass"
							}
							add(p, m, key)
							continue
						}
					}
					walk(p, x[k])
				}
			case []any:
				for i, e := range x {
					walk(fmt.Sprintf("%s[%d]", path, i), e)
				}
			}
		}
		walk("values", object(r.Inputs, "values"))
	}
	return out
}

// classSet is the StorageClasses a cluster has or the stack gives it.
type classSet struct {
	exists      map[string]bool
	created     map[string]string // class name → URN of the StorageClass the stack creates
	defaultName string
	builtin     string // what the cluster itself has, for messages
}

func classesFor(rs []Resource, cluster Resource, provider string) classSet {
	cs := classSet{exists: map[string]bool{}, created: map[string]string{}}
	switch cluster.Type {
	case tEKSCluster:
		// Every EKS cluster has gp2; from 1.30 on it is no longer the default.
		cs.exists["gp2"] = true
		cs.builtin = "gp2, not the default since Kubernetes 1.30"
		if v := minorOf(str(cluster.Inputs, "version", "")); v >= 0 && v < 30 {
			cs.defaultName = "gp2"
			cs.builtin = "gp2 (the default)"
		}
	case tGKECluster:
		for _, n := range []string{"standard-rwo", "standard", "premium-rwo"} {
			cs.exists[n] = true
		}
		cs.defaultName = "standard-rwo"
		cs.builtin = "standard-rwo (the default), standard, premium-rwo"
	}
	for _, r := range rs {
		if r.Type != tStorageClass || r.Provider != provider {
			continue
		}
		name := str(r.Inputs, "metadata.name", r.Name)
		cs.exists[name] = true
		cs.created[name] = r.URN
		if ann := object(r.Inputs, "metadata.annotations"); ann[defaultClassAnnotation] == "true" {
			cs.defaultName = name
		}
	}
	return cs
}

// eachClaim calls f for every claim of a resource on a known cluster.
func eachClaim(rs []Resource, f func(r Resource, c claim, cs classSet)) {
	g := newGraph(rs)
	for _, r := range rs {
		claims := claimsOf(r)
		if len(claims) == 0 {
			continue
		}
		cluster, ok := g.clusterOf(r)
		if !ok { // a cluster plinth cannot see (local, or given by kubeconfig)
			continue
		}
		cs := classesFor(rs, cluster, r.Provider)
		for _, c := range claims {
			f(r, c, cs)
		}
	}
}

func storageClassesExist(rs []Resource, _ Context) []Violation {
	var out []Violation
	eachClaim(rs, func(r Resource, c claim, cs classSet) {
		switch {
		case c.named && !cs.exists[c.class]:
			out = append(out, Violation{r.ID(), fmt.Sprintf("%s claims StorageClass %q, which neither the cluster (it has %s) nor the stack creates: the claim stays Pending", c.where, c.class, cs.builtin)})
		case !c.named && cs.defaultName == "":
			out = append(out, Violation{r.ID(), fmt.Sprintf("%s claims a volume without a storageClassName, and the cluster has no default StorageClass (it has %s): the claim stays Pending", c.where, cs.builtin)})
		}
	})
	return out
}

// --- GKE

func workloadIdentityAfterCluster(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	pools := map[string]Resource{}
	for _, r := range rs {
		if r.Type == tGKECluster {
			if p := str(r.Inputs, "workloadIdentityConfig.workloadPool", ""); p != "" {
				pools[p] = r
			}
		}
	}
	var out []Violation
	for _, r := range rs {
		if r.Type != tGSAMember && r.Type != tGSABinding && r.Type != tProjectMember && r.Type != tProjectBinding {
			continue
		}
		members := append(stringsAt(r.Inputs, "members"), str(r.Inputs, "member", ""))
		for _, m := range members {
			pool, _, ok := strings.Cut(strings.TrimPrefix(m, "serviceAccount:"), "[")
			if !ok || !strings.HasSuffix(pool, ".svc.id.goog") {
				continue
			}
			if c, ok := pools[pool]; ok && !g.waitsFor(r, c.URN) {
				out = append(out, Violation{r.ID(), fmt.Sprintf("binds %s before cluster %s creates the pool %s: the first deployment fails with \"Identity Pool does not exist\"", m, c.Name, pool)})
			}
		}
	}
	return out
}

func gkePoolsStartWithNodes(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, c := range rs {
		if c.Type != tGKECluster {
			continue
		}
		starts := false
		pools := 0
		for _, p := range rs {
			if p.Type != tGKENodePool || !g.waitsFor(p, c.URN) {
				continue
			}
			pools++
			start := max(number(p.Inputs, "initialNodeCount", 0), number(p.Inputs, "nodeCount", 0))
			lo := max(number(p.Inputs, "autoscaling.minNodeCount", 0), number(p.Inputs, "autoscaling.totalMinNodeCount", 0))
			if hasKey(p.Inputs, "autoscaling") && start < lo {
				out = append(out, Violation{p.ID(), fmt.Sprintf("starts with %g nodes, below its autoscaling minimum of %g: the autoscaler does not add nodes until pods are pending", start, lo)})
			}
			starts = starts || start >= 1
		}
		if boolean(c.Inputs, "removeDefaultNodePool", false) && !starts && !boolean(c.Inputs, "enableAutopilot", false) {
			out = append(out, Violation{c.ID(), fmt.Sprintf("removes its default pool, and none of its %d node pools starts with a node: the cluster has nowhere to run anything", pools)})
		}
	}
	return out
}

// gcpAPIs maps a type token's module to the API it calls.
var gcpAPIs = map[string]string{
	"compute": "compute.googleapis.com", "container": "container.googleapis.com",
	"serviceaccount": "iam.googleapis.com", "kms": "cloudkms.googleapis.com",
}

func gcpAPIsEnabled(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	enabled := map[string]string{}
	for _, r := range rs {
		if r.Type == tProjectService {
			enabled[str(r.Inputs, "service", "")] = r.URN
		}
	}
	reported := map[string]bool{}
	var out []Violation
	for _, r := range rs {
		mod, _, _ := strings.Cut(strings.TrimPrefix(r.Type, "gcp:"), "/")
		api, ok := gcpAPIs[mod]
		if !strings.HasPrefix(r.Type, "gcp:") || !ok || reported[api] {
			continue
		}
		if urn := enabled[api]; urn == "" || !g.waitsFor(r, urn) {
			reported[api] = true
			out = append(out, Violation{r.ID(), fmt.Sprintf("calls %s, which the stack does not enable before it", api)})
		}
	}
	return out
}

// --- EKS

// covers443 reports whether a security group rule admits TCP 443.
func covers443(in map[string]any, protoKey string) bool {
	proto := str(in, protoKey, "tcp")
	if proto == "-1" || proto == "all" {
		return true
	}
	return proto == "tcp" && number(in, "fromPort", 0) <= 443 && number(in, "toPort", 0) >= 443
}

func privateEndpointReachable(rs []Resource, _ Context) []Violation {
	var out []Violation
	for _, c := range rs {
		if c.Type != tEKSCluster || boolean(c.Inputs, "vpcConfig.endpointPublicAccess", true) {
			continue
		}
		// The groups on the endpoint's network interfaces: the cluster
		// security group EKS creates, and the additional ones.
		groups := map[string]bool{}
		if sg := str(c.Outputs, "vpcConfig.clusterSecurityGroupId", ""); sg != "" {
			groups[sg] = true
		}
		for _, sg := range stringsAt(c.Inputs, "vpcConfig.securityGroupIds") {
			groups[sg] = true
		}
		ok := false
		for _, r := range rs {
			admits := (r.Type == tSGRule && str(r.Inputs, "type", "") == "ingress" && covers443(r.Inputs, "protocol")) ||
				(r.Type == tSGIngress && covers443(r.Inputs, "ipProtocol"))
			ok = ok || admits && groups[str(r.Inputs, "securityGroupId", "")]
		}
		if !ok {
			out = append(out, Violation{c.ID(), "has a private endpoint only, and no rule admits anything on 443 to the cluster security group or its additional groups, but the cluster itself: the Kubernetes provider (and every deployment through it) times out"})
		}
	}
	return out
}

func eksEnforcesNetworkPolicies(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	need := map[string]Resource{}
	for _, np := range rs {
		if np.Type != tNetPol {
			continue
		}
		if c, ok := g.clusterOf(np); ok && c.Type == tEKSCluster {
			need[c.URN] = c
		}
	}
	var out []Violation
	for _, urn := range slices.Sorted(maps.Keys(need)) {
		c := need[urn]
		if autoMode(c) {
			if !autoModeEnforcesNetworkPolicies(g, rs, c) {
				out = append(out, Violation{c.ID(), "runs NetworkPolicies in Auto Mode, but the stack does not create the kube-system/amazon-vpc-cni ConfigMap with enable-network-policy-controller \"true\" on it: every policy is ignored"})
			}
			continue
		}
		enforced := false
		for _, a := range rs {
			if a.Type != tAddon || str(a.Inputs, "addonName", "") != "vpc-cni" || !g.waitsFor(a, c.URN) {
				continue
			}
			var cfg map[string]any
			_ = json.Unmarshal([]byte(str(a.Inputs, "configurationValues", "{}")), &cfg)
			enforced = cfg["enableNetworkPolicy"] == "true" || cfg["enableNetworkPolicy"] == true
		}
		if !enforced {
			out = append(out, Violation{c.ID(), "runs NetworkPolicies, but its vpc-cni add-on does not enforce them (configurationValues.enableNetworkPolicy is not \"true\"): every policy is ignored"})
		}
	}
	return out
}

func nodeGroupsHaveAutoscaler(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, ng := range rs {
		if ng.Type != tEKSNodeGroup {
			continue
		}
		lo, hi := number(ng.Inputs, "scalingConfig.minSize", 0), number(ng.Inputs, "scalingConfig.maxSize", 0)
		if lo >= hi {
			continue
		}
		clusters := g.upstreamOfType(ng, tEKSCluster)
		if len(clusters) == 0 || autoMode(clusters[0]) {
			continue
		}
		cluster := clusters[0]
		name := str(cluster.Inputs, "name", cluster.Name)
		scaled := false
		for _, r := range rs {
			if r.Type != tChart && r.Type != tHelmRelease {
				continue
			}
			if c, ok := g.clusterOf(r); ok && c.URN == cluster.URN && scales(r, name) {
				scaled = true
			}
		}
		if !scaled {
			out = append(out, Violation{ng.ID(), fmt.Sprintf("may run %g–%g nodes, but nothing in the stack scales cluster %s: it stays at its initial size", lo, hi, name)})
		}
	}
	return out
}

// scales reports whether chart r runs an autoscaler for the EKS cluster
// called name: the Cluster Autoscaler discovering its node groups by that
// name (cluster-autoscaler chart, autoDiscovery.clusterName, with the aws
// cloud provider, the chart's default), or Karpenter (settings.clusterName).
func scales(r Resource, name string) bool {
	chart, values := str(r.Inputs, "chart", ""), object(r.Inputs, "values")
	switch {
	case strings.Contains(chart, "cluster-autoscaler"):
		return str(values, "cloudProvider", "aws") == "aws" && str(values, "autoDiscovery.clusterName", "") == name
	case strings.Contains(chart, "karpenter"):
		return str(values, "settings.clusterName", "") == name
	}
	return false
}

func eksVersionSupported(r Resource, c Context) []string {
	v := str(r.Inputs, "version", "")
	if v == "" { // EKS takes its current default version
		return nil
	}
	if err := eksversion.Check(v, str(r.Inputs, "upgradePolicy.supportType", ""), c.Today); err != nil {
		return fail("version %v", err)
	}
	return nil
}

func eksVersionExpiring(r Resource, c Context) []string {
	support := str(r.Inputs, "upgradePolicy.supportType", "")
	what := strings.ToLower(cmp.Or(support, eksversion.SupportExtended))
	var out []string
	if end, soon := eksversion.Expiring(str(r.Inputs, "version", ""), support, c.Today); soon {
		out = append(out, fmt.Sprintf("version %s leaves %s support on %s", str(r.Inputs, "version", ""), what, end.Format("2006-01-02")))
	}
	// The calendar itself runs out: after its last day no version passes
	// PL-D-008, and every up of this cluster fails validation.
	if last, near := eksversion.HorizonNear(cmp.Or(support, eksversion.SupportExtended), c.Today); near {
		out = append(out, fmt.Sprintf("plinth's EKS calendar (pkg/eksversion) has no version in %s support after %s: update plinth, or add the next version's row, before then", what, last.Format("2006-01-02")))
	}
	return out
}

func amiMatchesInstances(r Resource, _ Context) []string {
	ami := str(r.Inputs, "amiType", "AL2023_x86_64_STANDARD")
	if err := ec2arch.CheckAMI(ami, stringsAt(r.Inputs, "instanceTypes")); err != nil {
		return fail("%v: its nodes never join the cluster", err)
	}
	return nil
}

// standardZoneRE matches an AWS availability zone name (a region and a
// letter); Local Zones ("us-east-1-bos-1a") and Wavelength Zones do not.
var standardZoneRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$`)

// zoneIDTag is the tag in which awsnetwork records a subnet's zone ID:
// names map to different zones in each account of the older regions, and
// EKS refuses zones by ID.
const zoneIDTag = "zone-id"

func eksSubnetsInStandardZones(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, c := range rs {
		if c.Type != tEKSCluster {
			continue
		}
		for _, s := range g.upstreamOfType(c, tSubnet) {
			z := str(s.Inputs, "availabilityZone", "")
			if z != "" && !standardZoneRE.MatchString(z) {
				out = append(out, Violation{s.ID(), fmt.Sprintf("is in %s, not a standard availability zone: EKS refuses it", z)})
				continue
			}
			if id := str(s.Inputs, "tags."+zoneIDTag, ""); id != "" {
				if err := awszones.CheckEKS(id); err != nil {
					out = append(out, Violation{s.ID(), fmt.Sprintf("is in %s: %v", z, err)})
				}
			}
		}
	}
	return out
}

// --- IAM

// roleUsers are the resources that need their role's permissions when
// they are created.
var roleUsers = []string{tEKSCluster, tEKSNodeGroup, tAddon, tFlowLog, tTaskDef, tPodIdentity}

func roleUsersWaitForPolicies(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, u := range rs {
		if !slices.Contains(roleUsers, u.Type) {
			continue
		}
		for _, role := range g.direct(u, tIAMRole) {
			for _, typ := range []string{tRoleAttachment, tRolePolicy} {
				for _, p := range dependents(rs, role, typ) {
					if !g.waitsFor(u, p.URN) {
						out = append(out, Violation{u.ID(), fmt.Sprintf("uses role %s but does not wait for its policy %s", role.Name, p.Name)})
					}
				}
			}
		}
	}
	return out
}

// roleByARN finds the role an ARN input names, among the roles r depends on.
func roleByARN(g *graph, r Resource, arn string) (Resource, bool) {
	name := awsiam.ResourceName(arn)
	for _, role := range g.direct(r, tIAMRole) {
		if str(role.Inputs, "name", role.Name) == name {
			return role, true
		}
	}
	return Resource{}, false
}

// inlinePolicies returns the parsed inline policies of a role, and
// whether it also has managed policies (which cannot be read here).
func inlinePolicies(rs []Resource, role Resource) ([]awsiam.Document, bool) {
	var docs []awsiam.Document
	for _, p := range dependents(rs, role, tRolePolicy) {
		if d, err := awsiam.Parse(str(p.Inputs, "policy", "{}")); err == nil {
			docs = append(docs, d)
		}
	}
	return docs, len(dependents(rs, role, tRoleAttachment)) > 0
}

func allowedBy(docs []awsiam.Document, action, resource string) bool {
	for _, d := range docs {
		if d.Allows(action, resource) {
			return true
		}
	}
	return false
}

func ecsSecretsReadable(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, td := range rs {
		if td.Type != tTaskDef {
			continue
		}
		var defs []map[string]any
		if json.Unmarshal([]byte(str(td.Inputs, "containerDefinitions", "[]")), &defs) != nil {
			continue
		}
		role, found := roleByARN(g, td, str(td.Inputs, "executionRoleArn", ""))
		docs, managed := inlinePolicies(rs, role)
		for _, c := range defs {
			secrets, _ := c["secrets"].([]any)
			for _, s := range secrets {
				m, _ := s.(map[string]any)
				from, _ := m["valueFrom"].(string)
				ref, err := awsiam.ParseSecretRef(from)
				switch {
				case err != nil:
					out = append(out, Violation{td.ID(), fmt.Sprintf("container %v secret %v: valueFrom %v", c["name"], m["name"], err)})
				case found && !managed && !allowedBy(docs, ref.Action(), ref.RuntimeARN()):
					out = append(out, Violation{td.ID(), fmt.Sprintf("container %v reads %s, which the execution role %s may not (%s on %s): the task fails to start with AccessDenied", c["name"], from, role.Name, ref.Action(), ref.RuntimeARN())})
				}
			}
		}
	}
	return out
}

func flowLogRoleComplete(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, fl := range rs {
		if fl.Type != tFlowLog || str(fl.Inputs, "logDestinationType", "cloud-watch-logs") != "cloud-watch-logs" {
			continue
		}
		role, found := roleByARN(g, fl, str(fl.Inputs, "iamRoleArn", ""))
		docs, managed := inlinePolicies(rs, role)
		if !found || managed {
			continue
		}
		group := str(fl.Inputs, "logDestination", "*")
		var missing []string
		for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"} {
			if !allowedBy(docs, a, group+":log-stream:x") && !allowedBy(docs, a, group) {
				missing = append(missing, a)
			}
		}
		if !allowedBy(docs, "logs:DescribeLogGroups", group) {
			missing = append(missing, "logs:DescribeLogGroups")
		}
		if len(missing) > 0 {
			out = append(out, Violation{fl.ID(), fmt.Sprintf("its role %s lacks %s", role.Name, strings.Join(missing, ", "))})
		}
	}
	return out
}

// --- ECS

func ecsHealthCheckInLimits(r Resource, _ Context) []string {
	return perContainer(r, func(c map[string]any) string {
		hc, ok := c["healthCheck"].(map[string]any)
		if !ok {
			return ""
		}
		var bad []string
		for _, l := range []struct {
			key    string
			lo, hi float64
		}{{"interval", 5, 300}, {"timeout", 2, 60}, {"retries", 1, 10}, {"startPeriod", 0, 300}} {
			if v, ok := hc[l.key].(float64); ok && (v < l.lo || v > l.hi) {
				bad = append(bad, fmt.Sprintf("%s %g is outside %g–%g", l.key, v, l.lo, l.hi))
			}
		}
		if len(bad) == 0 {
			return ""
		}
		return "health check: " + strings.Join(bad, ", ")
	})
}

// --- names

func noFixedNames(r Resource, _ Context) []string {
	field := map[string]string{tEKSNodeGroup: "nodeGroupName", tTargetGroup: "name", tLB: "name", tGKENodePool: "name"}[r.Type]
	if name := str(r.Inputs, field, ""); name != "" {
		return fail("has the fixed %s %q: a change that replaces it must delete it first (taking its capacity or traffic down) or fails because the name is taken", field, name)
	}
	return nil
}

// nameLimit is a name field's rule.
type nameLimit struct {
	field, prefixField string
	max                int
	autoNamed          bool               // the provider auto-names it when unset
	check              func(string) error // the API's own rule, if any
}

var nameLimits = map[string]nameLimit{
	tIAMRole:      {field: "name", prefixField: "namePrefix", max: naming.MaxIAMRoleName, autoNamed: true},
	tLB:           {field: "name", max: naming.MaxLoadBalancerName, autoNamed: true},
	tTargetGroup:  {field: "name", max: naming.MaxLoadBalancerName, autoNamed: true},
	tEKSNodeGroup: {field: "nodeGroupName", prefixField: "nodeGroupNamePrefix", max: 63},
	tGSA:          {field: "accountId", max: naming.MaxGCPServiceAccount, check: naming.CheckGCPServiceAccountID},
	tGKECluster:   {field: "name", max: 40, autoNamed: true},
	tGKENodePool:  {field: "name", max: 40, autoNamed: true},
}

func namesFit(r Resource, _ Context) []string {
	l := nameLimits[r.Type]
	name, set := str(r.Inputs, l.field, ""), hasKey(r.Inputs, l.field)
	if r.Type == tLB || r.Type == tTargetGroup {
		if prefix := str(r.Inputs, "namePrefix", ""); prefix != "" {
			return nil
		}
		if err := naming.CheckELBName(cmp.Or(name, r.Name), !set); err != nil {
			return fail("%s %v", l.field, err)
		}
		return nil
	}
	switch {
	case l.check != nil && set:
		if err := l.check(name); err != nil {
			return fail("%s %v", l.field, err)
		}
	case set && len(name) > l.max:
		return fail("%s %q is %d characters: the API allows %d", l.field, name, len(name), l.max)
	case l.prefixField != "" && hasKey(r.Inputs, l.prefixField):
		if p := str(r.Inputs, l.prefixField, ""); len(p)+naming.PrefixSuffix > l.max {
			return fail("%s %q plus the %d characters the provider appends exceeds %d", l.prefixField, p, naming.PrefixSuffix, l.max)
		}
	case !set && l.autoNamed && len(r.Name)+naming.AutoNameSuffix > l.max:
		return fail("is auto-named from %q: with the %d characters Pulumi appends the name exceeds %d, so the update fails", r.Name, naming.AutoNameSuffix, l.max)
	}
	return nil
}

// --- growth

func subnetsStableUnderGrowth(rs []Resource, c Context) []Violation {
	if c.GrowthRefused != "" {
		for _, r := range rs {
			if r.Type == tVPC || r.Type == tGCPNetwork {
				return []Violation{{r.ID(), "cannot gain an availability zone although its region has one more: " + c.GrowthRefused}}
			}
		}
	}
	if c.Grown == nil {
		return nil
	}
	grown := map[string]Resource{}
	for _, r := range c.Grown {
		grown[r.ID()] = r
	}
	var out []Violation
	for _, r := range rs {
		key := map[string]string{tSubnet: "cidrBlock", tGCPSubnet: "ipCidrRange"}[r.Type]
		if key == "" {
			continue
		}
		if after, ok := grown[r.ID()]; ok && str(after.Inputs, key, "") != str(r.Inputs, key, "") {
			out = append(out, Violation{r.ID(), fmt.Sprintf("moves from %s to %s when the network gains a zone: the subnet, and everything in it, would be replaced", str(r.Inputs, key, ""), str(after.Inputs, key, ""))})
		}
	}
	return out
}

// --- Pod Identity

// podIdentityComplete: a pod gets the role of its association only from
// the Pod Identity agent on its node, and only when the role trusts the
// Pod Identity service to assume it and tag the session.
func podIdentityComplete(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, a := range rs {
		if a.Type != tPodIdentity {
			continue
		}
		for _, role := range g.direct(a, tIAMRole) {
			doc, err := awsiam.Parse(str(role.Inputs, "assumeRolePolicy", "{}"))
			if err != nil || !trusts(doc, awsiam.PodIdentityService) || !allowsAction(doc, "sts:AssumeRole") || !allowsAction(doc, "sts:TagSession") {
				out = append(out, Violation{a.ID(), "gives role " + role.Name + ", whose trust policy does not let pods.eks.amazonaws.com call both sts:AssumeRole and sts:TagSession: EKS refuses the association"})
			}
		}
		agent := false
		for u := range g.upstream(a) {
			d, ok := g.byURN[u]
			switch {
			case !ok:
			case d.Type == tAddon && str(d.Inputs, "addonName", "") == "eks-pod-identity-agent":
				agent = true
			case d.Type == tEKSCluster && boolean(d.Inputs, "computeConfig.enabled", false):
				agent = true // Auto Mode runs the agent itself
			}
		}
		if !agent {
			out = append(out, Violation{a.ID(), "waits for no eks-pod-identity-agent add-on (and its cluster is not in Auto Mode): the pods would get no credentials"})
		}
		// EKS gives a pod credentials when the pod is created, and only
		// if the association exists then: every kind of workload.
		ns, sa := str(a.Inputs, "namespace", ""), str(a.Inputs, "serviceAccount", "")
		for _, d := range rs {
			spec, ok := podSpecOf(d)
			if ok && str(d.Inputs, "metadata.namespace", "default") == ns && str(spec, "serviceAccountName", "default") == sa && !g.waitsFor(d, a.URN) {
				out = append(out, Violation{d.ID(), fmt.Sprintf("runs as %s/%s, whose Pod Identity association %s it does not wait for: pods created before it get no credentials", ns, sa, a.Name)})
			}
		}
	}
	return out
}

// allowsAction reports whether an Allow statement of a trust policy lists
// action.
func allowsAction(doc awsiam.Document, action string) bool {
	for _, st := range doc.Statement {
		if st.Effect == "Allow" && slices.Contains(st.Action, action) {
			return true
		}
	}
	return false
}

// --- EKS Auto Mode

// autoMode reports whether an EKS cluster runs in Auto Mode.
func autoMode(c Resource) bool { return boolean(c.Inputs, "computeConfig.enabled", false) }

// autoModeEnforcesNetworkPolicies reports whether the stack turns on the
// network policy controller of Auto Mode cluster c.
func autoModeEnforcesNetworkPolicies(g *graph, rs []Resource, c Resource) bool {
	for _, cm := range rs {
		if cm.Type != tConfigMap || str(cm.Inputs, "metadata.name", "") != "amazon-vpc-cni" || str(cm.Inputs, "metadata.namespace", "") != "kube-system" {
			continue
		}
		if on, ok := g.clusterOf(cm); ok && on.URN == c.URN && str(cm.Inputs, "data.enable-network-policy-controller", "") == "true" {
			return true
		}
	}
	return false
}

func autoModeWhole(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, c := range rs {
		if c.Type != tEKSCluster {
			continue
		}
		parts := map[string]bool{
			"computeConfig.enabled":                                boolean(c.Inputs, "computeConfig.enabled", false),
			"storageConfig.blockStorage.enabled":                   boolean(c.Inputs, "storageConfig.blockStorage.enabled", false),
			"kubernetesNetworkConfig.elasticLoadBalancing.enabled": boolean(c.Inputs, "kubernetesNetworkConfig.elasticLoadBalancing.enabled", false),
		}
		var on, off []string
		for _, k := range slices.Sorted(maps.Keys(parts)) {
			if parts[k] {
				on = append(on, k)
			} else {
				off = append(off, k)
			}
		}
		if len(on) > 0 && len(off) > 0 {
			out = append(out, Violation{c.ID(), fmt.Sprintf("turns on %s but not %s: EKS refuses Auto Mode unless all three are on (or all off)", strings.Join(on, ", "), strings.Join(off, ", "))})
		}
		if len(list(c.Inputs, "computeConfig.nodePools")) > 0 && !hasKey(c.Inputs, "computeConfig.nodeRoleArn") {
			out = append(out, Violation{c.ID(), "lists Auto Mode node pools without computeConfig.nodeRoleArn: EKS refuses node pools without a node role"})
		}
		if !autoMode(c) {
			continue
		}
		// EKS creates the node role's access entry itself; a second one
		// for the same principal is refused (ResourceInUseException).
		for _, role := range g.direct(c, tIAMRole) {
			doc, _ := awsiam.Parse(str(role.Inputs, "assumeRolePolicy", "{}"))
			if !trusts(doc, "ec2.amazonaws.com") {
				continue
			}
			for _, e := range dependents(rs, role, tAccessEntry) {
				if g.waitsFor(e, c.URN) {
					out = append(out, Violation{e.ID(), "gives Auto Mode's node role " + role.Name + " an access entry, which EKS creates itself: the second one is refused"})
				}
			}
		}
	}
	return out
}

func autoModeRoles(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, c := range rs {
		if c.Type != tEKSCluster || !autoMode(c) {
			continue
		}
		// The cluster role trusts eks.amazonaws.com, the node role (which
		// the cluster waits for through computeConfig.nodeRoleArn)
		// ec2.amazonaws.com.
		for _, role := range g.direct(c, tIAMRole) {
			doc, err := awsiam.Parse(str(role.Inputs, "assumeRolePolicy", "{}"))
			if err != nil {
				continue
			}
			var want []string
			switch {
			case trusts(doc, "eks.amazonaws.com"):
				if !allowsAction(doc, "sts:TagSession") {
					out = append(out, Violation{c.ID(), "runs in Auto Mode, but its cluster role " + role.Name + " does not trust eks.amazonaws.com for sts:TagSession"})
				}
				want = append([]string{"AmazonEKSClusterPolicy"}, awsiam.EKSAutoModeClusterPolicies...)
			case trusts(doc, "ec2.amazonaws.com"):
				want = awsiam.EKSAutoModeNodePolicies
			}
			attached := map[string]bool{}
			for _, att := range dependents(rs, role, tRoleAttachment) {
				arn := str(att.Inputs, "policyArn", "")
				attached[arn[strings.LastIndex(arn, "/")+1:]] = true
			}
			for _, p := range want {
				if !attached[p] {
					out = append(out, Violation{c.ID(), "runs in Auto Mode, but role " + role.Name + " lacks the managed policy " + p})
				}
			}
		}
	}
	return out
}

// --- GKE Autopilot

// autopilotConflicts are the cluster inputs the provider refuses next to
// an enableAutopilot that is set at all (its schema's ConflictsWith).
var autopilotConflicts = []string{
	"removeDefaultNodePool", "nodePools", "enableShieldedNodes", "enableIntranodeVisibility", "defaultMaxPodsPerNode",
	"networkPolicy", "addonsConfig.networkPolicyConfig", "addonsConfig.dnsCacheConfig", "addonsConfig.statefulHaConfig",
	"clusterAutoscaling.enabled", "clusterAutoscaling.resourceLimits", "binaryAuthorization.enabled",
}

func autopilotFieldsAllowed(r Resource, _ Context) []string {
	if !hasKey(r.Inputs, "enableAutopilot") {
		return nil
	}
	var out []string
	for _, f := range autopilotConflicts {
		if v, ok := get(r.Inputs, f); ok && v != nil {
			out = append(out, fmt.Sprintf("sets %s next to enableAutopilot (%v): the provider refuses the two together", f, r.Inputs["enableAutopilot"]))
		}
	}
	if loc := str(r.Inputs, "location", ""); autopilot(r) && zonal(loc) {
		out = append(out, fmt.Sprintf("is an Autopilot cluster in zone %s: Autopilot clusters are regional, use the region", loc))
	}
	return out
}

// --- Argo Rollouts

// rolloutsReferenceWhatExists checks every Rollout against what Argo
// Rollouts resolves before it rolls anything out.
func rolloutsReferenceWhatExists(rs []Resource, _ Context) []Violation {
	var out []Violation
	inNamespace := func(typ, ns, name string) (Resource, bool) {
		for _, r := range ofType(rs, typ) {
			if str(r.Inputs, "metadata.namespace", "default") == ns && str(r.Inputs, "metadata.name", "") == name {
				return r, true
			}
		}
		return Resource{}, false
	}
	for _, ro := range ofType(rs, tRollout) {
		ns := str(ro.Inputs, "metadata.namespace", "default")
		if ref := str(ro.Inputs, "spec.workloadRef.name", ""); ref != "" {
			if hasKey(ro.Inputs, "spec.template") {
				out = append(out, Violation{ro.ID(), "sets spec.template beside spec.workloadRef: Argo Rollouts refuses a template for a workload reference rollout"})
			}
			if kind := str(ro.Inputs, "spec.workloadRef.kind", ""); kind != "Deployment" {
				out = append(out, Violation{ro.ID(), fmt.Sprintf("references a %s: plinth's stacks hand Argo Rollouts a Deployment", kind)})
			} else if d, ok := inNamespace(tDeployment, ns, ref); !ok {
				out = append(out, Violation{ro.ID(), fmt.Sprintf("references Deployment %s/%s, which the stack does not create", ns, ref)})
			} else if sel := object(ro.Inputs, "spec.selector.matchLabels"); len(sel) > 0 && !selects(sel, object(d.Inputs, "spec.template.metadata.labels")) {
				out = append(out, Violation{ro.ID(), fmt.Sprintf("selects %v, which Deployment %s's pods do not carry", sel, ref)})
			}
		}
		for _, name := range analysisTemplatesOf(ro) {
			if _, ok := inNamespace(tAnalysis, ns, name); !ok {
				out = append(out, Violation{ro.ID(), fmt.Sprintf("runs AnalysisTemplate %s, which the stack does not create in namespace %s", name, ns)})
			}
		}
	}
	return out
}

// analysisTemplatesOf are the (namespaced) AnalysisTemplates a Rollout
// runs: in its canary steps, its background analysis and its blue-green
// analyses.
func analysisTemplatesOf(ro Resource) []string {
	var refs []any
	refs = append(refs, list(ro.Inputs, "spec.strategy.canary.analysis.templates")...)
	for _, step := range list(ro.Inputs, "spec.strategy.canary.steps") {
		if m, ok := step.(map[string]any); ok {
			refs = append(refs, list(m, "analysis.templates")...)
		}
	}
	refs = append(refs, list(ro.Inputs, "spec.strategy.blueGreen.prePromotionAnalysis.templates")...)
	refs = append(refs, list(ro.Inputs, "spec.strategy.blueGreen.postPromotionAnalysis.templates")...)
	var out []string
	for _, ref := range refs {
		m, ok := ref.(map[string]any)
		if !ok || boolean(m, "clusterScope", false) {
			continue
		}
		if name := str(m, "templateName", ""); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
