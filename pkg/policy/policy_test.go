package policy

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/awsiam"
)

// failing builds, for every rule, the resources that must violate it:
// one compliant fixture with one edit (often an unset input, which counts
// as the provider default).
func failing() map[string][]Resource {
	a, g, k := awsGood(), gcpGood(), k8sGood()
	one := func(r Resource) []Resource { return []Resource{r} }
	stackWith := func(replace Resource) []Resource {
		var out []Resource
		for _, r := range k8sGood() {
			if r.Type != replace.Type {
				out = append(out, r)
			}
		}
		return append(out, replace)
	}
	stackWithout := func(typ string) []Resource {
		var out []Resource
		for _, r := range k8sGood() {
			if r.Type != typ {
				out = append(out, r)
			}
		}
		return out
	}
	ctr := func(key string, v any) string {
		c := clone(goodContainer).(map[string]any)
		c[key] = v
		return containerDefs(c)
	}
	return map[string][]Resource{
		"PL-EKS-001": one(edit(a[tEKSCluster], "vpcConfig.endpointPublicAccess", nil)), // unset = public, no CIDRs
		"PL-EKS-002": one(edit(a[tEKSCluster], "encryptionConfig", nil)),
		"PL-EKS-003": one(edit(a[tEKSCluster], "enabledClusterLogTypes", []any{"api", "audit"})),
		"PL-EKS-004": one(edit(a[tEKSCluster], "version", "1.24")),
		"PL-EKS-005": one(edit(a[tEKSCluster], "accessConfig", nil)),
		"PL-EKS-006": one(edit(a[tEKSCluster], "vpcConfig.endpointPrivateAccess", nil)),
		"PL-EKS-007": one(edit(a[tEKSNodeGroup], "remoteAccess", map[string]any{"ec2SshKey": "ops"})),
		"PL-EKS-008": one(edit(a[tEKSNodeGroup], "launchTemplate", nil)),
		"PL-EC2-001": one(edit(a[tLaunchTemplate], "metadataOptions.httpTokens", nil)),
		"PL-EC2-002": one(edit(a[tLaunchTemplate], "metadataOptions.httpPutResponseHopLimit", 2.0)),
		"PL-EC2-003": one(edit(a[tLaunchTemplate], "networkInterfaces[0]", map[string]any{"associatePublicIpAddress": "true"})),
		"PL-EC2-004": one(edit(a[tLaunchTemplate], "blockDeviceMappings[0]", map[string]any{"ebs": map[string]any{"volumeSize": 50.0}})),
		"PL-ECS-001": one(edit(a[tTaskDef], "containerDefinitions", ctr("privileged", true))),
		"PL-ECS-002": one(edit(a[tTaskDef], "containerDefinitions", ctr("readonlyRootFilesystem", nil))),
		"PL-ECS-003": one(edit(a[tTaskDef], "pidMode", "host")),
		"PL-ECS-004": one(edit(a[tTaskDef], "containerDefinitions", ctr("environment", []any{map[string]any{"name": "DB_PASSWORD", "value": "x"}}))),
		"PL-ECS-005": one(edit(a[tTaskDef], "taskRoleArn", "arn:aws:iam::1:role/exec")),
		"PL-ECS-006": one(edit(a[tTaskDef], "volumes[0]", map[string]any{"name": "data", "efsVolumeConfiguration": map[string]any{"fileSystemId": "fs-1"}})),
		"PL-ECS-007": one(edit(a[tTaskDef], "containerDefinitions", ctr("user", nil))),
		"PL-ECS-008": one(edit(a[tECSService], "networkConfiguration.assignPublicIp", true)),
		"PL-ECS-009": one(edit(a[tECSService], "platformVersion", "1.3.0")),
		"PL-ECS-010": one(edit(a[tECSService], "deploymentCircuitBreaker", nil)),
		"PL-ECS-011": one(edit(a[tECSCluster], "settings", nil)),
		"PL-ALB-001": one(res(tListener, "http", map[string]any{"port": 80.0, "defaultActions": []any{map[string]any{"type": "forward"}}})), // protocol unset = HTTP
		"PL-ALB-002": one(edit(a[tListener], "sslPolicy", nil)),                                                                             // unset = ELBSecurityPolicy-2016-08
		"PL-ALB-003": one(edit(a[tLB], "dropInvalidHeaderFields", nil)),
		"PL-ALB-004": one(edit(a[tLB], "accessLogs", nil)),
		"PL-ALB-005": one(edit(a[tLB], "internal", nil)),
		"PL-ALB-006": one(edit(a[tLB], "enableDeletionProtection", nil)),
		"PL-ALB-007": one(edit(a[tTargetGroup], "healthCheck", nil)),
		"PL-ALB-008": {edit(a[tLB], "internal", false)},
		"PL-IAM-001": one(edit(a[tRolePolicy], "policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`)),
		"PL-IAM-002": one(edit(a[tRolePolicy], "policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}`)),
		"PL-IAM-003": one(edit(a[tRoleAttachment], "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")),
		"PL-IAM-004": one(edit(a[tIAMRole], "assumeRolePolicy", awsiam.New(awsiam.Statement{Effect: "Allow",
			Principal: map[string]any{"Service": awsiam.PodIdentityService, "AWS": "arn:aws:iam::123456789012:root"},
			Action:    []string{"sts:AssumeRole", "sts:TagSession"}}).JSON())),
		"PL-KMS-001": one(edit(a[tKMSKey], "enableKeyRotation", nil)),
		"PL-LOG-001": one(edit(a[tLogGroup], "retentionInDays", nil)),
		"PL-LOG-002": one(edit(a[tLogGroup], "retentionInDays", 30.0)),
		"PL-LOG-003": one(edit(a[tLogGroup], "kmsKeyId", nil)),
		"PL-SG-001":  one(edit(a[tSGRule], "fromPort", 22.0)),
		"PL-SG-002":  one(edit(a[tDefaultSG], "ingress", []any{map[string]any{"protocol": "-1", "self": true}})),
		"PL-VPC-001": one(edit(a[tSubnet], "mapPublicIpOnLaunch", true)),
		"PL-VPC-002": {a[tVPC]},

		"PL-GKE-001": one(edit(g[tGKECluster], "privateClusterConfig", nil)),
		"PL-GKE-002": one(edit(g[tGKECluster], "masterAuthorizedNetworksConfig", nil)),
		"PL-GKE-003": one(edit(g[tGKECluster], "datapathProvider", nil)),
		"PL-GKE-004": one(edit(g[tGKECluster], "ipAllocationPolicy", nil)),
		"PL-GKE-005": one(edit(g[tGKECluster], "workloadIdentityConfig", nil)),
		"PL-GKE-006": one(edit(g[tGKECluster], "enableLegacyAbac", true)),
		"PL-GKE-007": one(edit(g[tGKECluster], "masterAuth.clientCertificateConfig.issueClientCertificate", true)),
		"PL-GKE-008": one(edit(g[tGKECluster], "enableShieldedNodes", false)),
		"PL-GKE-009": one(edit(g[tGKECluster], "releaseChannel", nil)),
		"PL-GKE-010": one(edit(g[tGKECluster], "binaryAuthorization", nil)),
		"PL-GKE-011": one(edit(g[tGKECluster], "enableIntranodeVisibility", nil)),
		"PL-GKE-012": one(edit(g[tGKECluster], "enableKubernetesAlpha", true)),
		"PL-GKE-013": one(edit(g[tGKECluster], "loggingService", "none")),
		"PL-GKE-014": one(edit(g[tGKECluster], "databaseEncryption", nil)),
		"PL-GKE-015": one(edit(g[tGKECluster], "location", "europe-west1-b")),
		"PL-GKE-016": one(edit(g[tGKECluster], "enableAutopilot", true)),
		"PL-GKE-020": one(edit(g[tGKENodePool], "management.autoUpgrade", false)),
		"PL-GKE-021": one(edit(g[tGKENodePool], "nodeConfig.imageType", "UBUNTU_CONTAINERD")),
		"PL-GKE-022": one(edit(g[tGKENodePool], "nodeConfig.serviceAccount", nil)),
		"PL-GKE-023": one(edit(g[tGKENodePool], "nodeConfig.workloadMetadataConfig", nil)),
		"PL-GKE-024": one(edit(g[tGKENodePool], "nodeConfig.shieldedInstanceConfig", nil)),
		"PL-GKE-025": one(edit(g[tGKENodePool], "autoscaling", nil)),
		"PL-GCP-001": one(edit(g[tFirewall], "sourceRanges", []any{"0.0.0.0/0"})),
		"PL-GCP-002": one(edit(g[tGCPSubnet], "logConfig", nil)),
		"PL-GCP-003": one(edit(g[tGCPNetwork], "autoCreateSubnetworks", nil)),

		"PL-K8S-001": one(edit(k[tDeployment], "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", nil)),
		"PL-K8S-002": one(edit(k[tDeployment], "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", nil)),
		"PL-K8S-003": one(edit(k[tDeployment], "spec.template.spec.containers[0].resources.requests", nil)),
		"PL-K8S-004": one(edit(k[tDeployment], "spec.template.spec.containers[0].resources.limits", nil)),
		"PL-K8S-005": one(edit(k[tDeployment], "spec.template.spec.containers[0].livenessProbe", map[string]any{"httpGet": map[string]any{"path": "/ready", "port": 8080.0}})),
		"PL-K8S-006": one(edit(k[tDeployment], "spec.template.spec.containers[0].image", "registry.example.com/acme/web:latest")),
		"PL-K8S-007": one(edit(k[tDeployment], "spec.template.spec.automountServiceAccountToken", nil)),
		"PL-K8S-008": one(edit(k[tDeployment], "spec.template.spec.serviceAccountName", nil)),
		"PL-K8S-009": one(edit(k[tDeployment], "metadata.namespace", nil)),
		"PL-K8S-010": one(edit(k[tDeployment], "spec.template.spec.topologySpreadConstraints", nil)),
		"PL-K8S-011": one(edit(k[tDeployment], "spec.strategy.type", "Recreate")),
		"PL-K8S-012": one(edit(k[tService], "spec.type", "NodePort")),
		"PL-K8S-013": one(edit(k[tService], "spec.type", "LoadBalancer")),
		"PL-K8S-014": one(edit(k[tHPA], "spec.maxReplicas", 3.0)),
		"PL-K8S-015": one(edit(k[tHPA], "spec.minReplicas", 1.0)),
		"PL-K8S-016": one(edit(k[tPDB], "spec.maxUnavailable", 0.0)),
		"PL-K8S-017": one(edit(k[tClusterRole], "rules[0]", map[string]any{"resources": []any{"secrets"}, "verbs": []any{"get"}})),
		"PL-K8S-018": one(edit(k[tCRB], "roleRef.name", "cluster-admin")),
		"PL-K8S-019": one(edit(k[tNamespace], "metadata.labels", nil)),
		"PL-K8S-020": stackWith(edit(k[tClusterPolicy], "spec.rules[0].verifyImages[0].failureAction", "Audit")),

		"PL-FLUX-001": one(edit(k[tKustomization], "spec.prune", false)),
		"PL-FLUX-002": one(edit(k[tGitRepository], "spec.url", "http://git.example.com/acme/deploy.git")),
		"PL-FLUX-003": one(edit(k[tGitRepository], "spec.url", "https://flux:ghp_token@git.example.com/acme/deploy.git")),
		"PL-FLUX-004": one(edit(k[tKustomization], "spec.wait", false)),
		"PL-FLUX-005": one(edit(edit(k[tDeployment], "spec.template.spec.containers[0].image", "registry.example.com/fluxcd/kustomize-controller:v1.9.6"),
			"spec.template.spec.containers[0].args", []any{"--watch-all-namespaces"})),

		"PL-X-001": stackWithout(tPDB),
		"PL-X-002": stackWithout(tHPA),
		"PL-X-003": stackWithout(tNetPol),
		"PL-X-004": stackWith(edit(k[tService], "spec.selector", map[string]any{"app.kubernetes.io/name": "wbe"})),
		"PL-X-005": stackWith(edit(edit(k[tPDB], "spec.maxUnavailable", nil), "spec.minAvailable", 5.0)),
		"PL-X-006": stackWith(edit(k[tDeployment], "spec.replicas", 3.0)),
	}
}

func findings(rep Report, id string) []Finding {
	var out []Finding
	for _, f := range rep.Findings {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// TestEveryRuleHasFailingAndPassingFixtures runs every rule on the
// compliant fixtures (no finding) and on its failing fixture (a finding).
func TestEveryRuleHasFailingAndPassingFixtures(t *testing.T) {
	fails := failing()
	prod := Context{Tier: "prod"}
	pass := Evaluate(Guardrails(), goodStack(), prod, nil)
	for _, rule := range Guardrails() {
		t.Run(rule.ID, func(t *testing.T) {
			if got := findings(pass, rule.ID); len(got) != 0 {
				t.Errorf("the compliant fixtures fail %s: %s", rule.ID, got[0].Message)
			}
			bad, ok := fails[rule.ID]
			if !ok {
				t.Fatalf("%s has no failing fixture", rule.ID)
			}
			rep := Evaluate([]*Rule{rule}, bad, prod, nil)
			if len(findings(rep, rule.ID)) == 0 {
				t.Fatalf("%s does not fire on its failing fixture", rule.ID)
			}
			if rule.Title == "" || rule.Remediation == "" || len(rule.Mirrors) == 0 || (rule.Severity != Mandatory && rule.Severity != Advisory) {
				t.Fatalf("%s lacks a title, remediation, upstream IDs or severity", rule.ID)
			}
		})
	}
	if len(fails) != len(Guardrails()) {
		t.Errorf("%d failing fixtures for %d rules: remove fixtures of rules that no longer exist", len(fails), len(Guardrails()))
	}
}

func TestAtLeastFiftyRulesWithUniqueIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if (r.Check == nil) == (r.StackCheck == nil) || (r.Check != nil && len(r.Types) == 0) {
			t.Errorf("%s must have exactly one of Check (with Types) and StackCheck", r.ID)
		}
	}
	if len(seen) < 50 {
		t.Fatalf("%d rules, want at least 50", len(seen))
	}
}

func TestWaivers(t *testing.T) {
	bad := []Resource{edit(awsGood()[tKMSKey], "enableKeyRotation", false)}
	rep := Evaluate(Rules(), bad, Context{}, []Waiver{{Rule: "PL-KMS-001", Resource: "key", Reason: "imported key rotated by the security team"}})
	if err := rep.Err(); err != nil {
		t.Fatalf("a waived finding still blocks: %v", err)
	}
	f := findings(rep, "PL-KMS-001")
	if len(f) != 1 || f[0].Waiver == nil || !strings.Contains(rep.Table(), "imported key rotated by the security team") {
		t.Fatalf("the waiver is not listed in the report:\n%s", rep.Table())
	}
	rep = Evaluate(Rules(), bad, Context{}, []Waiver{{Rule: "PL-KMS-001", Resource: "aws:kms/key:Key::k*"}})
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "PL-WAIVER") || !strings.Contains(err.Error(), "PL-KMS-001") {
		t.Fatalf("a waiver without a reason was honoured: %v", err)
	}
}

func TestReportErrNamesRuleResourceAndFix(t *testing.T) {
	rep := Evaluate(Rules(), []Resource{edit(edit(awsGood()[tLogGroup], "retentionInDays", nil), "kmsKeyId", nil)}, Context{}, nil)
	err := rep.Err()
	if err == nil || !strings.Contains(err.Error(), "PL-LOG-001 aws:cloudwatch/logGroup:LogGroup::logs: Log groups have a retention: logs are kept forever (fix: set retentionInDays)") {
		t.Fatalf("err = %v", err)
	}
	if len(rep.Advisories()) == 0 {
		t.Fatalf("advisory findings missing")
	}
}

// TestConditionedWildcardsAreScoped: a statement on "*" limited by a
// condition (the Cluster Autoscaler may resize only groups tagged as its
// cluster's) is scoped; an unscopable action (autoscaling:Describe*) is
// not a finding either.
func TestConditionedWildcardsAreScoped(t *testing.T) {
	var rule *Rule
	for _, r := range Guardrails() {
		if r.ID == "PL-IAM-002" {
			rule = r
		}
	}
	resize := awsiam.Allow("Resize", []string{"autoscaling:SetDesiredCapacity"}, "*")
	resize.Condition = map[string]map[string]string{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/c": "owned"}}
	doc := awsiam.New(resize, awsiam.Allow("Describe", []string{"autoscaling:DescribeTags"}, "*")).JSON()
	if got := rule.Check(res(tRolePolicy, "p", map[string]any{"policy": doc}), Context{}); len(got) != 0 {
		t.Fatalf("PL-IAM-002 flagged a conditioned or unscopable statement: %v", got)
	}
	resize.Condition = nil
	if got := rule.Check(res(tRolePolicy, "p", map[string]any{"policy": awsiam.New(resize).JSON()}), Context{}); len(got) != 1 {
		t.Fatalf("PL-IAM-002 passed SetDesiredCapacity on every group: %v", got)
	}
}

// TestSinglePodNeedsNoBudget: PL-X-001 asks a budget of a Deployment that
// runs two pods or more, and of no single-pod one (a canary's track): a
// budget cannot keep one pod available through a drain.
func TestSinglePodNeedsNoBudget(t *testing.T) {
	k := k8sGood()
	rule := []*Rule{ruleByID(t, Guardrails(), "PL-X-001")}
	for _, c := range []struct {
		name  string
		edits []Resource
		fires bool
	}{
		{"an HPA from 3 pods", []Resource{k[tHPA]}, true},
		{"an HPA from 1 pod", []Resource{edit(k[tHPA], "spec.minReplicas", 1.0)}, false},
		{"3 replicas, no HPA", []Resource{edit(k[tDeployment], "spec.replicas", 3.0)}, true},
		{"1 replica, no HPA", []Resource{edit(k[tDeployment], "spec.replicas", 1.0)}, false},
		{"no replicas (1), no HPA", nil, false},
	} {
		rs := []Resource{k[tDeployment]}
		for _, e := range c.edits {
			if e.Type == tDeployment {
				rs[0] = e
			} else {
				rs = append(rs, e)
			}
		}
		if got := len(findings(Evaluate(rule, rs, Context{Tier: "prod"}, nil), "PL-X-001")) > 0; got != c.fires {
			t.Errorf("%s without a PDB: fires %v, want %v", c.name, got, c.fires)
		}
	}
}
