package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/credential"
	"github.com/plinth-dev/plinth/pkg/eksversion"
)

// AWS type tokens the rules apply to.
const (
	tEKSCluster     = "aws:eks/cluster:Cluster"
	tEKSNodeGroup   = "aws:eks/nodeGroup:NodeGroup"
	tLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	tTaskDef        = "aws:ecs/taskDefinition:TaskDefinition"
	tECSService     = "aws:ecs/service:Service"
	tECSCluster     = "aws:ecs/cluster:Cluster"
	tLB             = "aws:lb/loadBalancer:LoadBalancer"
	tListener       = "aws:lb/listener:Listener"
	tTargetGroup    = "aws:lb/targetGroup:TargetGroup"
	tRolePolicy     = "aws:iam/rolePolicy:RolePolicy"
	tPolicy         = "aws:iam/policy:Policy"
	tRoleAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tKMSKey         = "aws:kms/key:Key"
	tLogGroup       = "aws:cloudwatch/logGroup:LogGroup"
	tSecurityGroup  = "aws:ec2/securityGroup:SecurityGroup"
	tSGRule         = "aws:ec2/securityGroupRule:SecurityGroupRule"
	tDefaultSG      = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	tVPC            = "aws:ec2/vpc:Vpc"
	tSubnet         = "aws:ec2/subnet:Subnet"
	tFlowLog        = "aws:ec2/flowLog:FlowLog"
	tWAFAssociation = "aws:wafv2/webAclAssociation:WebAclAssociation"
)

// EKSLogTypes are the control-plane log types CKV_AWS_37 requires.
var EKSLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// SupportedEKSVersions mirrors CKV_AWS_339's list of supported versions:
// the minors on plinth's EKS calendar (pkg/eksversion), which PL-D-008
// then holds to their support window on the day of the deployment.
func SupportedEKSVersions() []string {
	var out []string
	for _, r := range eksversion.Releases {
		out = append(out, r.Minor)
	}
	return out
}

// ModernTLSPolicies are listener policies with TLS 1.2+ and forward
// secrecy only.
var ModernTLSPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

// unscopedActions cannot be limited to resources (IAM requires "*"), as
// the Service Authorization Reference lists them (patterns allowed).
var unscopedActions = []string{"ecr:GetAuthorizationToken", "sts:GetCallerIdentity", "ec2:Describe*",
	"ec2:GetInstanceTypesFromInstanceRequirements", "autoscaling:Describe*", "logs:DescribeLogGroups"}

// unscoped reports whether action is one IAM cannot scope to resources.
func unscoped(action string) bool {
	return slices.ContainsFunc(unscopedActions, func(p string) bool { return awsiam.Matches(p, action) })
}

func awsRules() []*Rule {
	return []*Rule{
		{ID: "PL-EKS-001", Severity: Mandatory, Title: "EKS API endpoint is private or restricted",
			Remediation: "set vpcConfig.endpointPublicAccess false, or list publicAccessCidrs without 0.0.0.0/0",
			Mirrors:     []string{"CKV_AWS_39", "CKV_AWS_38", "AWS-0040", "AWS-0041", "CIS EKS 5.4.1", "CIS EKS 5.4.2"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "vpcConfig.endpointPublicAccess", true) { // provider default: public
					return nil
				}
				cidrs := stringsAt(r.Inputs, "vpcConfig.publicAccessCidrs")
				if len(cidrs) == 0 {
					return fail("public endpoint open to 0.0.0.0/0 (publicAccessCidrs unset)")
				}
				for _, c := range cidrs {
					if worldOpen(c) {
						return fail("public endpoint open to %s", c)
					}
				}
				return nil
			}},
		{ID: "PL-EKS-002", Severity: Mandatory, Title: "EKS secrets are envelope-encrypted with KMS",
			Remediation: "set encryptionConfig with resources [secrets] and a KMS key",
			Mirrors:     []string{"CKV_AWS_58", "AWS-0039", "CIS EKS 5.3.1"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				if !slices.Contains(stringsAt(r.Inputs, "encryptionConfig.resources"), "secrets") || !hasKey(r.Inputs, "encryptionConfig.provider.keyArn") {
					return fail("secrets are not encrypted with a KMS key")
				}
				return nil
			}},
		{ID: "PL-EKS-003", Severity: Mandatory, Title: "EKS control plane logs all five log types",
			Remediation: "set enabledClusterLogTypes to api, audit, authenticator, controllerManager, scheduler",
			Mirrors:     []string{"CKV_AWS_37", "AWS-0038", "CIS EKS 2.1.1"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				got := stringsAt(r.Inputs, "enabledClusterLogTypes")
				var missing []string
				for _, t := range EKSLogTypes {
					if !slices.Contains(got, t) {
						missing = append(missing, t)
					}
				}
				if len(missing) > 0 {
					return fail("log types missing: %s", strings.Join(missing, ", "))
				}
				return nil
			}},
		{ID: "PL-EKS-004", Severity: Mandatory, Title: "EKS version is supported",
			Remediation: "pin a supported Kubernetes version", Mirrors: []string{"CKV_AWS_339"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				v := str(r.Inputs, "version", "")
				if v == "" {
					return fail("version is not pinned (EKS picks whatever is latest)")
				}
				if !slices.Contains(SupportedEKSVersions(), v) {
					return fail("version %s is not supported", v)
				}
				return nil
			}},
		{ID: "PL-EKS-005", Severity: Advisory, Title: "EKS uses access entries (API authentication)",
			Remediation: "set accessConfig.authenticationMode API", Mirrors: []string{"eks-cluster-access-manager-enabled", "CIS EKS 5.5.1"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				if m := str(r.Inputs, "accessConfig.authenticationMode", "CONFIG_MAP"); m == "CONFIG_MAP" {
					return fail("authentication mode is %s (aws-auth ConfigMap)", m)
				}
				return nil
			}},
		{ID: "PL-EKS-006", Severity: Advisory, Title: "EKS private endpoint is on",
			Remediation: "set vpcConfig.endpointPrivateAccess true", Mirrors: []string{"CIS EKS 5.4.2"}, Types: []string{tEKSCluster},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "vpcConfig.endpointPrivateAccess", false) {
					return fail("nodes reach the API through the public endpoint")
				}
				return nil
			}},
		{ID: "PL-EKS-007", Severity: Mandatory, Title: "EKS node groups allow no SSH from anywhere",
			Remediation: "remove remoteAccess, or give it sourceSecurityGroupIds", Mirrors: []string{"CKV_AWS_100"}, Types: []string{tEKSNodeGroup},
			Check: func(r Resource, _ Context) []string {
				if hasKey(r.Inputs, "remoteAccess.ec2SshKey") && len(list(r.Inputs, "remoteAccess.sourceSecurityGroupIds")) == 0 {
					return fail("SSH key without source security groups opens port 22 to 0.0.0.0/0")
				}
				return nil
			}},
		{ID: "PL-EKS-008", Severity: Advisory, Title: "EKS node groups use a launch template",
			Remediation: "give the node group a launch template (IMDSv2, encrypted disks)", Mirrors: []string{"eks-node-group-launch-template-required"}, Types: []string{tEKSNodeGroup},
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "launchTemplate.id") && !hasKey(r.Inputs, "launchTemplate.name") {
					return fail("no launch template")
				}
				return nil
			}},
		{ID: "PL-EC2-001", Severity: Mandatory, Title: "Instances require IMDSv2",
			Remediation: "set metadataOptions.httpTokens required", Mirrors: []string{"CKV_AWS_79", "AWS-0130"}, Types: []string{tLaunchTemplate},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "metadataOptions.httpTokens", "optional") != "required" {
					return fail("IMDSv1 is allowed")
				}
				return nil
			}},
		{ID: "PL-EC2-002", Severity: Mandatory, Title: "Instance metadata hop limit is 1",
			Remediation: "set metadataOptions.httpPutResponseHopLimit 1", Mirrors: []string{"CKV_AWS_341"}, Types: []string{tLaunchTemplate},
			Check: func(r Resource, _ Context) []string {
				if n := number(r.Inputs, "metadataOptions.httpPutResponseHopLimit", 2); n != 1 {
					return fail("hop limit %g lets pods reach the node's credentials", n)
				}
				return nil
			}},
		{ID: "PL-EC2-003", Severity: Mandatory, Title: "Instances get no public IP",
			Remediation: "set networkInterfaces[].associatePublicIpAddress false", Mirrors: []string{"CKV_AWS_88", "CIS EKS 5.4.3"}, Types: []string{tLaunchTemplate},
			Check: func(r Resource, _ Context) []string {
				for i := range list(r.Inputs, "networkInterfaces") {
					if boolean(r.Inputs, sprintfPath("networkInterfaces[%d].associatePublicIpAddress", i), false) {
						return fail("network interface %d gets a public IP", i)
					}
				}
				return nil
			}},
		{ID: "PL-EC2-004", Severity: Mandatory, Title: "Instance volumes are encrypted",
			Remediation: "set blockDeviceMappings[].ebs.encrypted true", Mirrors: []string{"encrypted-volumes", "CKV_AWS_8"}, Types: []string{tLaunchTemplate},
			Check: func(r Resource, _ Context) []string {
				for i := range list(r.Inputs, "blockDeviceMappings") {
					if !boolean(r.Inputs, sprintfPath("blockDeviceMappings[%d].ebs.encrypted", i), false) {
						return fail("block device %d is not encrypted", i)
					}
				}
				return nil
			}},
		{ID: "PL-ECS-001", Severity: Mandatory, Title: "ECS containers are not privileged",
			Remediation: "set privileged false", Mirrors: []string{"CKV_AWS_334", "aws-ecs-taskdefinition-disallow-privileged-containers"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				return perContainer(r, func(c map[string]any) string {
					if boolean(c, "privileged", false) {
						return "is privileged"
					}
					return ""
				})
			}},
		{ID: "PL-ECS-002", Severity: Mandatory, Title: "ECS containers have a read-only root filesystem",
			Remediation: "set readonlyRootFilesystem true", Mirrors: []string{"CKV_AWS_336"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				return perContainer(r, func(c map[string]any) string {
					if !boolean(c, "readonlyRootFilesystem", false) {
						return "has a writable root filesystem"
					}
					return ""
				})
			}},
		{ID: "PL-ECS-003", Severity: Mandatory, Title: "ECS tasks do not share the host PID namespace",
			Remediation: "unset pidMode or set it to task", Mirrors: []string{"aws-ecs-taskdefinition-disallow-host-pid-mode", "CKV_AWS_335"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "pidMode", "") == "host" {
					return fail("pidMode is host")
				}
				return perContainer(r, func(c map[string]any) string {
					if str(c, "pidMode", "") == "host" {
						return "uses the host PID namespace"
					}
					return ""
				})
			}},
		{ID: "PL-ECS-004", Severity: Mandatory, Title: "ECS environment variables hold no secrets",
			Remediation: "move secret values to secrets (Secrets Manager or SSM valueFrom)", Mirrors: []string{"AWS-0036", "aws-ecs-taskdefinition-disallow-secrets-in-env-vars"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				return perContainer(r, func(c map[string]any) string {
					for _, e := range list(c, "environment") {
						name, _ := e.(map[string]any)["name"].(string)
						value, _ := e.(map[string]any)["value"].(string)
						if why := credential.Check(name, value); why != "" {
							return "has a credential in plain variable " + name + ": " + why
						}
					}
					return ""
				})
			}},
		{ID: "PL-ECS-005", Severity: Advisory, Title: "ECS task and execution roles are separate",
			Remediation: "give the task its own role", Mirrors: []string{"CKV_AWS_249"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				e, t := str(r.Inputs, "executionRoleArn", ""), str(r.Inputs, "taskRoleArn", "")
				if e != "" && e == t {
					return fail("one role for both")
				}
				return nil
			}},
		{ID: "PL-ECS-006", Severity: Mandatory, Title: "EFS volumes use in-transit encryption",
			Remediation: "set efsVolumeConfiguration.transitEncryption ENABLED", Mirrors: []string{"CKV_AWS_97", "AWS-0035"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				for i := range list(r.Inputs, "volumes") {
					p := sprintfPath("volumes[%d].efsVolumeConfiguration", i)
					if hasKey(r.Inputs, p) && str(r.Inputs, p+".transitEncryption", "DISABLED") != "ENABLED" {
						return fail("EFS volume %d without transit encryption", i)
					}
				}
				return nil
			}},
		{ID: "PL-ECS-007", Severity: Advisory, Title: "ECS containers run as a non-root user",
			Remediation: "set user to a non-root UID", Mirrors: []string{"Polaris runAsRootAllowed"}, Types: []string{tTaskDef},
			Check: func(r Resource, _ Context) []string {
				return perContainer(r, func(c map[string]any) string {
					if u := str(c, "user", ""); u == "" || u == "0" || u == "root" || strings.HasPrefix(u, "0:") {
						return "runs as root"
					}
					return ""
				})
			}},
		{ID: "PL-ECS-008", Severity: Mandatory, Title: "ECS services get no public IP",
			Remediation: "set networkConfiguration.assignPublicIp false", Mirrors: []string{"CKV_AWS_333"}, Types: []string{tECSService},
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "networkConfiguration.assignPublicIp", false) {
					return fail("tasks get public IPs")
				}
				return nil
			}},
		{ID: "PL-ECS-009", Severity: Advisory, Title: "Fargate platform version is LATEST",
			Remediation: "leave platformVersion unset or LATEST", Mirrors: []string{"CKV_AWS_332"}, Types: []string{tECSService},
			Check: func(r Resource, _ Context) []string {
				if v := str(r.Inputs, "platformVersion", "LATEST"); v != "LATEST" {
					return fail("platform version pinned to %s", v)
				}
				return nil
			}},
		{ID: "PL-ECS-010", Severity: Advisory, Title: "ECS deployments roll back on failure",
			Remediation: "enable deploymentCircuitBreaker with rollback", Mirrors: []string{"aws well-architected REL"}, Types: []string{tECSService},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "deploymentCircuitBreaker.enable", false) || !boolean(r.Inputs, "deploymentCircuitBreaker.rollback", false) {
					return fail("no circuit breaker with rollback")
				}
				return nil
			}},
		{ID: "PL-ECS-011", Severity: Advisory, Title: "ECS clusters have Container Insights",
			Remediation: "set the containerInsights setting to enabled", Mirrors: []string{"CKV_AWS_65", "AWS-0034"}, Types: []string{tECSCluster},
			Check: func(r Resource, _ Context) []string {
				for _, s := range list(r.Inputs, "settings") {
					m, _ := s.(map[string]any)
					if m["name"] == "containerInsights" && (m["value"] == "enabled" || m["value"] == "enhanced") {
						return nil
					}
				}
				return fail("Container Insights off")
			}},
		{ID: "PL-ALB-001", Severity: Mandatory, Title: "Plain HTTP listeners only redirect to HTTPS",
			Remediation: "use HTTPS, or make the HTTP listener's default action a redirect", Mirrors: []string{"CKV_AWS_2", "CKV2_AWS_20", "AWS-0054"}, Types: []string{tListener},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "protocol", "HTTP") != "HTTP" {
					return nil
				}
				for _, a := range list(r.Inputs, "defaultActions") {
					if m, _ := a.(map[string]any); m["type"] != "redirect" {
						return fail("HTTP listener forwards traffic unencrypted")
					}
				}
				return nil
			}},
		{ID: "PL-ALB-002", Severity: Mandatory, Title: "HTTPS listeners use a modern TLS policy",
			Remediation: "set sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06", Mirrors: []string{"CKV_AWS_103", "CKV2_AWS_74", "AWS-0047"}, Types: []string{tListener},
			Check: func(r Resource, _ Context) []string {
				if p := str(r.Inputs, "protocol", "HTTP"); p != "HTTPS" && p != "TLS" {
					return nil
				}
				if p := str(r.Inputs, "sslPolicy", "ELBSecurityPolicy-2016-08"); !slices.Contains(ModernTLSPolicies, p) {
					return fail("TLS policy %s allows old protocols or ciphers", p)
				}
				return nil
			}},
		{ID: "PL-ALB-003", Severity: Mandatory, Title: "Load balancers drop invalid header fields",
			Remediation: "set dropInvalidHeaderFields true", Mirrors: []string{"CKV_AWS_131", "AWS-0052"}, Types: []string{tLB},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "loadBalancerType", "application") == "application" && !boolean(r.Inputs, "dropInvalidHeaderFields", false) {
					return fail("invalid headers are passed to targets")
				}
				return nil
			}},
		{ID: "PL-ALB-004", Severity: Advisory, Title: "Load balancers write access logs",
			Remediation: "set accessLogs with a bucket", Mirrors: []string{"CKV_AWS_91", "elb-logging-enabled"}, Types: []string{tLB},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "accessLogs.enabled", false) {
					return fail("no access logs")
				}
				return nil
			}},
		{ID: "PL-ALB-005", Severity: Advisory, Title: "Load balancers are internal unless meant to be public",
			Remediation: "set internal true, or waive with the reason it faces the internet", Mirrors: []string{"AWS-0053"}, Types: []string{tLB},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "internal", false) {
					return fail("internet-facing")
				}
				return nil
			}},
		{ID: "PL-ALB-006", Severity: Advisory, Title: "Production load balancers are protected from deletion",
			Remediation: "set enableDeletionProtection true", Mirrors: []string{"CKV_AWS_150"}, Types: []string{tLB},
			Check: func(r Resource, c Context) []string {
				if c.Tier == "prod" && !boolean(r.Inputs, "enableDeletionProtection", false) {
					return fail("deletion protection off in prod")
				}
				return nil
			}},
		{ID: "PL-ALB-007", Severity: Advisory, Title: "Target groups have a health check",
			Remediation: "configure healthCheck with a path", Mirrors: []string{"CKV_AWS_261"}, Types: []string{tTargetGroup},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "healthCheck.enabled", true) || !hasKey(r.Inputs, "healthCheck.path") {
					return fail("no explicit health check path")
				}
				return nil
			}},
		{ID: "PL-IAM-001", Severity: Mandatory, Title: "IAM policies grant no wildcard actions",
			Remediation: "list the actions the role needs", Mirrors: []string{"CKV_AWS_1", "CKV_AWS_49", "CKV_AWS_62", "CKV_AWS_63", "AWS-0057"}, Types: []string{tRolePolicy, tPolicy},
			Check: func(r Resource, _ Context) []string {
				doc, err := awsiam.Parse(str(r.Inputs, "policy", "{}"))
				if err != nil {
					return fail("policy is not valid JSON: %v", err)
				}
				if w := doc.WildcardActions(); len(w) > 0 {
					return fail("allows %s", strings.Join(w, ", "))
				}
				return nil
			}},
		{ID: "PL-IAM-002", Severity: Advisory, Title: "IAM policies scope restrictable actions to resources",
			Remediation: "name the resources instead of \"*\"", Mirrors: []string{"CKV_AWS_355", "CKV_AWS_288", "AWS-0342"}, Types: []string{tRolePolicy, tPolicy},
			Check: func(r Resource, _ Context) []string {
				doc, err := awsiam.Parse(str(r.Inputs, "policy", "{}"))
				if err != nil {
					return nil
				}
				var out []string
				for _, st := range doc.Statement {
					// A statement with a condition (a resource tag, say) is
					// scoped by it.
					if st.Effect != "Allow" || !slices.Contains(st.Resource, "*") || len(st.Condition) > 0 {
						continue
					}
					for _, a := range st.Action {
						if !unscoped(a) {
							out = append(out, sprintfPath("%s on every resource", a))
						}
					}
				}
				return out
			}},
		{ID: "PL-IAM-003", Severity: Mandatory, Title: "No role gets administrator access",
			Remediation: "attach a policy with only what the role needs", Mirrors: []string{"CKV_AWS_275", "CKV2_AWS_40"}, Types: []string{tRoleAttachment},
			Check: func(r Resource, _ Context) []string {
				if strings.HasSuffix(str(r.Inputs, "policyArn", ""), ":policy/AdministratorAccess") {
					return fail("AdministratorAccess attached")
				}
				return nil
			}},
		{ID: "PL-IAM-004", Severity: Mandatory, Title: "Pod Identity roles trust only the Pod Identity service",
			Remediation: "trust pods.eks.amazonaws.com alone, for sts:AssumeRole and sts:TagSession (awsiam.AssumeRoleForPodIdentity)",
			Mirrors:     []string{"EKS Best Practices: EKS Pod Identity", "CKV_AWS_60"}, Types: []string{tIAMRole},
			Check: func(r Resource, _ Context) []string {
				doc, err := awsiam.Parse(str(r.Inputs, "assumeRolePolicy", "{}"))
				if err != nil || !trusts(doc, awsiam.PodIdentityService) {
					return nil
				}
				var out []string
				for i, st := range doc.Statement {
					if len(st.Principal) != 1 || fmt.Sprint(st.Principal["Service"]) != awsiam.PodIdentityService {
						out = append(out, sprintfPath("statement %d also trusts %v: a Pod Identity role must trust pods.eks.amazonaws.com alone", i+1, st.Principal))
					}
					for _, a := range st.Action {
						if a != "sts:AssumeRole" && a != "sts:TagSession" {
							out = append(out, sprintfPath("statement %d allows %s", i+1, a))
						}
					}
				}
				return out
			}},
		{ID: "PL-KMS-001", Severity: Mandatory, Title: "KMS keys rotate",
			Remediation: "set enableKeyRotation true", Mirrors: []string{"cmk-backing-key-rotation-enabled", "CKV_AWS_7"}, Types: []string{tKMSKey},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "enableKeyRotation", false) {
					return fail("rotation off")
				}
				return nil
			}},
		{ID: "PL-LOG-001", Severity: Mandatory, Title: "Log groups have a retention",
			Remediation: "set retentionInDays", Mirrors: []string{"CKV_AWS_66"}, Types: []string{tLogGroup},
			Check: func(r Resource, _ Context) []string {
				if number(r.Inputs, "retentionInDays", 0) == 0 {
					return fail("logs are kept forever")
				}
				return nil
			}},
		{ID: "PL-LOG-002", Severity: Advisory, Title: "Production logs are kept at least a year",
			Remediation: "set retentionInDays to 365 or more", Mirrors: []string{"CKV_AWS_338"}, Types: []string{tLogGroup},
			Check: func(r Resource, c Context) []string {
				if n := number(r.Inputs, "retentionInDays", 0); c.Tier == "prod" && n > 0 && n < 365 {
					return fail("retention %g days", n)
				}
				return nil
			}},
		{ID: "PL-LOG-003", Severity: Advisory, Title: "Log groups are encrypted with a customer key",
			Remediation: "set kmsKeyId", Mirrors: []string{"CKV_AWS_158", "AWS-0017"}, Types: []string{tLogGroup},
			Check: func(r Resource, _ Context) []string {
				if !hasKey(r.Inputs, "kmsKeyId") {
					return fail("CloudWatch's own encryption only")
				}
				return nil
			}},
		{ID: "PL-SG-001", Severity: Mandatory, Title: "Security groups open only web ports to the internet",
			Remediation: "restrict cidrBlocks, or open only 80/443 to the internet", Mirrors: []string{"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "AWS-0107"}, Types: []string{tSGRule, tSecurityGroup},
			Check: func(r Resource, _ Context) []string {
				rules := []map[string]any{}
				if r.Type == tSGRule {
					if str(r.Inputs, "type", "") == "ingress" {
						rules = append(rules, r.Inputs)
					}
				} else {
					for _, x := range list(r.Inputs, "ingress") {
						m, _ := x.(map[string]any)
						rules = append(rules, m)
					}
				}
				for _, rule := range rules {
					open := false
					for _, c := range append(stringsAt(rule, "cidrBlocks"), stringsAt(rule, "ipv6CidrBlocks")...) {
						open = open || worldOpen(c)
					}
					from, to := number(rule, "fromPort", 0), number(rule, "toPort", 65535)
					web := (from == 80 && to == 80) || (from == 443 && to == 443)
					if open && !web {
						return fail("ports %g–%g open to the internet", from, to)
					}
				}
				return nil
			}},
		{ID: "PL-SG-002", Severity: Mandatory, Title: "The default security group has no rules",
			Remediation: "adopt the default security group with no ingress or egress", Mirrors: []string{"CKV2_AWS_12", "CIS AWS 5.4"}, Types: []string{tDefaultSG},
			Check: func(r Resource, _ Context) []string {
				if len(list(r.Inputs, "ingress")) > 0 || len(list(r.Inputs, "egress")) > 0 {
					return fail("default security group keeps rules")
				}
				return nil
			}},
		{ID: "PL-VPC-001", Severity: Advisory, Title: "Subnets do not give instances public IPs",
			Remediation: "set mapPublicIpOnLaunch false", Mirrors: []string{"CKV_AWS_130"}, Types: []string{tSubnet},
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "mapPublicIpOnLaunch", false) {
					return fail("maps public IPs on launch")
				}
				return nil
			}},
		{ID: "PL-VPC-002", Severity: Mandatory, Title: "Every VPC has flow logs",
			Remediation: "add an aws.ec2.FlowLog for the VPC", Mirrors: []string{"CKV2_AWS_11", "CIS AWS 3.9"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				vpcs, logs := 0, 0
				var out []Violation
				for _, r := range rs {
					switch r.Type {
					case tVPC:
						vpcs++
					case tFlowLog:
						if hasKey(r.Inputs, "vpcId") {
							logs++
						}
					}
				}
				if vpcs > logs {
					for _, r := range rs {
						if r.Type == tVPC {
							out = append(out, Violation{Resource: r.ID(), Message: "no flow log for this VPC"})
						}
					}
				}
				return out
			}},
		{ID: "PL-ALB-008", Severity: Advisory, Title: "Internet-facing load balancers have a WAF",
			Remediation: "associate a WAFv2 web ACL", Mirrors: []string{"CKV2_AWS_28"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				wafs := 0
				for _, r := range rs {
					if r.Type == tWAFAssociation {
						wafs++
					}
				}
				var out []Violation
				for _, r := range rs {
					if r.Type == tLB && !boolean(r.Inputs, "internal", false) && wafs == 0 {
						out = append(out, Violation{Resource: r.ID(), Message: "no web ACL associated"})
					}
				}
				return out
			}},
	}
}

// perContainer applies f to each container of a task definition's
// containerDefinitions JSON.
func perContainer(r Resource, f func(c map[string]any) string) []string {
	var defs []map[string]any
	if err := json.Unmarshal([]byte(str(r.Inputs, "containerDefinitions", "[]")), &defs); err != nil {
		return fail("containerDefinitions is not JSON: %v", err)
	}
	var out []string
	for _, c := range defs {
		if msg := f(c); msg != "" {
			name, _ := c["name"].(string)
			out = append(out, "container "+name+" "+msg)
		}
	}
	return out
}

func hasKey(in map[string]any, p string) bool {
	_, ok := get(in, p)
	return ok
}

// trusts reports whether a trust policy admits the service principal.
func trusts(doc awsiam.Document, service string) bool {
	for _, st := range doc.Statement {
		switch p := st.Principal["Service"].(type) {
		case string:
			if p == service {
				return true
			}
		case []any:
			if slices.Contains(p, any(service)) {
				return true
			}
		}
	}
	return false
}
