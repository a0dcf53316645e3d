package ecs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures a Fargate service behind an Application Load Balancer.
type Args struct {
	// Tier picks task counts, log retention and deletion protection.
	// Default: "dev".
	Tier config.Tier
	// VPCID is the VPC of the service. Required.
	VPCID pulumi.StringInput
	// PrivateSubnetIDs hold the tasks (and an internal load balancer). Required.
	PrivateSubnetIDs pulumi.StringArrayInput
	// PublicSubnetIDs hold an internet-facing load balancer; required when
	// Public is set.
	PublicSubnetIDs pulumi.StringArrayInput
	// ClusterARN runs the service in an existing ECS cluster.
	// Default: - a new cluster with Container Insights.
	ClusterARN pulumi.StringInput
	// Image is the container image, pinned by a tag other than latest or a
	// digest. Required.
	Image string
	// Port is the container port. Default: 8080.
	Port int
	// CPU is the task's CPU units, a valid Fargate size. Default: 256.
	CPU int
	// Memory is the task's memory in MiB, valid for CPU. Default: 512.
	Memory int
	// CPUArchitecture is X86_64 or ARM64. Default: "X86_64".
	CPUArchitecture string
	// Env are plain environment variables; names that look secret are
	// rejected (use Secrets).
	Env map[string]string
	// Secrets maps environment variable names to Secrets Manager or SSM
	// parameter ARNs; the execution role may read exactly these.
	Secrets map[string]string
	// User is the UID:GID the container runs as; root is rejected.
	// Default: "1001:1001".
	User string
	// MinTasks is the autoscaling floor. Default: - by tier (1; staging 2; prod 3).
	MinTasks int
	// MaxTasks is the autoscaling ceiling. Default: - by tier (3; staging 6; prod 10).
	MaxTasks int
	// TargetCPUPercent is the CPU target of autoscaling. Default: 70.
	TargetCPUPercent int
	// TargetMemoryPercent is the memory target of autoscaling. Default: 80.
	TargetMemoryPercent int
	// RequestsPerTarget is the ALB request count per task that autoscaling
	// aims at. Default: 1000.
	RequestsPerTarget int
	// HealthCheck configures the target group's health check.
	HealthCheck HealthCheckArgs
	// ContainerHealthCheck is the container's own health check command
	// (CMD-SHELL form); empty for none.
	ContainerHealthCheck []string
	// HealthCheckGracePeriodSeconds lets new tasks start before the load
	// balancer's checks count. Default: 60.
	HealthCheckGracePeriodSeconds int
	// Public makes the load balancer internet-facing. Default: false.
	Public bool
	// AllowedCIDRs may reach the load balancer; 0.0.0.0/0 only with Public. Required.
	AllowedCIDRs []string
	// CertificateARN is the ACM certificate of the HTTPS listener;
	// required unless AllowHTTP.
	CertificateARN string
	// SSLPolicy of the HTTPS listener.
	// Default: "ELBSecurityPolicy-TLS13-1-2-2021-06".
	SSLPolicy string
	// AllowHTTP serves plain HTTP instead of redirecting it to HTTPS.
	// Default: false.
	AllowHTTP bool
	// AccessLogsBucket receives the load balancer's access logs; "" for none.
	AccessLogsBucket string
	// LogRetentionDays keeps the container logs. Default: - by tier (dev 30, staging 90, prod 365).
	LogRetentionDays int
	// LogKMSKeyARN encrypts the container logs; nil for CloudWatch's own encryption.
	LogKMSKeyARN pulumi.StringInput
	// DeletionProtection protects the load balancer from deletion.
	// Default: - by tier (prod only).
	DeletionProtection *bool
	// EnableExecuteCommand turns on ECS Exec (a shell into tasks).
	// Default: false.
	EnableExecuteCommand bool
	// TaskPolicyARNs are attached to the task role, which has no
	// permissions otherwise.
	TaskPolicyARNs []string
	// Tags are added to every resource.
	Tags map[string]string
}

// HealthCheckArgs configures the target group's health check.
type HealthCheckArgs struct {
	// Path is the HTTP path checked. Default: "/health".
	Path string
	// Matcher is the HTTP codes that count as healthy. Default: "200-399".
	Matcher string
	// IntervalSeconds between checks. Default: 15.
	IntervalSeconds int
	// TimeoutSeconds of one check. Default: 5.
	TimeoutSeconds int
	// HealthyThreshold is the successes that make a target healthy. Default: 2.
	HealthyThreshold int
	// UnhealthyThreshold is the failures that make it unhealthy. Default: 3.
	UnhealthyThreshold int
}
