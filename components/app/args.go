package app

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Deployment strategies.
const (
	// StrategyRolling replaces pods in place, one extra pod at a time.
	StrategyRolling = "Rolling"
	// StrategyBlueGreen runs two full Deployments and flips the Service.
	StrategyBlueGreen = "BlueGreen"
	// StrategyCanary runs a small canary Deployment beside the stable one.
	StrategyCanary = "Canary"
	// StrategyProgressive hands every new version to Argo Rollouts, which
	// shifts the traffic step by step, measures the new version against
	// plinth's health objectives (pkg/slo) and promotes it, or rolls it
	// back, by itself.
	StrategyProgressive = "Progressive"
)

// Modes of the Progressive strategy.
const (
	// ModeCanary shifts the traffic to the new version in steps.
	ModeCanary = "Canary"
	// ModeBlueGreen runs the new version beside the live one, analyses it
	// through the preview Service and then switches all the traffic.
	ModeBlueGreen = "BlueGreen"
)

// Blue-green colors.
const (
	ColorBlue  = "blue"
	ColorGreen = "green"
)

// LimitNone removes a resource limit when given as its value.
const LimitNone = "none"

// Args configures an application. Only Image is required; every other field
// has a documented default, several of them by Tier (see the package doc).
type Args struct {
	// Image is the container image, pinned by a tag other than latest or by
	// a digest: a literal ("ghcr.io/acme/web:1.4.2") or
	// another resource's output (a registry URL and a build's digest, a
	// stack reference). A literal is checked before anything is
	// registered, an output when it resolves (a bad one fails the update
	// with the same message). Required. Changing it rolls the pods out (it
	// never replaces the Deployment).
	Image pulumi.StringInput `pulumi:"image"`
	// AllowMutableTag accepts an unpinned image (no tag, or latest).
	// Default: false.
	AllowMutableTag bool `pulumi:"allowMutableTag,optional"`
	// ImagePullPolicy is Always, IfNotPresent or Never.
	// Default: - IfNotPresent for an image pinned by digest, else Always.
	ImagePullPolicy string `pulumi:"imagePullPolicy,optional"`
	// Tier picks the replica, autoscaling and resource defaults.
	// Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Namespace the application runs in: a literal, or another resource's
	// output (a Namespace created elsewhere). Changing it replaces every
	// object. Default: - the application name.
	Namespace pulumi.StringInput `pulumi:"namespace,optional"`
	// CreateNamespace creates Namespace with Pod Security "restricted"
	// enforced; set false when the namespace exists already. Default: true.
	CreateNamespace *bool `pulumi:"createNamespace,optional"`
	// NamespaceObject is the Namespace object the caller created for
	// Namespace (set CreateNamespace false with it). With it, or when the
	// component creates the namespace, a destroy leaves the application's
	// objects to the namespace: each is deleted with it (the DeletedWith
	// option), except the Deployments and Rollouts. Those are deleted
	// first, so that the namespace controller finds no pod left when it
	// empties the namespace: for a pod left it waits half the pod's grace
	// period, plus 1 s, before a second pass. Without it, every object is
	// deleted on its own. Go programs only: a resource handle cannot cross
	// languages.
	NamespaceObject pulumi.Resource
	// WaitForCRDs are what install the CustomResourceDefinitions of the
	// custom resources the application creates: the monitoring stack
	// (ServiceMonitor), the Argo Rollouts controller (Rollout,
	// AnalysisTemplate), the External Secrets Operator (ExternalSecret).
	// Each custom resource waits for them, so a first up never races a
	// CRD (the kubernetes provider retries a missing kind for about a
	// minute, then fails). Go programs only; other languages set
	// dependsOn on the App.
	WaitForCRDs []pulumi.Resource
	// Instance is the app.kubernetes.io/instance label, which tells two
	// installs of one application apart. Default: - the stack name.
	Instance string `pulumi:"instance,optional"`
	// PartOf is the app.kubernetes.io/part-of label. Default: - the project name.
	PartOf string `pulumi:"partOf,optional"`
	// Port is the container port the application serves HTTP on.
	// Default: 8080.
	Port *int `pulumi:"port,optional"`
	// Command overrides the image's entrypoint.
	Command []string `pulumi:"command,optional"`
	// CommandArgs overrides the image's command arguments (the container's
	// "args").
	CommandArgs []string `pulumi:"args,optional"`
	// Env are plain environment variables, stored in the clear in the pod
	// spec and the state: a credential, recognised by its name
	// (DB_PASSWORD, STRIPE_KEY) or value (a URL with a password, a key
	// format such as AKIA…), is refused; pass it in SecretValues,
	// SecretEnv or ExternalSecrets.
	Env map[string]string `pulumi:"env,optional"`
	// AllowPlaintextEnv maps an Env variable that looks like a credential
	// but is not one to the reason, e.g. {"CACHE_KEY": "a key prefix"}.
	AllowPlaintextEnv map[string]string `pulumi:"allowPlaintextEnv,optional"`
	// SecretEnv are environment variables read from keys of existing Secrets.
	SecretEnv []SecretKeyRef `pulumi:"secretEnv,optional"`
	// ConfigMapEnv are environment variables read from keys of ConfigMaps.
	ConfigMapEnv []ConfigMapKeyRef `pulumi:"configMapEnv,optional"`
	// EnvFromSecrets are Secrets whose every key becomes an environment variable.
	EnvFromSecrets []string `pulumi:"envFromSecrets,optional"`
	// SecretValues are environment variables whose values are Pulumi
	// secrets (e.g. from `pulumi config set --secret`); the component
	// stores them in a Secret named "<name>-env", so they stay encrypted in
	// the state and never appear in the pod spec.
	SecretValues map[string]pulumi.StringInput `pulumi:"secretValues,optional"`
	// ExternalSecrets are environment variables fetched from an external
	// secret manager (AWS Secrets Manager, GCP Secret Manager, Vault)
	// through the External Secrets Operator.
	ExternalSecrets *ExternalSecretArgs `pulumi:"externalSecrets,optional"`
	// Replicas is the replica count when autoscaling is disabled.
	// Default: - by tier (1; staging 2; prod 3).
	Replicas *int `pulumi:"replicas,optional"`
	// Autoscaling configures the HorizontalPodAutoscaler.
	// Default: - enabled, bounds by tier.
	Autoscaling *AutoscalingArgs `pulumi:"autoscaling,optional"`
	// Resources sizes the container. Default: - by tier.
	Resources *ResourcesArgs `pulumi:"resources,optional"`
	// Probes configures readiness, liveness and startup probes.
	// Default: - HTTP GET /ready, /health and /health on the app port.
	Probes *ProbesArgs `pulumi:"probes,optional"`
	// ProgressDeadlineSeconds is how long a rollout may make no progress
	// before it is reported failed. Default: 600.
	ProgressDeadlineSeconds *int `pulumi:"progressDeadlineSeconds,optional"`
	// RevisionHistoryLimit is the number of old ReplicaSets kept for
	// rollback. Default: 5.
	RevisionHistoryLimit *int `pulumi:"revisionHistoryLimit,optional"`
	// TerminationGracePeriodSeconds is how long a pod may take to stop;
	// 0 kills it at once. Default: 30.
	TerminationGracePeriodSeconds *int `pulumi:"terminationGracePeriodSeconds,optional"`
	// PreStopSleepSeconds delays SIGTERM so endpoints are removed before the
	// application stops accepting connections; 0 turns it off. It must be
	// below TerminationGracePeriodSeconds.
	// Default: - 5, or 0 when TerminationGracePeriodSeconds is 5 or less.
	PreStopSleepSeconds *int `pulumi:"preStopSleepSeconds,optional"`
	// SpreadPolicy is what the topology spread constraints over zones and
	// nodes do when they cannot be met: ScheduleAnyway or DoNotSchedule.
	// Default: "ScheduleAnyway".
	SpreadPolicy string `pulumi:"spreadPolicy,optional"`
	// PriorityClassName is the pod priority class; "" for the cluster default.
	PriorityClassName string `pulumi:"priorityClassName,optional"`
	// NodeSelector constrains the pods to nodes with these labels.
	NodeSelector map[string]string `pulumi:"nodeSelector,optional"`
	// Security configures the pod and container security contexts.
	// Default: - Pod Security Standards "restricted".
	Security *SecurityArgs `pulumi:"security,optional"`
	// ServiceAccount configures the pods' service account.
	ServiceAccount *ServiceAccountArgs `pulumi:"serviceAccount,optional"`
	// Metrics configures the metrics port and the ServiceMonitor.
	Metrics *MetricsArgs `pulumi:"metrics,optional"`
	// NetworkPolicy configures who may reach the pods.
	// Default: - deny all ingress except the listed sources and monitoring.
	NetworkPolicy *NetworkPolicyArgs `pulumi:"networkPolicy,optional"`
	// PDB configures the PodDisruptionBudget. Default: - at most one pod
	// disrupted at a time.
	PDB *PDBArgs `pulumi:"pdb,optional"`
	// Route exposes the application through a Gateway API HTTPRoute;
	// unset for none. The way to expose an application.
	Route *RouteArgs `pulumi:"route,optional"`
	// Ingress exposes the Service through an Ingress, for clusters without
	// the Gateway API; unset for none.
	Ingress *IngressArgs `pulumi:"ingress,optional"`
	// Strategy chooses rolling, blue-green or canary deployment.
	// Default: - Rolling.
	Strategy *StrategyArgs `pulumi:"strategy,optional"`
	// Labels are added to every object the component creates.
	Labels map[string]string `pulumi:"labels,optional"`
	// PodAnnotations are added to the pod template.
	PodAnnotations map[string]string `pulumi:"podAnnotations,optional"`
}

// SecretKeyRef is an environment variable read from a key of a Secret.
type SecretKeyRef struct {
	// Name of the environment variable. Required.
	Name string `pulumi:"name"`
	// Secret is the name of the Secret. Required.
	Secret string `pulumi:"secret"`
	// Key in the Secret. Required.
	Key string `pulumi:"key"`
	// Optional lets the pod start when the Secret or key is missing.
	// Default: false.
	Optional bool `pulumi:"optional,optional"`
}

// ConfigMapKeyRef is an environment variable read from a key of a ConfigMap.
type ConfigMapKeyRef struct {
	// Name of the environment variable. Required.
	Name string `pulumi:"name"`
	// ConfigMap is the name of the ConfigMap. Required.
	ConfigMap string `pulumi:"configMap"`
	// Key in the ConfigMap. Required.
	Key string `pulumi:"key"`
}

// ExternalSecretArgs syncs keys of an external secret manager into a Secret
// named "<name>-external" through an ExternalSecret (external-secrets.io/v1,
// which External Secrets Operator serves from v0.16 on, and alone from
// v0.17); every key becomes an environment variable.
type ExternalSecretArgs struct {
	// Store is the SecretStore or ClusterSecretStore to read from. Required.
	Store string `pulumi:"store"`
	// StoreKind is SecretStore or ClusterSecretStore.
	// Default: "ClusterSecretStore".
	StoreKind string `pulumi:"storeKind,optional"`
	// RefreshInterval is how often the operator re-reads the values.
	// Default: "1h".
	RefreshInterval string `pulumi:"refreshInterval,optional"`
	// Data maps environment variable names to remote keys. Required.
	Data []ExternalSecretData `pulumi:"data"`
}

// ExternalSecretData is one value fetched from the external manager.
type ExternalSecretData struct {
	// Name of the environment variable (and key in the synced Secret). Required.
	Name string `pulumi:"name"`
	// RemoteKey is the secret's name or path in the manager. Required.
	RemoteKey string `pulumi:"remoteKey"`
	// Property selects one field of a JSON secret; "" for the whole value.
	Property string `pulumi:"property,optional"`
}

// AutoscalingArgs configures the autoscaling/v2 HorizontalPodAutoscaler.
//
// While the autoscaler is on, the Deployment is registered without
// spec.replicas, so the autoscaler owns the replica count and a later
// `pulumi up` never resets it (see the package doc).
type AutoscalingArgs struct {
	// Disabled turns the autoscaler off; Replicas then sets the count.
	// Default: false.
	Disabled bool `pulumi:"disabled,optional"`
	// MinReplicas is the lower bound. Default: - by tier (1; staging 2; prod 3).
	MinReplicas *int `pulumi:"minReplicas,optional"`
	// MaxReplicas is the upper bound. Default: - by tier (3; staging 6; prod 10).
	MaxReplicas *int `pulumi:"maxReplicas,optional"`
	// TargetCPUPercent is the average CPU utilisation target, 1–100.
	// Default: 70.
	TargetCPUPercent *int `pulumi:"targetCpuPercent,optional"`
	// TargetMemoryPercent is the average memory utilisation target, 1–100;
	// 0 for no memory metric.
	TargetMemoryPercent int `pulumi:"targetMemoryPercent,optional"`
	// ScaleDownStabilizationSeconds is how long the autoscaler waits
	// before removing pods, so load spikes do not flap replicas.
	// Default: 300.
	ScaleDownStabilizationSeconds *int `pulumi:"scaleDownStabilizationSeconds,optional"`
	// ScaleUpStabilizationSeconds is how long it waits before adding pods.
	// Default: 0.
	ScaleUpStabilizationSeconds *int `pulumi:"scaleUpStabilizationSeconds,optional"`
}

// ResourcesArgs sizes the application container. Requests are always set;
// a limit can be removed with LimitNone.
type ResourcesArgs struct {
	// CPURequest, e.g. "250m". Default: - by tier.
	CPURequest string `pulumi:"cpuRequest,optional"`
	// MemoryRequest, e.g. "256Mi". Default: - by tier.
	MemoryRequest string `pulumi:"memoryRequest,optional"`
	// CPULimit, or LimitNone for no limit. Default: - by tier.
	CPULimit string `pulumi:"cpuLimit,optional"`
	// MemoryLimit, or LimitNone for no limit. Default: - by tier.
	MemoryLimit string `pulumi:"memoryLimit,optional"`
	// EphemeralStorageRequest bounds the scratch space (/tmp).
	// Default: "64Mi".
	EphemeralStorageRequest string `pulumi:"ephemeralStorageRequest,optional"`
	// EphemeralStorageLimit bounds the scratch space (/tmp).
	// Default: "256Mi".
	EphemeralStorageLimit string `pulumi:"ephemeralStorageLimit,optional"`
}

// ProbesArgs configures the three probes.
type ProbesArgs struct {
	// Readiness gates traffic. Default: - GET /ready every 10 s.
	Readiness *ProbeArgs `pulumi:"readiness,optional"`
	// Liveness restarts a stuck container. Default: - GET /health every 10 s.
	Liveness *ProbeArgs `pulumi:"liveness,optional"`
	// Startup holds the other probes until the application has started.
	// Default: - GET /health every 5 s, up to 30 failures (150 s).
	Startup *ProbeArgs `pulumi:"startup,optional"`
}

// ProbeArgs configures one HTTP GET probe.
type ProbeArgs struct {
	// Disabled removes the probe. Default: false.
	Disabled bool `pulumi:"disabled,optional"`
	// Path is the HTTP path, starting with "/". Default: - /ready for
	// readiness, /health for liveness and startup.
	Path string `pulumi:"path,optional"`
	// Port is the port probed. Default: - the application port.
	Port *int `pulumi:"port,optional"`
	// InitialDelaySeconds before the first probe. Default: 0.
	InitialDelaySeconds int `pulumi:"initialDelaySeconds,optional"`
	// PeriodSeconds between probes. Default: - 10 (startup 5).
	PeriodSeconds *int `pulumi:"periodSeconds,optional"`
	// TimeoutSeconds of one probe. Default: 2.
	TimeoutSeconds *int `pulumi:"timeoutSeconds,optional"`
	// FailureThreshold is the number of failures that count.
	// Default: - 3 (startup 30).
	FailureThreshold *int `pulumi:"failureThreshold,optional"`
}

// SecurityArgs configures the security contexts. The defaults meet the Pod
// Security Standards "restricted" level.
type SecurityArgs struct {
	// RunAsUser is the UID of every container; 0 is rejected. The default
	// sits above 10000, clear of the host's users, as Kubernetes manifest
	// checkers ask. Default: 10001.
	RunAsUser *int `pulumi:"runAsUser,optional"`
	// RunAsGroup is the primary GID. Default: 10001.
	RunAsGroup *int `pulumi:"runAsGroup,optional"`
	// FSGroup owns mounted volumes. Default: 10001.
	FSGroup *int `pulumi:"fsGroup,optional"`
	// WritableRootFilesystem lets the container write to its root
	// filesystem; by default it is read-only with an emptyDir at /tmp.
	// Default: false.
	WritableRootFilesystem bool `pulumi:"writableRootFilesystem,optional"`
	// AddNetBindService adds NET_BIND_SERVICE (to bind ports below 1024),
	// the only capability "restricted" allows. Default: false.
	AddNetBindService bool `pulumi:"addNetBindService,optional"`
	// TmpSizeLimit bounds the /tmp emptyDir. Default: "256Mi".
	TmpSizeLimit string `pulumi:"tmpSizeLimit,optional"`
}

// ServiceAccountArgs configures the service account of the pods.
type ServiceAccountArgs struct {
	// Name of an existing service account to use instead of creating one.
	// Default: - "<name>", created.
	Name string `pulumi:"name,optional"`
	// AutomountToken mounts the API token into the pods; only
	// applications that call the Kubernetes API need it. Default: false.
	AutomountToken bool `pulumi:"automountToken,optional"`
	// PodIdentityRoleARN is the IAM role EKS Pod Identity gives the pods
	// (the association is made on the cluster's side, e.g.
	// eks.Cluster.PodIdentityRole); recorded on the service account as the
	// annotation plinth.dev/aws-pod-identity-role, so operators see which
	// role the pods get. The way to give pods an AWS role.
	PodIdentityRoleARN pulumi.StringInput `pulumi:"podIdentityRoleArn,optional"`
	// AWSRoleARN gives the pods an IAM role through EKS IRSA
	// (eks.amazonaws.com/role-arn), for clusters without Pod Identity.
	AWSRoleARN pulumi.StringInput `pulumi:"awsRoleArn,optional"`
	// GCPServiceAccount gives the pods a Google service account through
	// GKE Workload Identity (iam.gke.io/gcp-service-account).
	GCPServiceAccount pulumi.StringInput `pulumi:"gcpServiceAccount,optional"`
	// Annotations are added to the service account.
	Annotations map[string]string `pulumi:"annotations,optional"`
}

// MetricsArgs configures Prometheus scraping.
type MetricsArgs struct {
	// Port serves the metrics, named "metrics" on the pod and the Service;
	// it must differ from the application port. 0 turns metrics off.
	// Default: 9090.
	Port *int `pulumi:"port,optional"`
	// Path of the metrics endpoint. Default: "/metrics".
	Path string `pulumi:"path,optional"`
	// Interval between scrapes. Default: "30s".
	Interval string `pulumi:"interval,optional"`
	// DisableServiceMonitor skips the ServiceMonitor (e.g. where the
	// Prometheus Operator is not installed). Default: false.
	DisableServiceMonitor bool `pulumi:"disableServiceMonitor,optional"`
}

// NetworkPolicyArgs configures the NetworkPolicy of the pods: ingress is
// denied except from the sources below.
type NetworkPolicyArgs struct {
	// Disabled creates no NetworkPolicy. Default: false.
	Disabled bool `pulumi:"disabled,optional"`
	// AllowFromNamespaces may reach the application port: literals, or
	// other resources' outputs (another App's NamespaceName).
	AllowFromNamespaces []pulumi.StringInput `pulumi:"allowFromNamespaces,optional"`
	// AllowFromPods are pod labels (in the application's namespace) that
	// may reach the application port.
	AllowFromPods map[string]string `pulumi:"allowFromPods,optional"`
	// MonitoringNamespace may reach the metrics port (a literal, or the
	// monitoring component's namespace). Default: "monitoring".
	MonitoringNamespace pulumi.StringInput `pulumi:"monitoringNamespace,optional"`
	// IngressNamespace is where the ingress controller runs; it may reach
	// the application port. Required with Ingress.
	IngressNamespace pulumi.StringInput `pulumi:"ingressNamespace,optional"`
	// Egress are the blocks the pods may connect to, besides DNS (the
	// kube-system namespace, port 53), the application's own pods,
	// AllowToNamespaces and CloudAPIs: every other destination is refused.
	Egress []EgressRule `pulumi:"egress,optional"`
	// AllowToNamespaces are namespaces whose pods the application may
	// connect to (any port).
	AllowToNamespaces []string `pulumi:"allowToNamespaces,optional"`
	// AllowAllEgress leaves egress open: the opt-out of the egress policy,
	// for applications whose destinations cannot be listed (e.g. a
	// crawler). Default: false.
	AllowAllEgress bool `pulumi:"allowAllEgress,optional"`
	// CloudAPIs lets pods with a cloud identity (ServiceAccount's
	// PodIdentityRoleARN, AWSRoleARN or GCPServiceAccount) reach their
	// credentials and the cloud's APIs: the EKS Pod Identity agent
	// (169.254.170.23, TCP 80), the GKE metadata server (169.254.169.254,
	// TCP 80, and 169.254.169.252, TCP 988), and TCP 443 anywhere (STS and
	// the service APIs, public or through VPC endpoints). Without it a
	// default-deny egress policy leaves the identity unusable. Set false to
	// list those destinations in Egress yourself.
	// Default: - true when the service account has a cloud identity.
	CloudAPIs *bool `pulumi:"cloudApis,optional"`
	// NodeLocalDNS says the cluster answers DNS on each node instead of
	// from pods in kube-system (EKS Auto Mode, NodeLocal DNSCache): DNS
	// egress (port 53) is then allowed to any address, since the resolver
	// is no pod a namespace selector can name (aws/containers-roadmap#2552).
	// Default: false.
	NodeLocalDNS bool `pulumi:"nodeLocalDns,optional"`
}

// EgressRule allows egress to a block on some ports.
type EgressRule struct {
	// CIDR is the destination block. Required.
	CIDR string `pulumi:"cidr"`
	// Ports are TCP ports; empty for all.
	Ports []int `pulumi:"ports,optional"`
}

// PDBArgs configures the PodDisruptionBudget. At most one of MinAvailable
// and MaxUnavailable may be set; the budget never blocks every eviction.
type PDBArgs struct {
	// MinAvailable is the number of pods kept during voluntary disruptions;
	// it must be below the minimum replica count. 0 protects no pod.
	MinAvailable *int `pulumi:"minAvailable,optional"`
	// MaxUnavailable is the number of pods that may be disrupted at once,
	// 1 or more: 0 would block every eviction.
	// Default: - 1 when MinAvailable is unset.
	MaxUnavailable *int `pulumi:"maxUnavailable,optional"`
}

// RouteArgs exposes the application through a Gateway API HTTPRoute
// (gateway.networking.k8s.io/v1) attached to a Gateway: the way to expose
// an application. A Canary app's route splits the requests between the
// stable and canary Services by weight (CanaryPercent).
type RouteArgs struct {
	// Gateway is the name of the Gateway to attach to (one the platform
	// runs, or one a platform component creates). Required.
	Gateway string `pulumi:"gateway"`
	// GatewayNamespace is the Gateway's namespace; its listener must admit
	// routes from the application's namespace. The NetworkPolicy admits
	// the gateway's pods from this namespace. Required.
	GatewayNamespace pulumi.StringInput `pulumi:"gatewayNamespace"`
	// SectionName is the listener of the Gateway to attach to; "" for
	// every listener that admits the route.
	SectionName string `pulumi:"sectionName,optional"`
	// Hostnames the route serves, e.g. "web.example.com" or
	// "*.example.com" (literals, or a DNS record's output); empty for the
	// listener's.
	Hostnames []pulumi.StringInput `pulumi:"hostnames,optional"`
	// Path is the path prefix served. Default: "/".
	Path string `pulumi:"path,optional"`
}

// IngressArgs exposes the application through an Ingress, for clusters
// without the Gateway API (prefer Route). No controller is assumed: no
// class by default and no controller-specific annotations. A Canary app's
// requests then split by the replica ratio.
type IngressArgs struct {
	// Host is the DNS name served (a literal, or a DNS record's output).
	// Required.
	Host pulumi.StringInput `pulumi:"host"`
	// Path served. Default: "/".
	Path string `pulumi:"path,optional"`
	// ClassName is the ingress class; "" for the cluster's default class.
	ClassName string `pulumi:"className,optional"`
	// TLSSecret is a Secret holding the certificate for Host; "" serves
	// plain HTTP.
	TLSSecret string `pulumi:"tlsSecret,optional"`
	// Annotations are added to the Ingress.
	Annotations map[string]string `pulumi:"annotations,optional"`
}

// StrategyArgs chooses how new versions are deployed (see the package doc
// for the promotion and rollback procedures).
type StrategyArgs struct {
	// Type is Rolling, BlueGreen, Canary or Progressive. Switching between
	// Rolling and BlueGreen replaces the Deployments; Canary and
	// Progressive keep the stable one. Default: "Rolling".
	Type string `pulumi:"type,optional"`
	// ActiveColor is the color the Service sends traffic to (BlueGreen).
	// Default: "blue".
	ActiveColor string `pulumi:"activeColor,optional"`
	// GreenImage is the green color's image (BlueGreen); Image is blue's.
	GreenImage pulumi.StringInput `pulumi:"greenImage,optional"`
	// CanaryImage is the canary's image (Canary); Image is the stable one's.
	CanaryImage pulumi.StringInput `pulumi:"canaryImage,optional"`
	// CanaryPercent is the canary's share of the traffic, 1–99: of the
	// requests with a Route (weighted backendRefs), of the replicas
	// otherwise. Default: 10.
	CanaryPercent *int `pulumi:"canaryPercent,optional"`
	// Progressive configures the Progressive strategy; only with type
	// Progressive. Default: - a canary in steps of 10, 25 and 50%, analysed
	// after the first step and in the background after it.
	Progressive *ProgressiveArgs `pulumi:"progressive,optional"`
}

// ProgressiveArgs configures the Progressive strategy: an Argo Rollouts
// Rollout that takes over the pods of the application's Deployment
// (workloadRef), and an AnalysisTemplate that measures the new version
// with the queries and limits of plinth's alerts. The Argo Rollouts
// controller must run in the cluster (the cloud stacks install it).
type ProgressiveArgs struct {
	// Mode is Canary (the traffic shifts to the new version in Steps) or
	// BlueGreen (the new version runs beside the live one, is analysed
	// through the preview Service, then takes all the traffic).
	// Default: "Canary".
	Mode string `pulumi:"mode,optional"`
	// Steps are the canary's traffic weights in percent, rising, each
	// 1–99; after the last the new version takes 100%. The analysis runs
	// after the first step, and in the background from the second step
	// until promotion. Without traffic routing the weight is a share of
	// the replicas. Canary only. Default: - 10, 25 and 50.
	Steps []int `pulumi:"steps,optional"`
	// StepPauseSeconds is how long each step after the first holds before
	// the next: at least the analysis interval when there are two steps or
	// more, so the background analysis measures every step (it measures
	// as it starts, then every interval), and at most 900, below the
	// RolloutStuck alert's 30 minutes. Canary only. Default: 60.
	StepPauseSeconds *int `pulumi:"stepPauseSeconds,optional"`
	// Analysis configures the measurements that decide promotion.
	Analysis *AnalysisArgs `pulumi:"analysis,optional"`
}

// AnalysisArgs configures the analysis of a new version. Each measurement
// queries Prometheus for the new pods' 5xx ratio and p95 latency (by
// their rollouts-pod-template-hash label, which the ServiceMonitor copies
// onto the series) and compares them with the limits of the HighErrorRate
// and HighLatency alerts (pkg/slo): above a limit fails the analysis and
// Argo Rollouts rolls back at once. No 5xx series counts as no error. The
// step analysis also counts the new version's requests: a version that
// got fewer than MinRequests in every measurement was never tried, and is
// rolled back at the end of its analysis rather than promoted unjudged or
// left paused. Requests without a duration histogram fail the latency
// measurement.
type AnalysisArgs struct {
	// PrometheusAddress is the URL of the Prometheus to query; the default
	// is the monitoring component's, in its default namespace.
	// Default: "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090".
	PrometheusAddress string `pulumi:"prometheusAddress,optional"`
	// Interval between two measurements, a Go duration. Default: "1m".
	Interval string `pulumi:"interval,optional"`
	// Count of measurements; the analysis passes when every one passes.
	// Default: 5.
	Count *int `pulumi:"count,optional"`
	// Window is the range each measurement's rate covers, a Prometheus
	// duration. Default: "2m".
	Window string `pulumi:"window,optional"`
	// RequestsMetric is the request counter. Default: "http_requests_total".
	RequestsMetric string `pulumi:"requestsMetric,optional"`
	// DurationMetric is the request duration histogram, without "_bucket".
	// Default: "http_request_duration_seconds".
	DurationMetric string `pulumi:"durationMetric,optional"`
	// StatusLabel is the label holding the HTTP status code.
	// Default: "status".
	StatusLabel string `pulumi:"statusLabel,optional"`
	// MinRequests is how many requests, within Window, a measurement
	// needs for the version to count as tried: 20 is the fewest at which
	// one error reaches the 5% limit. Default: 20.
	MinRequests *int `pulumi:"minRequests,optional"`
	// LatencyBuckets are DurationMetric's bucket boundaries, in seconds.
	// When given without a boundary at the latency limit (2 s), New warns:
	// the p95 is then interpolated across a bucket, approximately (see
	// pkg/slo). Default: - unknown (no check).
	LatencyBuckets []float64 `pulumi:"latencyBuckets,optional"`
}
