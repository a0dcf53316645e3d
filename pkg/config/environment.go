package config

import (
	"cmp"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// Namespace is the Pulumi config namespace plinth reads: every key is
// "plinth:<key>".
const Namespace = "plinth"

// Environment is one stack's environment, read from the "plinth:*" keys of
// its Pulumi config. Parse fills every unset field with its tier default,
// so after a successful Parse or Load every field holds the value in use.
type Environment struct {
	// Name is the environment name (plinth:name). Default: - the stack name.
	Name string `json:"name"`
	// Tier picks the defaults (plinth:tier): local, dev, staging or prod. Required.
	Tier Tier `json:"tier"`
	// Cloud is where the environment runs (plinth:cloud): local, aws or gcp. Required.
	Cloud Cloud `json:"cloud"`
	// Region is the AWS or GCP region (plinth:region). Required on aws and gcp.
	Region string `json:"region,omitempty"`
	// Project is the GCP project id (plinth:project). Required on gcp.
	Project string `json:"project,omitempty"`
	// Owner is the owning team, set as a tag (plinth:owner).
	Owner string `json:"owner,omitempty"`
	// CostCenter is the cost allocation key, set as a tag (plinth:costCenter).
	CostCenter string `json:"costCenter,omitempty"`
	// Network sizes the VPC (plinth:network).
	Network Network `json:"network"`
	// Cluster sizes the Kubernetes cluster (plinth:cluster).
	Cluster Cluster `json:"cluster"`
	// Apps are the applications deployed on the cluster (plinth:apps).
	Apps []App `json:"apps"`
	// Monitoring configures the monitoring stack (plinth:monitoring).
	Monitoring Monitoring `json:"monitoring"`
	// Gateway is the Gateway API Gateway the applications' routes attach to
	// (plinth:gateway); nil for none, and then no application has a host.
	Gateway *Gateway `json:"gateway,omitempty"`
	// ECS is the Fargate service of an AWS environment (plinth:ecs); nil for none.
	ECS *ECSService `json:"ecs,omitempty"`
	// Rollouts is the Argo Rollouts controller a cloud environment
	// installs when an application uses the Progressive strategy
	// (plinth:rollouts).
	Rollouts Rollouts `json:"rollouts"`
	// ImagePolicy lets only signed images run (plinth:imagePolicy); nil
	// for none. Prod requires it (guardrail PL-K8S-020).
	ImagePolicy *ImagePolicy `json:"imagePolicy,omitempty"`
	// Waivers exempt resources from guardrail rules, each with a reason (plinth:waivers).
	Waivers []Waiver `json:"waivers,omitempty"`
	// Delivery is how the applications reach the cluster (plinth:delivery):
	// "pulumi" (the stack applies them) or "gitops" (Flux applies them
	// from the repository plinth:gitops names; the stack installs Flux).
	// Default: "pulumi".
	Delivery string `json:"delivery,omitempty"`
	// GitOps configures GitOps delivery (plinth:gitops); nil unless
	// delivery is "gitops".
	GitOps *GitOps `json:"gitops,omitempty"`

	// Defaults are the tier defaults that were applied.
	Defaults Defaults `json:"-"`
	// Secrets are the secret config values the environment uses, by key
	// (without the "plinth:" prefix), always Pulumi secrets. Filled by Load.
	Secrets map[string]pulumi.StringOutput `json:"-"`
}

// Network is the "plinth:network" object.
type Network struct {
	// VPCCIDR is the AWS VPC block, private (RFC 1918), /16 to /24. Default: - awsnetwork's ("10.0.0.0/16").
	VPCCIDR string `json:"vpcCidr,omitempty"`
	// AZCount is the number of availability zones, at least 2. Default: - by tier (2; prod 3).
	AZCount *int `json:"azCount,omitempty"`
	// NATGateways is "single" or "perAz". Default: - by tier ("single"; prod "perAz").
	NATGateways string `json:"natGateways,omitempty"`
	// SubnetSlots is the number of zone slots each half of the AWS VPC block
	// is divided into; adding a zone never moves a subnet. Default: - 4
	// (awsnetwork.Args.SubnetSlots).
	SubnetSlots *int `json:"subnetSlots,omitempty"`
	// ExcludeZoneIDs are AWS availability zone IDs never to use (zones EKS
	// refuses in the account).
	ExcludeZoneIDs []string `json:"excludeZoneIds,omitempty"`
	// NodesCIDR is the GCP node subnetwork range (gcpnetwork.Args.NodesCIDR). Default: - gcpnetwork's ("10.16.0.0/20").
	NodesCIDR string `json:"nodesCidr,omitempty"`
	// PodsCIDR is the GCP secondary range for pods. Default: - gcpnetwork's ("10.20.0.0/14").
	PodsCIDR string `json:"podsCidr,omitempty"`
	// ServicesCIDR is the GCP secondary range for services. Default: - gcpnetwork's ("10.16.16.0/20").
	ServicesCIDR string `json:"servicesCidr,omitempty"`
	// Routes are routes the AWS VPC's route tables carry besides their
	// default route: to a peered VPC, or through a transit gateway
	// (awsnetwork.Args.Routes). The tables declare their routes inline,
	// so a route added to them outside plinth is removed by the next up.
	Routes []NetworkRoute `json:"routes,omitempty"`
}

// NetworkRoute is one of plinth:network.routes (awsnetwork.RouteArgs):
// a destination block and exactly one target.
type NetworkRoute struct {
	// DestinationCIDR is the IPv4 block the route sends, outside the VPC's.
	DestinationCIDR string `json:"destinationCidr"`
	// TransitGatewayID sends it to a transit gateway (tgw-…).
	TransitGatewayID string `json:"transitGatewayId,omitempty"`
	// VPCPeeringConnectionID sends it over a VPC peering connection (pcx-…).
	VPCPeeringConnectionID string `json:"vpcPeeringConnectionId,omitempty"`
	// Public adds it to the public subnets' route table as well.
	Public bool `json:"public,omitempty"`
}

// Cluster is the "plinth:cluster" object.
type Cluster struct {
	// Name is the cluster name. Default: - "<Pulumi project>-<stack>", set
	// by the stack program (which knows the project).
	Name string `json:"name,omitempty"`
	// Version is the EKS Kubernetes minor version, inside its support
	// window on the day of the deployment (pkg/eksversion). Default: - eks's
	// (eksversion.Default).
	Version string `json:"version,omitempty"`
	// SupportType is the EKS upgrade policy: STANDARD or EXTENDED.
	// Default: - eks's ("STANDARD").
	SupportType string `json:"supportType,omitempty"`
	// PublicAccessCIDRs opens the EKS API endpoint to these blocks; empty
	// keeps it private. 0.0.0.0/0 is rejected.
	PublicAccessCIDRs []string `json:"publicAccessCidrs,omitempty"`
	// PrivateAccessCIDRs may reach the private EKS endpoint on 443: the
	// deploy runners' subnets, a VPN.
	PrivateAccessCIDRs []string `json:"privateAccessCidrs,omitempty"`
	// Autoscaler installs the Cluster Autoscaler on EKS (nil for none).
	Autoscaler *ClusterAutoscaler `json:"autoscaler,omitempty"`
	// AdminRoleARNs get cluster-admin access entries on EKS. Required on aws.
	AdminRoleARNs []string `json:"adminRoleArns,omitempty"`
	// AuthorizedNetworks may reach the GKE API endpoint. 0.0.0.0/0 is rejected.
	AuthorizedNetworks []string `json:"authorizedNetworks,omitempty"`
	// Identity is how an EKS cluster gives pods an AWS role (apps with
	// cloudIdentity): "podIdentity" (EKS Pod Identity) or "irsa".
	// Default: "podIdentity".
	Identity string `json:"identity,omitempty"`
	// AutoMode runs an EKS cluster in EKS Auto Mode (aws): EKS provisions,
	// scales and patches the nodes, so nodeGroups and autoscaler are not
	// set. Default: - off.
	AutoMode *AutoMode `json:"autoMode,omitempty"`
	// Autopilot makes a GKE cluster an Autopilot cluster (gcp): Google
	// provisions and scales the nodes per pod, so nodeGroups is not set and
	// the cluster is regional. Default: false.
	Autopilot bool `json:"autopilot,omitempty"`
	// Regional makes a GKE cluster regional. Default: - by tier (false for dev).
	Regional *bool `json:"regional,omitempty"`
	// DeletionProtection protects the cluster. Default: - by tier (prod only).
	DeletionProtection *bool `json:"deletionProtection,omitempty"`
	// NodeGroups are the EKS node groups or GKE node pools. Default: - one group "general" sized by tier.
	NodeGroups []NodeGroup `json:"nodeGroups,omitempty"`
}

// AutoMode is "plinth:cluster.autoMode": EKS Auto Mode.
type AutoMode struct {
	// Enabled runs the cluster in Auto Mode. Default: false.
	Enabled bool `json:"enabled,omitempty"`
	// NodePools are the built-in node pools ("general-purpose",
	// "system"). Default: - eks's (both).
	NodePools []string `json:"nodePools,omitempty"`
}

// ClusterAutoscaler is "plinth:cluster.autoscaler": the Cluster
// Autoscaler's chart.
type ClusterAutoscaler struct {
	// Repository of the cluster-autoscaler chart (a mirror or an oci:// URL). Required.
	Repository string `json:"repository"`
	// ChartVersion of the chart. Default: - the component's pinned version.
	ChartVersion string `json:"chartVersion,omitempty"`
}

// NodeGroup is one EKS managed node group or GKE node pool.
type NodeGroup struct {
	// Name of the group, a DNS-1123 label. Required.
	Name string `json:"name"`
	// InstanceTypes are EC2 instance types (aws). Default: - the tier's instance type.
	InstanceTypes []string `json:"instanceTypes,omitempty"`
	// MachineType is the GCE machine type (gcp). Default: - the tier's machine type.
	MachineType string `json:"machineType,omitempty"`
	// Spot runs the group on spot capacity. Default: false.
	Spot bool `json:"spot,omitempty"`
	// MinSize is the minimum node count (per zone on gcp). Default: - by tier.
	MinSize *int `json:"minSize,omitempty"`
	// MaxSize is the maximum node count (per zone on gcp). Default: - by tier.
	MaxSize *int `json:"maxSize,omitempty"`
	// DesiredSize is the initial node count (aws). Default: - by tier.
	DesiredSize *int `json:"desiredSize,omitempty"`
	// DiskSizeGB is the root disk size. Default: - the cluster component's (50).
	DiskSizeGB *int `json:"diskSizeGb,omitempty"`
	// Labels are Kubernetes node labels.
	Labels map[string]string `json:"labels,omitempty"`
	// Taints are Kubernetes node taints.
	Taints []Taint `json:"taints,omitempty"`
}

// Taint is a Kubernetes node taint, in the stack config and in the eks
// and gke components' node groups alike. The effect is spelled the
// Kubernetes way; the components give the cloud APIs their own spelling
// (APIEffect).
type Taint struct {
	// Key of the taint, a qualified name. Required.
	Key string `json:"key" pulumi:"key"`
	// Value of the taint.
	Value string `json:"value,omitempty" pulumi:"value,optional"`
	// Effect is NoSchedule, PreferNoSchedule or NoExecute. Required.
	Effect string `json:"effect" pulumi:"effect"`
}

// taintEffects are the Kubernetes taint effects and the spelling the EKS
// and GKE node group APIs use for each (EKS API Reference, Taint; GKE
// API, NodeTaint.Effect).
var taintEffects = map[string]string{
	"NoSchedule":       "NO_SCHEDULE",
	"PreferNoSchedule": "PREFER_NO_SCHEDULE",
	"NoExecute":        "NO_EXECUTE",
}

// APIEffect is the taint's effect as the EKS and GKE APIs spell it
// ("NO_SCHEDULE" for "NoSchedule").
func (t Taint) APIEffect() string { return cmp.Or(taintEffects[t.Effect], t.Effect) }

// CheckNodeCounts checks the sizes of the node group at path (its
// "minSize", "maxSize" and, when given, "desiredSize"): at least one node
// allowed, min ≤ max, and desired between them.
func CheckNodeCounts(p *problem.List, path string, minSize, maxSize int, desiredSize *int) {
	p.NonNegative(path+".minSize", minSize)
	switch {
	case maxSize < 1:
		p.Addf(path+".maxSize", "(%d) is below 1: allow at least one node", maxSize)
	case minSize > maxSize:
		p.Addf(path+".minSize", "(%d) is greater than maxSize (%d): make minSize ≤ maxSize", minSize, maxSize)
	case desiredSize != nil && (*desiredSize < minSize || *desiredSize > maxSize):
		p.Addf(path+".desiredSize", "(%d) is outside minSize–maxSize (%d–%d): choose a size between them", *desiredSize, minSize, maxSize)
	}
}

// CheckTaints checks the taints at path (a node group's "taints").
func CheckTaints(p *problem.List, path string, ts []Taint) {
	for j, t := range ts {
		tp := fmt.Sprintf("%s[%d]", path, j)
		p.QualifiedName(tp+".key", t.Key)
		p.OneOf(tp+".effect", t.Effect, "NoSchedule", "PreferNoSchedule", "NoExecute")
	}
}

// App is one application in "plinth:apps".
type App struct {
	// Name of the application, a DNS-1123 label. Required.
	Name string `json:"name"`
	// Namespace the application runs in. Default: - the application name.
	Namespace string `json:"namespace,omitempty"`
	// Image is a pinned image reference (a tag other than latest, or a digest). Required.
	Image string `json:"image"`
	// AllowMutableTag accepts an unpinned image. Default: false.
	AllowMutableTag bool `json:"allowMutableTag,omitempty"`
	// Port is the container port. Default: - app.Args.Port (8080).
	Port *int `json:"port,omitempty"`
	// Replicas is the replica count when autoscaling is off. Default: - by tier.
	Replicas *int `json:"replicas,omitempty"`
	// Autoscaling configures the HorizontalPodAutoscaler. Default: - on, bounds by tier.
	Autoscaling Autoscaling `json:"autoscaling"`
	// Env are plain environment variables. A credential (by name such as
	// DB_PASSWORD, or by value such as a URL with a password) is refused:
	// use secretEnv.
	Env map[string]string `json:"env,omitempty"`
	// AllowPlaintextEnv maps an env variable that looks like a credential
	// but is not one to the reason.
	AllowPlaintextEnv map[string]string `json:"allowPlaintextEnv,omitempty"`
	// SecretEnv are environment variables read from secrets.
	SecretEnv []SecretEnv `json:"secretEnv,omitempty"`
	// Resources size the container. Default: - by tier.
	Resources Resources `json:"resources"`
	// MetricsPort is the port Prometheus scrapes; 0 turns metrics off. Default: - app.MetricsArgs.Port (9090).
	MetricsPort *int `json:"metricsPort,omitempty"`
	// Strategy is Rolling, BlueGreen, Canary or Progressive. Default: - app.StrategyArgs.Type ("Rolling").
	Strategy string `json:"strategy,omitempty"`
	// ActiveColor is the live color of a BlueGreen app: blue or green. Default: - app.StrategyArgs.ActiveColor ("blue").
	ActiveColor string `json:"activeColor,omitempty"`
	// GreenImage is the image of the green color (BlueGreen); Image is blue's.
	GreenImage string `json:"greenImage,omitempty"`
	// CanaryImage is the image of the canary track (Canary); Image is the stable track's.
	CanaryImage string `json:"canaryImage,omitempty"`
	// CanaryPercent is the share of replicas running CanaryImage (Canary), 1–99. Default: - app.StrategyArgs.CanaryPercent (10).
	CanaryPercent *int `json:"canaryPercent,omitempty"`
	// Progressive configures the Progressive strategy, in which Argo
	// Rollouts shifts the traffic, analyses the new version and promotes
	// or rolls it back by itself. Default: - app.ProgressiveArgs's.
	Progressive *Progressive `json:"progressive,omitempty"`
	// Host exposes the app on this hostname through an HTTPRoute attached to
	// plinth:gateway; empty for none.
	Host string `json:"host,omitempty"`
	// AllowFrom lists namespaces whose pods may reach the app; the apps
	// there may then connect to it (their egress policy admits it).
	AllowFrom []string `json:"allowFrom,omitempty"`
	// AllowAllEgress leaves the app's egress open; by default it may reach
	// only DNS, its own pods and the apps that allow it. Default: false.
	AllowAllEgress bool `json:"allowAllEgress,omitempty"`
	// CloudIdentity gives the pods a cloud identity: an AWS role (EKS Pod
	// Identity, or IRSA with cluster.identity "irsa") or a GCP service
	// account (Workload Identity). Default: false.
	CloudIdentity bool `json:"cloudIdentity,omitempty"`
}

// Rollouts configures the Argo Rollouts controller (the rollouts
// component's rollouts.Args).
type Rollouts struct {
	// Repository of the argo-rollouts chart (a mirror or an oci:// URL).
	// Required on AWS and GCP when an application is Progressive.
	Repository string `json:"repository,omitempty"`
	// ChartVersion of the chart. Default: - the component's pinned version.
	ChartVersion string `json:"chartVersion,omitempty"`
}

// ImagePolicy is the "plinth:imagePolicy" object: the cosign signatures
// Kyverno verifies at admission (the imagepolicy component's
// imagepolicy.Args, where each default is written). docs/supply-chain.md
// explains keyed and keyless signing, rotation and the break-glass.
type ImagePolicy struct {
	// Images are the image references the policy covers (Kyverno
	// wildcards: "registry.example.com/shop/*"). Required.
	Images []string `json:"images"`
	// Keys are the PEM public keys that sign (keyed). Set keys or keyless.
	Keys []string `json:"keys,omitempty"`
	// Keyless is the OIDC identity that signs (keyless). Set keys or keyless.
	Keyless *ImageKeyless `json:"keyless,omitempty"`
	// Mode is Enforce or Audit. Default: - by tier (prod Enforce, else Audit).
	Mode string `json:"mode,omitempty"`
	// TransparencyLog requires the signature's Rekor entry. Default: - true.
	TransparencyLog *bool `json:"transparencyLog,omitempty"`
	// UseCache lets Kyverno remember a verified image for a few minutes. Default: - true.
	UseCache *bool `json:"useCache,omitempty"`
	// Waivers are images not verified, each with the reason (the break-glass).
	Waivers []ImageWaiver `json:"waivers,omitempty"`
	// Preinstalled says the cluster already runs Kyverno: the stack applies
	// only the policy. The local stack never installs Kyverno. Default: false.
	Preinstalled bool `json:"preinstalled,omitempty"`
	// Repository of the kyverno chart (a mirror or an oci:// URL).
	// Required on AWS and GCP unless preinstalled.
	Repository string `json:"repository,omitempty"`
	// ChartVersion of the chart. Default: - the component's pinned version.
	ChartVersion string `json:"chartVersion,omitempty"`
}

// ImageKeyless is the identity of a keyless signature (imagepolicy.KeylessArgs).
type ImageKeyless struct {
	// Issuer is the OIDC issuer URL.
	Issuer string `json:"issuer"`
	// Subject is the signing identity (a trailing * matches any suffix).
	Subject string `json:"subject"`
	// Repository is the repository whose runs sign ("owner/name"). Required with GitHub Actions' issuer.
	Repository string `json:"repository,omitempty"`
}

// ImageWaiver is one image the policy does not verify (imagepolicy.WaiverArgs).
type ImageWaiver struct {
	// Image is the reference (Kyverno wildcards allowed).
	Image string `json:"image"`
	// Reason says why it may run unverified, and until when. Required.
	Reason string `json:"reason"`
}

// Progressive configures an application's Progressive strategy (the app
// component's app.ProgressiveArgs, where each default is written).
type Progressive struct {
	// Mode is Canary or BlueGreen. Default: - "Canary".
	Mode string `json:"mode,omitempty"`
	// Steps are the canary's traffic weights in percent, rising, each 1–99. Default: - 10, 25 and 50.
	Steps []int `json:"steps,omitempty"`
	// StepPauseSeconds is how long each step after the first holds, at
	// least the analysis interval and at most 900. Default: - 60.
	StepPauseSeconds *int `json:"stepPauseSeconds,omitempty"`
	// Analysis configures the measurements that decide promotion.
	Analysis Analysis `json:"analysis"`
}

// Analysis configures the analysis of a new version (app.AnalysisArgs).
type Analysis struct {
	// PrometheusAddress is the URL of the Prometheus to query. Default: - the monitoring component's, in plinth:monitoring.namespace.
	PrometheusAddress string `json:"prometheusAddress,omitempty"`
	// Interval between two measurements. Default: - "1m".
	Interval string `json:"interval,omitempty"`
	// Count of measurements. Default: - 5.
	Count *int `json:"count,omitempty"`
	// Window is the range each measurement's rate covers. Default: - "2m".
	Window string `json:"window,omitempty"`
	// MinRequests a measurement needs for the version to count as tried. Default: - 20.
	MinRequests *int `json:"minRequests,omitempty"`
}

// Autoscaling configures an application's HorizontalPodAutoscaler.
type Autoscaling struct {
	// Enabled turns the autoscaler on. Default: true.
	Enabled *bool `json:"enabled,omitempty"`
	// Min is the minimum replica count. Default: - by tier.
	Min *int `json:"min,omitempty"`
	// Max is the maximum replica count. Default: - by tier.
	Max *int `json:"max,omitempty"`
	// TargetCPU is the average CPU utilisation target in percent, 1–100. Default: - app.AutoscalingArgs.TargetCPUPercent (70).
	TargetCPU *int `json:"targetCpu,omitempty"`
	// TargetMemory is the average memory utilisation target in percent; 0 for none.
	TargetMemory int `json:"targetMemory,omitempty"`
}

// SecretEnv is an environment variable read from a secret: either an
// existing Kubernetes Secret (Secret and Key), or a Pulumi secret config
// value (FromConfig) that plinth stores in a Kubernetes Secret for you.
type SecretEnv struct {
	// Name of the environment variable. Required.
	Name string `json:"name"`
	// Secret is the name of an existing Kubernetes Secret.
	Secret string `json:"secret,omitempty"`
	// Key in that Secret.
	Key string `json:"key,omitempty"`
	// FromConfig is a secret config key ("plinth:<FromConfig>") holding the value.
	FromConfig string `json:"fromConfig,omitempty"`
}

// Resources sizes an application container.
type Resources struct {
	// CPURequest, e.g. "250m". Default: - by tier.
	CPURequest string `json:"cpuRequest,omitempty"`
	// MemoryRequest, e.g. "256Mi". Default: - by tier.
	MemoryRequest string `json:"memoryRequest,omitempty"`
	// CPULimit; "none" removes the limit. Default: - by tier.
	CPULimit string `json:"cpuLimit,omitempty"`
	// MemoryLimit; "none" removes the limit. Default: - by tier.
	MemoryLimit string `json:"memoryLimit,omitempty"`
}

// Monitoring is the "plinth:monitoring" object.
type Monitoring struct {
	// Mode is "install" (kube-prometheus-stack), "operator" (the operator is
	// already there: rules, monitors, dashboards only) or "off".
	// Default: - "operator" on local, else "install".
	Mode string `json:"mode,omitempty"`
	// Namespace of the monitoring stack. Default: "monitoring".
	Namespace string `json:"namespace,omitempty"`
	// ChartVersion of kube-prometheus-stack. Default: - the component's pinned version.
	ChartVersion string `json:"chartVersion,omitempty"`
	// Repository of the chart (a mirror or an oci:// URL). Default: - the component's.
	Repository string `json:"repository,omitempty"`
	// Retention of metrics, a Prometheus duration. Default: - by tier.
	Retention string `json:"retention,omitempty"`
	// StorageSize of the Prometheus volume. Default: - by tier.
	StorageSize string `json:"storageSize,omitempty"`
	// StorageClass of the monitoring volumes. Default: - the class the
	// cluster component creates (EKS), else the cluster's default.
	StorageClass string `json:"storageClass,omitempty"`
	// RemoteWriteURL sends metrics to a remote store; empty for none.
	RemoteWriteURL string `json:"remoteWriteUrl,omitempty"`
}

// ECSService is the "plinth:ecs" object: one Fargate service behind an ALB.
type ECSService struct {
	// Name of the service, a DNS-1123 label. Required.
	Name string `json:"name"`
	// Image is a pinned image reference. Required.
	Image string `json:"image"`
	// Port is the container port. Default: - ecs.Args.Port (8080).
	Port *int `json:"port,omitempty"`
	// CPU units of the task. Default: - ecs.Args.CPU (256).
	CPU *int `json:"cpu,omitempty"`
	// Memory of the task in MiB. Default: - ecs.Args.Memory (512).
	Memory *int `json:"memory,omitempty"`
	// MinTasks and MaxTasks bound autoscaling. Default: - by tier replicas.
	MinTasks *int `json:"minTasks,omitempty"`
	// MaxTasks bounds autoscaling. Default: - by tier.
	MaxTasks *int `json:"maxTasks,omitempty"`
	// CertificateARN is the ACM certificate of the HTTPS listener.
	CertificateARN string `json:"certificateArn,omitempty"`
	// HealthCheckPath of the target group. Default: - ecs.HealthCheckArgs.Path ("/health").
	HealthCheckPath string `json:"healthCheckPath,omitempty"`
	// Public makes the ALB internet-facing. Default: false.
	Public bool `json:"public,omitempty"`
	// AllowedCIDRs may reach the ALB. Required.
	AllowedCIDRs []string `json:"allowedCidrs,omitempty"`
	// SecretARNs maps environment variable names to Secrets Manager or SSM ARNs.
	SecretARNs map[string]string `json:"secretArns,omitempty"`
	// SecretsKMSKeyARNs are the customer-managed KMS keys the secrets are
	// encrypted with (ecs.Args.SecretsKMSKeyARNs).
	SecretsKMSKeyARNs []string `json:"secretsKmsKeyArns,omitempty"`
	// Egress is where the tasks may connect to (ecs.Args.Egress).
	// Default: - HTTPS (443) anywhere.
	Egress []ECSEgress `json:"egress,omitempty"`
	// DeletionProtection protects the load balancer from deletion
	// (ecs.Args.DeletionProtection). Turning public on or off replaces the
	// load balancer, which deletion protection refuses: set false first
	// (docs/first-deploy.md). Default: - by tier (prod only).
	DeletionProtection *bool `json:"deletionProtection,omitempty"`
}

// ECSEgress allows the ECS tasks to connect to blocks on a port range.
type ECSEgress struct {
	// Description says what the destination is. Required.
	Description string `json:"description"`
	// FromPort is the first TCP port. Required.
	FromPort int `json:"fromPort"`
	// ToPort is the last TCP port. Default: - fromPort.
	ToPort *int `json:"toPort,omitempty"`
	// CIDRs are the destination blocks. Required.
	CIDRs []string `json:"cidrs"`
}

// Gateway is "plinth:gateway": the Gateway (Gateway API) that exposes the
// applications, run by the platform (its implementation, GatewayClass and
// listeners are the platform's).
type Gateway struct {
	// Name of the Gateway. Required.
	Name string `json:"name"`
	// Namespace of the Gateway. Required.
	Namespace string `json:"namespace"`
	// SectionName is the listener the routes attach to; "" for every
	// listener that admits them.
	SectionName string `json:"sectionName,omitempty"`
}

// Waiver exempts one resource from one guardrail rule (see pkg/policy).
type Waiver struct {
	// Rule is the rule ID, e.g. "PL-ALB-005". Required.
	Rule string `json:"rule"`
	// Resource is "<type>::<name>", a logical name, or a pattern ("web-*"). Required.
	Resource string `json:"resource"`
	// Reason says why the exemption is acceptable. Required.
	Reason string `json:"reason"`
}

// Delivery modes (plinth:delivery).
const (
	DeliveryPulumi = "pulumi"
	DeliveryGitOps = "gitops"
)

// GitOps is the "plinth:gitops" object: the repository Flux follows and
// how (the flux component's flux.Args, where each default is written).
// The layout in the repository is `go run ./stacks gitops render`'s
// (docs/gitops.md).
type GitOps struct {
	// URL of the repository: https:// or ssh://. Required.
	URL string `json:"url"`
	// Branch Flux follows. Default: - flux's ("main").
	Branch string `json:"branch,omitempty"`
	// Path of this environment's overlay. Default: - "envs/<name>".
	Path string `json:"path,omitempty"`
	// Username for an https URL; the password or token is the secret
	// plinth:gitopsPassword.
	Username string `json:"username,omitempty"`
	// KnownHosts are the ssh host's keys (ssh-keyscan) for an ssh URL;
	// the deploy key is the secret plinth:gitopsSshKey.
	KnownHosts string `json:"knownHosts,omitempty"`
	// FetchInterval between fetches of the branch. Default: - flux's ("1m").
	FetchInterval string `json:"fetchInterval,omitempty"`
	// Interval between reconciliations, which correct drift.
	// Default: - flux's ("5m").
	Interval string `json:"interval,omitempty"`
	// Timeout of an apply and its health checks. Default: - flux's ("5m").
	Timeout string `json:"timeout,omitempty"`
	// Prune deletes what was removed from the repository. Default: - flux's (true).
	Prune *bool `json:"prune,omitempty"`
	// Suspend stops reconciliation (break-glass, docs/gitops.md). Default: false.
	Suspend bool `json:"suspend,omitempty"`
	// SourceControllerImage is your mirror's copy of the pinned
	// source-controller (flux.SourceControllerVersion). Required.
	SourceControllerImage string `json:"sourceControllerImage"`
	// KustomizeControllerImage is your mirror's copy of the pinned
	// kustomize-controller (flux.KustomizeControllerVersion). Required.
	KustomizeControllerImage string `json:"kustomizeControllerImage"`
	// PromoteFrom is the environment this one is promoted from (`gitops
	// promote`): its overlay's images change only by promotion. Empty for
	// the first environment, whose images come from its config.
	PromoteFrom string `json:"promoteFrom,omitempty"`
}

// Well-known secret config keys. Each must be set with
// `pulumi config set --secret plinth:<key>`.
const (
	// SecretGrafanaAdminPassword is Grafana's admin password (install mode).
	SecretGrafanaAdminPassword = "grafanaAdminPassword"
	// SecretPagingURL is the webhook critical alerts go to.
	SecretPagingURL = "alertPagingUrl"
	// SecretChatURL is the webhook warning alerts go to.
	SecretChatURL = "alertChatUrl"
	// SecretGitOpsAgeKey is the age identity of GitOps delivery: Flux
	// decrypts the repository's Secrets with it, and `gitops render`
	// encrypts them to its recipient.
	SecretGitOpsAgeKey = "gitopsAgeKey"
	// SecretGitOpsPassword is the password or token of an https GitOps
	// repository.
	SecretGitOpsPassword = "gitopsPassword"
	// SecretGitOpsSSHKey is the deploy key of an ssh GitOps repository.
	SecretGitOpsSSHKey = "gitopsSshKey"
)
