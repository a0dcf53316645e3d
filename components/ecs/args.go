package ecs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures a Fargate service behind an Application Load Balancer.
//
// Fields that name a cloud object (image, ARNs, ids) are Pulumi inputs, so
// they can come from other resources or stack references. A literal is
// validated before anything is registered; an output is validated when it
// resolves, and a bad value then fails the update with the same message.
type Args struct {
	// Tier picks task counts, log retention and deletion protection.
	// Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// VPCID is the VPC of the service. Required.
	VPCID pulumi.StringInput `pulumi:"vpcId"`
	// PrivateSubnetIDs hold the tasks (and an internal load balancer). Required.
	PrivateSubnetIDs pulumi.StringArrayInput `pulumi:"privateSubnetIds"`
	// PublicSubnetIDs hold an internet-facing load balancer; required when
	// Public is set.
	PublicSubnetIDs pulumi.StringArrayInput `pulumi:"publicSubnetIds,optional"`
	// ClusterARN runs the service in an existing ECS cluster.
	// Default: - a new cluster with Container Insights.
	ClusterARN pulumi.StringInput `pulumi:"clusterArn,optional"`
	// Image is the container image, pinned by a tag other than latest or a
	// digest, e.g. an ECR repository URL and a digest built in the same
	// program. Required.
	Image pulumi.StringInput `pulumi:"image"`
	// Port is the container port. Default: 8080.
	Port *int `pulumi:"port,optional"`
	// CPU is the task's CPU units, a valid Fargate size. Default: 256.
	CPU *int `pulumi:"cpu,optional"`
	// Memory is the task's memory in MiB, valid for CPU. Default: 512.
	Memory *int `pulumi:"memory,optional"`
	// CPUArchitecture is X86_64 or ARM64. Default: "X86_64".
	CPUArchitecture string `pulumi:"cpuArchitecture,optional"`
	// Env are plain environment variables, stored in the clear in the task
	// definition and the state: a credential, recognised by its name
	// (DB_PASSWORD, STRIPE_KEY) or value (a URL with a password, a key
	// format such as AKIA…), is refused; pass it in Secrets.
	Env map[string]string `pulumi:"env,optional"`
	// AllowPlaintextEnv maps an Env variable that looks like a credential
	// but is not one to the reason, e.g. {"CACHE_KEY": "a key prefix"}.
	AllowPlaintextEnv map[string]string `pulumi:"allowPlaintextEnv,optional"`
	// Secrets maps environment variable names to what ECS reads them from:
	// a Secrets Manager secret ARN (optionally with ":<json-key>::" to read
	// one key) or an SSM parameter ARN. The execution role may read exactly
	// these.
	Secrets map[string]pulumi.StringInput `pulumi:"secrets,optional"`
	// SecretsKMSKeyARNs are the customer-managed KMS keys the secrets are
	// encrypted with; the execution role may decrypt with them (and no
	// other key). Secrets under AWS's own key need none.
	SecretsKMSKeyARNs []pulumi.StringInput `pulumi:"secretsKmsKeyArns,optional"`
	// User is the UID:GID the container runs as; root is rejected.
	// Default: "10001:10001".
	User string `pulumi:"user,optional"`
	// MinTasks is the autoscaling floor. Default: - by tier (1; staging 2; prod 3).
	MinTasks *int `pulumi:"minTasks,optional"`
	// MaxTasks is the autoscaling ceiling. Default: - by tier (3; staging 6; prod 10).
	MaxTasks *int `pulumi:"maxTasks,optional"`
	// TargetCPUPercent is the CPU target of autoscaling. Default: 70.
	TargetCPUPercent *int `pulumi:"targetCpuPercent,optional"`
	// TargetMemoryPercent is the memory target of autoscaling, 1–100; 0
	// scales on no memory target. Default: 80.
	TargetMemoryPercent *int `pulumi:"targetMemoryPercent,optional"`
	// RequestsPerTarget is the ALB request count per task that autoscaling
	// aims at; 0 scales on no request target. Default: 1000.
	RequestsPerTarget *int `pulumi:"requestsPerTarget,optional"`
	// HealthCheck configures the target group's health check.
	HealthCheck *HealthCheckArgs `pulumi:"healthCheck,optional"`
	// ContainerHealthCheck is the container's own health check; unset for none.
	ContainerHealthCheck *ContainerHealthCheckArgs `pulumi:"containerHealthCheck,optional"`
	// HealthCheckGracePeriodSeconds lets new tasks start before the load
	// balancer's checks count; 0 counts them at once. Default: 60.
	HealthCheckGracePeriodSeconds *int `pulumi:"healthCheckGracePeriodSeconds,optional"`
	// Public makes the load balancer internet-facing. Default: false.
	Public bool `pulumi:"public,optional"`
	// AllowedCIDRs may reach the load balancer; 0.0.0.0/0 only with Public. Required.
	AllowedCIDRs []string `pulumi:"allowedCidrs"`
	// CertificateARN is the ACM certificate of the HTTPS listener;
	// required unless AllowHTTP.
	CertificateARN pulumi.StringInput `pulumi:"certificateArn,optional"`
	// SSLPolicy of the HTTPS listener.
	// Default: "ELBSecurityPolicy-TLS13-1-2-2021-06".
	SSLPolicy string `pulumi:"sslPolicy,optional"`
	// AllowHTTP serves plain HTTP instead of redirecting it to HTTPS.
	// Default: false.
	AllowHTTP bool `pulumi:"allowHttp,optional"`
	// AccessLogsBucket receives the load balancer's access logs (the
	// bucket's name); unset for none.
	AccessLogsBucket pulumi.StringInput `pulumi:"accessLogsBucket,optional"`
	// LogRetentionDays keeps the container logs. Default: - by tier (dev 30, staging 90, prod 365).
	LogRetentionDays *int `pulumi:"logRetentionDays,optional"`
	// LogKMSKeyARN encrypts the container logs; unset for CloudWatch's own encryption.
	LogKMSKeyARN pulumi.StringInput `pulumi:"logKmsKeyArn,optional"`
	// DeletionProtection protects the load balancer from deletion.
	// Default: - by tier (prod only).
	DeletionProtection *bool `pulumi:"deletionProtection,optional"`
	// EnableExecuteCommand turns on ECS Exec (a shell into tasks).
	// Default: false.
	EnableExecuteCommand bool `pulumi:"enableExecuteCommand,optional"`
	// TaskPolicyARNs are attached to the task role, which has no
	// permissions otherwise.
	TaskPolicyARNs []pulumi.StringInput `pulumi:"taskPolicyArns,optional"`
	// Egress is where the tasks may connect to; every other destination is
	// refused. Default: - HTTPS (443) anywhere: images, secrets, AWS APIs.
	Egress []EgressArgs `pulumi:"egress,optional"`
	// Tags are added to every resource.
	Tags map[string]string `pulumi:"tags,optional"`
}

// EgressArgs allows the tasks to connect to a destination: blocks, or the
// members of a security group (a database's).
type EgressArgs struct {
	// Description says what the destination is. Required.
	Description string `pulumi:"description"`
	// FromPort is the first TCP port. Required.
	FromPort int `pulumi:"fromPort"`
	// ToPort is the last TCP port. Default: - FromPort.
	ToPort *int `pulumi:"toPort,optional"`
	// CIDRs are destination blocks.
	CIDRs []string `pulumi:"cidrs,optional"`
	// SecurityGroupID is a destination security group; set it or CIDRs.
	SecurityGroupID pulumi.StringInput `pulumi:"securityGroupId,optional"`
}

// HealthCheckArgs configures the target group's health check.
type HealthCheckArgs struct {
	// Path is the HTTP path checked. Default: "/health".
	Path string `pulumi:"path,optional"`
	// Matcher is the HTTP codes that count as healthy. Default: "200-399".
	Matcher string `pulumi:"matcher,optional"`
	// IntervalSeconds between checks. Default: 15.
	IntervalSeconds *int `pulumi:"intervalSeconds,optional"`
	// TimeoutSeconds of one check. Default: 5.
	TimeoutSeconds *int `pulumi:"timeoutSeconds,optional"`
	// HealthyThreshold is the successes that make a target healthy. Default: 2.
	HealthyThreshold *int `pulumi:"healthyThreshold,optional"`
	// UnhealthyThreshold is the failures that make it unhealthy. Default: 3.
	UnhealthyThreshold *int `pulumi:"unhealthyThreshold,optional"`
}

// ContainerHealthCheckArgs is the container's own health check, within
// the ranges ECS accepts (API HealthCheck).
type ContainerHealthCheckArgs struct {
	// Command is run with CMD-SHELL, e.g. ["curl -fs http://localhost:8080/health"]. Required.
	Command []string `pulumi:"command"`
	// IntervalSeconds between checks, 5–300. Default: 30.
	IntervalSeconds *int `pulumi:"intervalSeconds,optional"`
	// TimeoutSeconds of one check, 2–60. Default: 5.
	TimeoutSeconds *int `pulumi:"timeoutSeconds,optional"`
	// Retries before the container is unhealthy, 1–10. Default: 3.
	Retries *int `pulumi:"retries,optional"`
	// StartPeriodSeconds lets the container start before failures count,
	// 0–300. Default: 60.
	StartPeriodSeconds *int `pulumi:"startPeriodSeconds,optional"`
}
