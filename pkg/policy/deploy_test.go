package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/pkg/awsiam"
)

// The deployability fixtures are whole stacks with their dependency
// graph: resources carry URNs, providers and dependencies, the way
// plinthtest records them from a program run under mocks.

func urnOf(typ, name string) string { return "urn:pulumi:test::plinth::" + typ + "::" + name }

// node is a resource depending on deps.
func node(typ, name string, inputs map[string]any, deps ...Resource) Resource {
	if inputs == nil {
		inputs = map[string]any{}
	}
	r := res(typ, name, inputs)
	r.URN = urnOf(typ, name)
	for _, d := range deps {
		r.Dependencies = append(r.Dependencies, d.URN)
	}
	return r
}

// on sets the provider r is registered with.
func on(r Resource, provider Resource) Resource { r.Provider = provider.URN; return r }

// deployStack is a compliant AWS stack and a compliant GCP stack.
func deployStack() []Resource {
	policy := func(actions []string, resources ...string) string {
		return awsiam.New(awsiam.Allow("A", actions, resources...)).JSON()
	}
	clusterRole := node(tIAMRole, "cluster-role", nil)
	clusterAttach := node(tRoleAttachment, "cluster-role-policy", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"}, clusterRole)
	clusterKMS := node(tRolePolicy, "cluster-role-kms", map[string]any{"policy": policy([]string{"kms:Decrypt"}, "arn:aws:kms:eu-west-1:123456789012:key/k")}, clusterRole)
	subnet := node(tSubnet, "private-eu-west-1a", map[string]any{"availabilityZone": "eu-west-1a", "cidrBlock": "10.0.0.0/19"})
	runners := node(tSecurityGroup, "runners", nil)
	cluster := node(tEKSCluster, "cluster", map[string]any{
		"name": "plinth-prod-main", "version": "1.35", "upgradePolicy": map[string]any{"supportType": "STANDARD"},
		"vpcConfig": map[string]any{"endpointPublicAccess": false, "endpointPrivateAccess": true},
	}, clusterRole, clusterAttach, clusterKMS, subnet)
	cluster.Outputs = map[string]any{"vpcConfig": map[string]any{"clusterSecurityGroupId": "sg-cluster"}}
	apiRule := node(tSGRule, "api-from-runners", map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 443.0, "toPort": 443.0,
		"cidrBlocks": []any{"10.64.0.0/24"}, "securityGroupId": "sg-cluster"}, cluster)
	nodeRole := node(tIAMRole, "node-role", nil)
	nodeAttach := node(tRoleAttachment, "node-role-worker", nil, nodeRole)
	group := node(tEKSNodeGroup, "general", map[string]any{
		"nodeGroupNamePrefix": "general-", "amiType": "AL2023_x86_64_STANDARD", "instanceTypes": []any{"m6i.large"},
		"scalingConfig": map[string]any{"minSize": 1.0, "maxSize": 3.0, "desiredSize": 2.0},
	}, cluster, nodeRole, nodeAttach)
	cniRole := node(tIAMRole, "irsa-vpc-cni", nil)
	cniAttach := node(tRoleAttachment, "irsa-vpc-cni-0", nil, cniRole)
	cni := node(tAddon, "addon-vpc-cni", map[string]any{"addonName": "vpc-cni", "configurationValues": `{"enableNetworkPolicy":"true"}`}, cluster, cniRole, cniAttach)
	agent := node(tAddon, "addon-eks-pod-identity-agent", map[string]any{"addonName": "eks-pod-identity-agent"}, cluster)
	webRole := node(tIAMRole, "pod-identity-web", map[string]any{"assumeRolePolicy": awsiam.AssumeRoleForPodIdentity().JSON()})
	webAttach := node(tRoleAttachment, "pod-identity-web-0", nil, webRole)
	webAssoc := node(tPodIdentity, "pod-identity-web-association", map[string]any{"namespace": "web", "serviceAccount": "web"}, cluster, webRole, webAttach, agent)
	k8s := node("pulumi:providers:kubernetes", "main-k8s", nil, cluster, group)
	gp3 := on(node(tStorageClass, "gp3", map[string]any{"metadata": map[string]any{"name": "gp3", "annotations": map[string]any{defaultClassAnnotation: "true"}}}, cni), k8s)
	off := map[string]any{"enabled": false}
	monitoring := on(node(tChart, "kube-prometheus-stack", map[string]any{"chart": "kube-prometheus-stack", "values": map[string]any{
		"prometheus":            map[string]any{"prometheusSpec": map[string]any{"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{"storageClassName": "gp3"}}}}},
		"grafana":               map[string]any{"persistence": map[string]any{"enabled": true, "storageClassName": "gp3"}},
		"kubeControllerManager": off, "kubeScheduler": off, "kubeEtcd": off, "kubeProxy": off,
		"defaultRules": map[string]any{"rules": map[string]any{"kubeControllerManager": false, "kubeSchedulerAlerting": false, "etcd": false, "kubeProxy": false}},
	}}), k8s)
	autoscaler := on(node(tChart, "cluster-autoscaler", map[string]any{"chart": "cluster-autoscaler", "version": "9.59.0", "values": map[string]any{
		"autoDiscovery": map[string]any{"clusterName": "plinth-prod-main"}, "image": map[string]any{"tag": "v1.35.2"},
	}}), k8s)
	metricsServer := node(tAddon, "addon-metrics-server", map[string]any{"addonName": "metrics-server"}, cluster, group)
	kubeProxy := node(tAddon, "addon-kube-proxy", map[string]any{"addonName": "kube-proxy", "addonVersion": "v1.35.3-eksbuild.13"}, cluster)
	// An app with a Pod Identity role: its pods run as web/web, may reach
	// the agent, and scale on CPU; its ServiceMonitor waits for the chart
	// that installs the CRD.
	webLabels := map[string]any{"app": "web"}
	webSA := on(node(tSA, "web-serviceaccount", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"}}), k8s)
	// Only signed images run: Kyverno from its chart, and the policy
	// after it; the image it covers is given by digest.
	kyverno := on(node(tChart, "kyverno", map[string]any{"chart": "kyverno"}), k8s)
	imagePolicy := on(node(tClusterPolicy, "signed-images-policy", map[string]any{"metadata": map[string]any{"name": "signed-images"},
		"spec": map[string]any{"rules": []any{map[string]any{"name": "verify-signature", "verifyImages": []any{map[string]any{
			"imageReferences": []any{"registry.example.com/acme/*"}, "failureAction": "Enforce", "mutateDigest": true}}}}}}, kyverno), k8s)
	webDeploy := on(node(tDeployment, "web-deployment", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"},
		"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": webLabels}, "spec": map[string]any{"serviceAccountName": "web",
			"containers": []any{map[string]any{"name": "web", "image": "registry.example.com/acme/web:1.4.2@sha256:" + strings.Repeat("ab", 32)}}}}},
	}, webAssoc, imagePolicy), k8s)
	netpol := on(node(tNetPol, "web", map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"}, "spec": map[string]any{
		"podSelector": map[string]any{"matchLabels": webLabels}, "policyTypes": []any{"Ingress", "Egress"},
		"egress": []any{map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "169.254.170.23/32"}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": 80.0}}}},
	}}), k8s)
	webHPA := on(node(tHPA, "web-hpa", map[string]any{"metadata": map[string]any{"namespace": "web"}, "spec": map[string]any{
		"minReplicas": 2.0, "scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
		"metrics": []any{map[string]any{"type": "Resource"}}}}), k8s)
	webPDB := on(node(tPDB, "web-pdb", map[string]any{"metadata": map[string]any{"namespace": "web"}, "spec": map[string]any{
		"selector": map[string]any{"matchLabels": webLabels}}}), k8s)
	webMonitor := on(node("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "web-servicemonitor", nil, monitoring), k8s)
	flowRole := node(tIAMRole, "flow-role", nil)
	flowPolicy := node(tRolePolicy, "flow-policy", map[string]any{"policy": policy(
		[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"},
		"arn:aws:logs:eu-west-1:123456789012:log-group:*")}, flowRole)
	flowLog := node(tFlowLog, "flow-log", map[string]any{"iamRoleArn": "arn:aws:iam::123456789012:role/flow-role",
		"logDestination": "arn:aws:logs:eu-west-1:123456789012:log-group:/plinth/flow"}, flowRole, flowPolicy)
	execRole := node(tIAMRole, "exec-role", nil)
	execPolicy := node(tRolePolicy, "exec-policy", map[string]any{"policy": policy([]string{"secretsmanager:GetSecretValue"},
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-Ab12Cd")}, execRole)
	task := node(tTaskDef, "task", map[string]any{"executionRoleArn": "arn:aws:iam::123456789012:role/exec-role",
		"containerDefinitions": containerDefs(map[string]any{"name": "api",
			"secrets":     []any{map[string]any{"name": "DB", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-Ab12Cd:password::"}},
			"healthCheck": map[string]any{"command": []any{"CMD-SHELL", "true"}, "interval": 30.0, "timeout": 5.0, "retries": 3.0, "startPeriod": 60.0}}),
	}, execRole, execPolicy)
	alb := node(tLB, "api-alb", map[string]any{"internal": true})
	tg := node(tTargetGroup, "api-tg", map[string]any{"port": 8080.0})

	container := node(tProjectService, "container-api", map[string]any{"service": "container.googleapis.com"})
	compute := node(tProjectService, "compute-api", map[string]any{"service": "compute.googleapis.com"})
	iamAPI := node(tProjectService, "iam-api", map[string]any{"service": "iam.googleapis.com"})
	network := node(tGCPNetwork, "network", nil, compute)
	gsaNodes := node(tGSA, "nodes-sa", map[string]any{"accountId": "plinth-prod-nodes"}, iamAPI)
	gke := node(tGKECluster, "gke", map[string]any{"name": "plinth-prod-main", "removeDefaultNodePool": true,
		"workloadIdentityConfig": map[string]any{"workloadPool": "acme-platform.svc.id.goog"}}, container, network, gsaNodes)
	pool := node(tGKENodePool, "gke-general", map[string]any{"initialNodeCount": 1.0,
		"autoscaling": map[string]any{"minNodeCount": 1.0, "maxNodeCount": 3.0}}, gke)
	gsa := node(tGSA, "wi-web", map[string]any{"accountId": "plinth-prod-web"}, iamAPI)
	wi := node(tGSAMember, "wi-web-user", map[string]any{"member": "serviceAccount:acme-platform.svc.id.goog[web/web]"}, gsa, gke)
	gk8s := node("pulumi:providers:kubernetes", "gke-k8s", nil, gke, pool)
	grafana := on(node(tChart, "gke-monitoring", map[string]any{"chart": "kube-prometheus-stack", "values": map[string]any{
		"grafana":               map[string]any{"persistence": map[string]any{"enabled": true}},
		"kubeControllerManager": off, "kubeScheduler": off, "kubeEtcd": off, "kubeProxy": off,
		"defaultRules": map[string]any{"create": false}}}), gk8s)

	// A Progressive app, as app.New registers it, after the controller's
	// chart that brings the Rollout CRDs.
	argo := on(node(tChart, "argo-rollouts", map[string]any{"chart": "argo-rollouts"}), gk8s)
	shopMeta := map[string]any{"name": "shop", "namespace": "shop"}
	shopDeploy := on(node(tDeployment, "shop-deployment", map[string]any{"metadata": shopMeta, "spec": map[string]any{
		"selector": map[string]any{"matchLabels": map[string]any{"app": "shop"}},
		"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "shop", "tier": "web"}}},
	}}), gk8s)
	shopHealth := on(node(tAnalysis, "shop-analysistemplate", map[string]any{"metadata": map[string]any{"name": "shop-health", "namespace": "shop"}}, argo), gk8s)
	shopRollout := on(node(tRollout, "shop-rollout", map[string]any{"metadata": shopMeta, "spec": map[string]any{
		"selector":    map[string]any{"matchLabels": map[string]any{"app": "shop"}},
		"workloadRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "shop", "scaleDown": "onsuccess"},
		"strategy": map[string]any{"canary": map[string]any{
			"steps":    []any{map[string]any{"setWeight": 10.0}, map[string]any{"analysis": map[string]any{"templates": []any{map[string]any{"templateName": "shop-health"}}}}},
			"analysis": map[string]any{"templates": []any{map[string]any{"templateName": "shop-health"}, map[string]any{"templateName": "cluster-wide", "clusterScope": true}}},
		}},
	}}, shopDeploy, shopHealth, argo), gk8s)

	return []Resource{clusterRole, clusterAttach, clusterKMS, subnet, runners, cluster, apiRule, nodeRole, nodeAttach, group,
		cniRole, cniAttach, cni, agent, webRole, webAttach, webAssoc, k8s, gp3, monitoring, autoscaler, metricsServer, kubeProxy,
		kyverno, imagePolicy, webSA, webDeploy, netpol, webHPA, webPDB, webMonitor, flowRole, flowPolicy, flowLog, execRole, execPolicy,
		task, alb, tg, container, compute, iamAPI, network, gsaNodes, gke, pool, gsa, wi, gk8s, grafana, argo, shopDeploy, shopHealth, shopRollout}
}

// stackEdit returns the stack with the resource called name changed by f.
// autoModeStack is a compliant EKS Auto Mode cluster with a
// NetworkPolicy, as eks.New registers it.
func autoModeStack() []Resource {
	arn := func(p string) string { return "arn:aws:iam::aws:policy/" + p }
	clusterRole := node(tIAMRole, "auto-cluster-role", map[string]any{"assumeRolePolicy": awsiam.AssumeRoleForService("eks.amazonaws.com", "sts:TagSession").JSON()})
	nodeRole := node(tIAMRole, "auto-node-role", map[string]any{"assumeRolePolicy": awsiam.AssumeRoleForService("ec2.amazonaws.com").JSON()})
	deps := []Resource{clusterRole, nodeRole}
	rs := []Resource{clusterRole, nodeRole}
	for _, p := range append([]string{"AmazonEKSClusterPolicy"}, awsiam.EKSAutoModeClusterPolicies...) {
		a := node(tRoleAttachment, "auto-cluster-role-"+p, map[string]any{"policyArn": arn(p)}, clusterRole)
		rs, deps = append(rs, a), append(deps, a)
	}
	for _, p := range awsiam.EKSAutoModeNodePolicies {
		a := node(tRoleAttachment, "auto-node-role-"+p, map[string]any{"policyArn": arn(p)}, nodeRole)
		rs, deps = append(rs, a), append(deps, a)
	}
	cluster := node(tEKSCluster, "auto", map[string]any{
		"version": "1.35", "upgradePolicy": map[string]any{"supportType": "STANDARD"},
		"vpcConfig":               map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}},
		"computeConfig":           map[string]any{"enabled": true, "nodePools": []any{"general-purpose", "system"}, "nodeRoleArn": "arn:aws:iam::123456789012:role/auto-node-role"},
		"storageConfig":           map[string]any{"blockStorage": map[string]any{"enabled": true}},
		"kubernetesNetworkConfig": map[string]any{"elasticLoadBalancing": map[string]any{"enabled": true}},
	}, deps...)
	k8s := node("pulumi:providers:kubernetes", "auto-k8s", nil, cluster)
	cm := on(node(tConfigMap, "auto-network-policy-controller", map[string]any{
		"metadata": map[string]any{"name": "amazon-vpc-cni", "namespace": "kube-system"},
		"data":     map[string]any{"enable-network-policy-controller": "true"},
	}), k8s)
	netpol := on(node(tNetPol, "auto-web", nil), k8s)
	return append(rs, cluster, k8s, cm, netpol)
}

func stackEdit(rs []Resource, name string, f func(Resource) Resource) []Resource {
	out := slices.Clone(rs)
	for i, r := range out {
		if r.Name == name {
			out[i] = f(r)
			return out
		}
	}
	panic("no fixture resource " + name)
}

func set(path string, v any) func(Resource) Resource {
	return func(r Resource) Resource {
		e := edit(r, path, v)
		e.URN, e.Provider, e.Dependencies, e.Outputs = r.URN, r.Provider, r.Dependencies, r.Outputs
		return e
	}
}

// without drops the dependency of r on the resource called dep.
func without(dep string) func(Resource) Resource {
	return func(r Resource) Resource {
		r.Dependencies = slices.DeleteFunc(slices.Clone(r.Dependencies), func(u string) bool { return strings.HasSuffix(u, "::"+dep) })
		return r
	}
}

// named returns the fixture resource called name.
func named(rs []Resource, name string) Resource {
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	panic("no fixture resource " + name)
}

func remove(rs []Resource, name string) []Resource {
	return slices.DeleteFunc(slices.Clone(rs), func(r Resource) bool { return r.Name == name })
}

var deployDay = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

// failingDeploy is, for every deployability rule, a stack that breaks it
// in one place, with the sentence its finding must contain.
func failingDeploy() map[string]struct {
	stack []Resource
	c     Context
	want  string
} {
	good := deployStack()
	c := Context{Tier: "prod", Today: deployDay}
	type fx = struct {
		stack []Resource
		c     Context
		want  string
	}
	grown := stackEdit(good, "private-eu-west-1a", set("cidrBlock", "10.0.0.0/20"))
	return map[string]fx{
		"PL-D-001": {remove(good, "gp3"), c, `values.grafana.persistence claims StorageClass "gp3", which neither the cluster (it has gp2, not the default since Kubernetes 1.30) nor the stack creates`},
		"PL-D-003": {stackEdit(good, "wi-web-user", without("gke")), c, "before cluster gke creates the pool acme-platform.svc.id.goog"},
		// The mistake the rule names: the only 443 rule sits on another group.
		"PL-D-004": {stackEdit(good, "api-from-runners", set("securityGroupId", "sg-runners")), c, "has a private endpoint only"},
		"PL-D-005": {stackEdit(good, "gke-general", set("initialNodeCount", nil)), c, "starts with 0 nodes, below its autoscaling minimum of 1"},
		"PL-D-006": {stackEdit(good, "addon-vpc-cni", set("configurationValues", nil)), c, "its vpc-cni add-on does not enforce them"},
		// An autoscaler discovering another cluster's node groups.
		"PL-D-007": {stackEdit(good, "cluster-autoscaler", set("values.autoDiscovery.clusterName", "plinth-staging-main")), c, "may run 1–3 nodes, but nothing in the stack scales cluster plinth-prod-main"},
		"PL-D-008": {stackEdit(good, "cluster", set("version", "1.31")), c, "past the end of standard support"},
		"PL-D-009": {good, Context{Tier: "prod", Today: time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)}, "version 1.35 leaves standard support on 2027-03-27"},
		"PL-D-010": {stackEdit(good, "general", set("nodeGroupName", "general")), c, `has the fixed nodeGroupName "general"`},
		"PL-D-011": {stackEdit(good, "wi-web", set("accountId", "qa-ui")), c, `accountId "qa-ui" is not a GCP service account id`},
		"PL-D-012": {stackEdit(good, "cluster", without("cluster-role-kms")), c, "uses role cluster-role but does not wait for its policy cluster-role-kms"},
		"PL-D-013": {good, Context{Tier: "prod", Today: deployDay, Grown: grown}, "moves from 10.0.0.0/19 to 10.0.0.0/20 when the network gains a zone"},
		"PL-D-014": {stackEdit(good, "exec-policy", set("policy", awsiam.New(awsiam.Allow("A", []string{"secretsmanager:GetSecretValue"}, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db")).JSON())), c, "which the execution role exec-role may not"},
		"PL-D-015": {stackEdit(good, "general", set("amiType", "AL2023_ARM_64_STANDARD")), c, `"m6i.large" is an x86_64 instance type`},
		// A zone EKS refuses, known by the zone ID the network recorded.
		"PL-D-016": {stackEdit(good, "private-eu-west-1a", set("tags", map[string]any{"zone-id": "use1-az3"})), c, "zone use1-az3 of us-east-1 is one EKS refuses cluster subnets in"},
		"PL-D-017": {remove(good, "container-api"), c, "calls container.googleapis.com, which the stack does not enable before it"},
		"PL-D-018": {stackEdit(good, "flow-policy", set("policy", awsiam.New(awsiam.Allow("A", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, "arn:aws:logs:eu-west-1:123456789012:log-group:/plinth/flow:*")).JSON())), c, "lacks logs:DescribeLogGroups"},
		"PL-D-020": {stackEdit(stackEdit(good, "pod-identity-web-association", without("addon-eks-pod-identity-agent")), "pod-identity-web",
			set("assumeRolePolicy", awsiam.New(awsiam.Statement{Effect: "Allow", Principal: map[string]any{"Service": awsiam.PodIdentityService}, Action: []string{"sts:AssumeRole"}}).JSON())),
			c, "waits for no eks-pod-identity-agent add-on"},
		"PL-D-021": {stackEdit(autoModeStack(), "auto", set("storageConfig", nil)), c, "turns on computeConfig.enabled, kubernetesNetworkConfig.elasticLoadBalancing.enabled but not storageConfig.blockStorage.enabled"},
		"PL-D-022": {remove(autoModeStack(), "auto-cluster-role-AmazonEKSComputePolicy"), c, "role auto-cluster-role lacks the managed policy AmazonEKSComputePolicy"},
		"PL-D-023": {stackEdit(good, "gke", set("enableAutopilot", false)), c, "sets removeDefaultNodePool next to enableAutopilot (false)"},
		"PL-D-024": {remove(good, "shop-analysistemplate"), c, "runs AnalysisTemplate shop-health, which the stack does not create in namespace shop"},
		"PL-D-025": {stackEdit(good, "web-servicemonitor", without("kube-prometheus-stack")), c, "is a ServiceMonitor of API group monitoring.coreos.com, but does not wait for kube-prometheus-stack, which installs its CRD"},
		// The chart and image of kubernetes/autoscaler#10278.
		"PL-D-026": {stackEdit(stackEdit(good, "cluster-autoscaler", set("version", "9.46.6")), "cluster-autoscaler", set("values.image.tag", "v1.35.0")), c, `chartVersion "9.46.6" predates chart 9.54.0`},
		"PL-D-027": {remove(good, "addon-metrics-server"), c, "scales on CPU or memory on EKS cluster cluster, which runs no metrics-server"},
		// kube-prometheus-stack with Standard values on Autopilot.
		"PL-D-028": {stackEdit(stackEdit(good, "gke", set("enableAutopilot", true)), "gke-monitoring", set("values.nodeExporter", map[string]any{"enabled": true})), c, "deploys nodeExporter, coreDns, kubeDns, kubelet, prometheusOperator.kubeletService"},
		"PL-D-029": {stackEdit(good, "web", set("spec.egress", []any{})), c, "gets its credentials from EKS Pod Identity (its agent) at 169.254.170.23/32 port 80, which its egress policy web does not allow"},
		"PL-D-030": {stackEdit(good, "kube-prometheus-stack", set("values.kubeControllerManager", nil)), c, "yet kubeControllerManager is scraped"},
		"PL-D-031": {stackEdit(good, "web-deployment", set("spec.template.spec.containers[0].image", "registry.example.com/acme/web:1.4.2")), c,
			`image "registry.example.com/acme/web:1.4.2" has no digest, and rule 0 verifyImages 0 of signed-images-policy rewrites it`},
		"PL-D-019": {stackEdit(good, "task", set("containerDefinitions", containerDefs(map[string]any{"name": "api", "healthCheck": map[string]any{"startPeriod": 600.0}}))), c, "startPeriod 600 is outside 0–300"},
	}
}

func TestDeployabilityRules(t *testing.T) {
	good := deployStack()
	fails := failingDeploy()
	grownSame := deployStack()
	pass := Evaluate(DeployabilityRules(), good, Context{Tier: "prod", Today: deployDay, Grown: grownSame}, nil)
	for _, rule := range DeployabilityRules() {
		t.Run(rule.ID, func(t *testing.T) {
			if got := findings(pass, rule.ID); len(got) != 0 {
				t.Errorf("the compliant stack fails %s: %s: %s", rule.ID, got[0].Resource, got[0].Message)
			}
			bad, ok := fails[rule.ID]
			if !ok {
				t.Fatalf("%s has no failing fixture", rule.ID)
			}
			got := findings(Evaluate([]*Rule{rule}, bad.stack, bad.c, nil), rule.ID)
			if len(got) == 0 {
				t.Fatalf("%s does not fire on its failing fixture", rule.ID)
			}
			var msgs []string
			for _, f := range got {
				msgs = append(msgs, f.Resource+": "+f.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), bad.want) {
				t.Errorf("%s findings:\n%s\nwant one containing %q", rule.ID, strings.Join(msgs, "\n"), bad.want)
			}
			if rule.ClassOf() != Deployability || rule.Source == "" || rule.Title == "" || rule.Remediation == "" {
				t.Errorf("%s lacks its class, source, title or remediation", rule.ID)
			}
		})
	}
	if len(fails) != len(DeployabilityRules()) {
		t.Errorf("%d failing fixtures for %d rules", len(fails), len(DeployabilityRules()))
	}
}

// TestDeployabilityEdgeCases covers the cases a rule must accept.
func TestDeployabilityEdgeCases(t *testing.T) {
	good := deployStack()
	c := Context{Tier: "prod", Today: deployDay}
	for _, tt := range []struct {
		name, rule string
		stack      []Resource
	}{
		{"a claim on a cluster plinth cannot see is not judged", "PL-D-001",
			[]Resource{on(node(tPVC, "data", map[string]any{"spec": map[string]any{"storageClassName": "fast"}}), node("pulumi:providers:kubernetes", "local", nil))}},
		{"GKE's built-in default class serves a claim without a class", "PL-D-001", good},
		{"EKS before 1.30 still has gp2 as its default", "PL-D-001",
			append(remove(remove(stackEdit(good, "cluster", set("version", "1.29")), "gp3"), "kube-prometheus-stack"),
				on(node(tPVC, "data", map[string]any{"spec": map[string]any{}}), node("pulumi:providers:kubernetes", "main-k8s", nil)))},
		{"a public endpoint needs no private path", "PL-D-004", remove(stackEdit(good, "cluster", set("vpcConfig.endpointPublicAccess", true)), "api-from-runners")},
		{"a rule on an extra security group of the cluster admits the runners", "PL-D-004",
			append(stackEdit(remove(good, "api-from-runners"), "cluster", set("vpcConfig.securityGroupIds", []any{"sg-extra"})),
				node(tSGIngress, "extra-443", map[string]any{"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "securityGroupId": "sg-extra"}, node(tSecurityGroup, "extra", nil)))},
		{"a fixed-size node group needs no autoscaler", "PL-D-007", remove(stackEdit(good, "general", set("scalingConfig.maxSize", 1.0)), "cluster-autoscaler")},
		{"an Auto Mode cluster scales itself", "PL-D-007", remove(stackEdit(good, "cluster", set("computeConfig.enabled", true)), "cluster-autoscaler")},
		{"1.33 on extended support is fine in December 2026", "PL-D-008", stackEdit(good, "cluster", set("upgradePolicy.supportType", "EXTENDED"))},
		{"a partial secret ARN is readable through the -?????? wildcard", "PL-D-014",
			stackEdit(stackEdit(good, "exec-policy", set("policy", awsiam.New(awsiam.Allow("A", []string{"secretsmanager:GetSecretValue"}, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-??????")).JSON())),
				"task", set("containerDefinitions", containerDefs(map[string]any{"name": "api", "secrets": []any{map[string]any{"name": "DB", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}}})))},
		{"an auto-named role whose logical name leaves room for the suffix", "PL-D-011", []Resource{node(tIAMRole, strings.Repeat("r", 56), nil)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rule *Rule
			for _, r := range DeployabilityRules() {
				if r.ID == tt.rule {
					rule = r
				}
			}
			if tt.name == "1.33 on extended support is fine in December 2026" {
				tt.stack = stackEdit(tt.stack, "cluster", set("version", "1.33"))
			}
			if got := findings(Evaluate([]*Rule{rule}, tt.stack, c, nil), tt.rule); len(got) != 0 {
				t.Fatalf("%s fired: %s: %s", tt.rule, got[0].Resource, got[0].Message)
			}
		})
	}
	long := []Resource{node(tIAMRole, strings.Repeat("r", 57), nil)}
	var rule *Rule
	for _, r := range DeployabilityRules() {
		if r.ID == "PL-D-011" {
			rule = r
		}
	}
	if got := findings(Evaluate([]*Rule{rule}, long, c, nil), "PL-D-011"); len(got) != 1 {
		t.Fatalf("a 57-character logical role name (65 with the suffix) passed: %v", fmt.Sprint(got))
	}
}

// TestPodIdentityChecks: a role without sts:TagSession is refused even
// with the agent; an Auto Mode cluster needs no agent add-on.
func TestPodIdentityChecks(t *testing.T) {
	c := Context{Tier: "prod", Today: deployDay}
	rule := []*Rule{ruleByID(t, DeployabilityRules(), "PL-D-020")}
	noTag := stackEdit(deployStack(), "pod-identity-web",
		set("assumeRolePolicy", awsiam.New(awsiam.Statement{Effect: "Allow", Principal: map[string]any{"Service": awsiam.PodIdentityService}, Action: []string{"sts:AssumeRole"}}).JSON()))
	got := findings(Evaluate(rule, noTag, c, nil), "PL-D-020")
	if len(got) != 1 || !strings.Contains(got[0].Message, "sts:TagSession") {
		t.Fatalf("a role without sts:TagSession: %v", got)
	}
	auto := stackEdit(stackEdit(deployStack(), "pod-identity-web-association", without("addon-eks-pod-identity-agent")), "cluster",
		set("computeConfig", map[string]any{"enabled": true}))
	if got := findings(Evaluate(rule, auto, c, nil), "PL-D-020"); len(got) != 0 {
		t.Fatalf("an Auto Mode cluster runs the agent itself: %v", got)
	}
	// Every kind of workload running as the associated service account
	// must wait for the association: the fixture's Deployment does; a
	// StatefulSet and a CronJob that do not are found.
	early := append(deployStack(), node(tStatefulSet, "web-cache", map[string]any{
		"metadata": map[string]any{"namespace": "web"},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"serviceAccountName": "web"}}},
	}), node(tCronJob, "web-report", map[string]any{
		"metadata": map[string]any{"namespace": "web"},
		"spec":     map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"serviceAccountName": "web"}}}}},
	}))
	got = findings(Evaluate(rule, early, c, nil), "PL-D-020")
	if len(got) != 2 || !strings.Contains(got[0].Message+got[1].Message, "whose Pod Identity association pod-identity-web-association it does not wait for") {
		t.Fatalf("a StatefulSet and a CronJob before their association: %v", got)
	}
	waits := append(deployStack(), node(tStatefulSet, "web-cache", map[string]any{
		"metadata": map[string]any{"namespace": "web"},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"serviceAccountName": "web"}}},
	}, named(deployStack(), "pod-identity-web-association")))
	if got := findings(Evaluate(rule, waits, c, nil), "PL-D-020"); len(got) != 0 {
		t.Fatalf("a Deployment after its association: %v", got)
	}
}

func ruleByID(t *testing.T, rules []*Rule, id string) *Rule {
	t.Helper()
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %s", id)
	return nil
}

// TestAutoModeChecks: a whole Auto Mode cluster passes every
// deployability rule, and each part it needs is checked.
func TestAutoModeChecks(t *testing.T) {
	c := Context{Tier: "prod", Today: deployDay}
	good := autoModeStack()
	if rep := Evaluate(DeployabilityRules(), good, c, nil); len(rep.Findings) != 0 {
		t.Fatalf("the Auto Mode stack fails: %+v", rep.Findings)
	}
	for _, tc := range []struct {
		rule  string
		stack []Resource
		want  string
	}{
		{"PL-D-006", remove(good, "auto-network-policy-controller"), "does not create the kube-system/amazon-vpc-cni ConfigMap"},
		{"PL-D-006", stackEdit(good, "auto-network-policy-controller", set("data.enable-network-policy-controller", "false")), "does not create the kube-system/amazon-vpc-cni ConfigMap"},
		{"PL-D-021", stackEdit(good, "auto", set("computeConfig.nodeRoleArn", "x")), ""},
		{"PL-D-021", stackEdit(good, "auto", set("computeConfig", map[string]any{"enabled": true, "nodePools": []any{"system"}})), "without computeConfig.nodeRoleArn"},
		{"PL-D-021", stackEdit(good, "auto", set("computeConfig", nil)), "turns on kubernetesNetworkConfig.elasticLoadBalancing.enabled, storageConfig.blockStorage.enabled but not computeConfig.enabled"},
		{"PL-D-021", append(slices.Clone(good), node(tAccessEntry, "auto-node-entry", map[string]any{"type": "EC2"}, named(good, "auto-node-role"), named(good, "auto"))), "gives Auto Mode's node role auto-node-role an access entry"},
		{"PL-D-022", stackEdit(good, "auto-cluster-role", set("assumeRolePolicy", awsiam.AssumeRoleForService("eks.amazonaws.com").JSON())), "does not trust eks.amazonaws.com for sts:TagSession"},
		{"PL-D-022", remove(good, "auto-node-role-AmazonEKSWorkerNodeMinimalPolicy"), "role auto-node-role lacks the managed policy AmazonEKSWorkerNodeMinimalPolicy"},
	} {
		got := findings(Evaluate([]*Rule{ruleByID(t, DeployabilityRules(), tc.rule)}, tc.stack, c, nil), tc.rule)
		var msgs []string
		for _, f := range got {
			msgs = append(msgs, f.Message)
		}
		joined := strings.Join(msgs, "\n")
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s fires on a compliant variant: %s", tc.rule, joined)
		case tc.want != "" && !strings.Contains(joined, tc.want):
			t.Errorf("%s findings %q, want one containing %q", tc.rule, joined, tc.want)
		}
	}
}

// TestAutopilotChecks: an Autopilot cluster as gke.New registers it
// passes, and each refused field or a zonal location fails.
func TestAutopilotChecks(t *testing.T) {
	c := Context{Tier: "prod", Today: deployDay}
	rule := []*Rule{ruleByID(t, DeployabilityRules(), "PL-D-023")}
	ap := node(tGKECluster, "ap", map[string]any{"enableAutopilot": true, "location": "europe-west1",
		"clusterAutoscaling": map[string]any{"autoProvisioningDefaults": map[string]any{"serviceAccount": "nodes@p.iam.gserviceaccount.com"}}})
	if got := findings(Evaluate(rule, []Resource{ap}, c, nil), "PL-D-023"); len(got) != 0 {
		t.Fatalf("the Autopilot cluster fails: %v", got)
	}
	for _, tc := range []struct {
		edit func(Resource) Resource
		want string
	}{
		{set("enableShieldedNodes", true), "sets enableShieldedNodes next to enableAutopilot (true)"},
		{set("addonsConfig.dnsCacheConfig.enabled", true), "sets addonsConfig.dnsCacheConfig"},
		{set("clusterAutoscaling.enabled", true), "sets clusterAutoscaling.enabled"},
		{set("location", "europe-west1-b"), "Autopilot clusters are regional"},
	} {
		got := findings(Evaluate(rule, []Resource{tc.edit(ap)}, c, nil), "PL-D-023")
		if len(got) != 1 || !strings.Contains(got[0].Message, tc.want) {
			t.Errorf("findings %v, want one containing %q", got, tc.want)
		}
	}
}

// TestRolloutReferences: each thing Argo Rollouts resolves before it rolls
// out, broken one at a time.
func TestRolloutReferences(t *testing.T) {
	good := deployStack()
	c := Context{Tier: "prod", Today: deployDay}
	rule := []*Rule{ruleByID(t, DeployabilityRules(), "PL-D-024")}
	for _, tc := range []struct {
		name  string
		stack []Resource
		want  string
	}{
		{"the Deployment is missing", remove(good, "shop-deployment"), "references Deployment shop/shop, which the stack does not create"},
		{"the Deployment is in another namespace", stackEdit(good, "shop-deployment", set("metadata.namespace", "web")), "references Deployment shop/shop, which the stack does not create"},
		{"a template beside the workloadRef", stackEdit(good, "shop-rollout", set("spec.template", map[string]any{"metadata": map[string]any{}})), "sets spec.template beside spec.workloadRef"},
		{"a selector the pods do not match", stackEdit(good, "shop-rollout", set("spec.selector.matchLabels", map[string]any{"app": "cart"})), "which Deployment shop's pods do not carry"},
		{"a StatefulSet reference", stackEdit(good, "shop-rollout", set("spec.workloadRef.kind", "StatefulSet")), "references a StatefulSet"},
		{"a blue-green analysis template that is missing", stackEdit(good, "shop-rollout", set("spec.strategy", map[string]any{"blueGreen": map[string]any{
			"prePromotionAnalysis": map[string]any{"templates": []any{map[string]any{"templateName": "smoke"}}}}})), "runs AnalysisTemplate smoke"},
		{"the same names, but the compliant stack", good, ""},
		{"a cluster-scoped template is not the stack's to create", stackEdit(good, "shop-rollout", set("spec.strategy.canary.steps", []any{})), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var msgs []string
			for _, f := range findings(Evaluate(rule, tc.stack, c, nil), "PL-D-024") {
				msgs = append(msgs, f.Message)
			}
			joined := strings.Join(msgs, "\n")
			switch {
			case tc.want == "" && len(msgs) != 0:
				t.Fatalf("fires on a compliant stack: %s", joined)
			case tc.want != "" && !strings.Contains(joined, tc.want):
				t.Fatalf("findings %q, want one containing %q", joined, tc.want)
			}
		})
	}
}

// TestRolloutOwnsTheScaleOfItsDeployment: the stack rules count a
// Progressive app's pods by its Rollout, which the HPA targets.
func TestRolloutOwnsTheScaleOfItsDeployment(t *testing.T) {
	good := deployStack()
	hpa := node(tHPA, "shop-hpa", map[string]any{"metadata": map[string]any{"namespace": "shop"}, "spec": map[string]any{
		"minReplicas": 3.0, "scaleTargetRef": map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "shop"}}})
	rule := []*Rule{ruleByID(t, Guardrails(), "PL-X-002"), ruleByID(t, Guardrails(), "PL-X-001")}
	c := Context{Tier: "prod", Today: deployDay}
	ids := func(rs []Resource) []string {
		var out []string
		for _, f := range Evaluate(rule, rs, c, nil).Findings {
			out = append(out, f.Rule.ID+" "+f.Message)
		}
		return out
	}
	// Autoscaled from 3: no replica finding, but a budget is due.
	if got := ids(append(slices.Clone(good), hpa)); len(got) != 1 || !strings.HasPrefix(got[0], "PL-X-001") {
		t.Fatalf("an HPA on the Rollout: findings %v, want only the missing PDB", got)
	}
	// Without the HPA the Rollout's replicas count.
	if got := ids(stackEdit(good, "shop-rollout", set("spec.replicas", 1.0))); len(got) != 1 || !strings.HasPrefix(got[0], "PL-X-002") {
		t.Fatalf("one replica on the Rollout: findings %v, want PL-X-002", got)
	}
	if got := ids(stackEdit(good, "shop-rollout", set("spec.replicas", 2.0))); len(got) != 1 || !strings.HasPrefix(got[0], "PL-X-001") {
		t.Fatalf("two replicas on the Rollout: findings %v, want only the missing PDB", got)
	}
}
