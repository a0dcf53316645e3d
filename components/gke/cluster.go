package gke

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// APIs are the project APIs the cluster calls: GKE itself, IAM for the
// service accounts, Cloud Resource Manager for the project IAM bindings,
// and Logging and Monitoring for the cluster's logs and managed
// Prometheus. Binary Authorization's API is added when it is enforced.
var APIs = []string{"container.googleapis.com", "iam.googleapis.com", "cloudresourcemanager.googleapis.com",
	"logging.googleapis.com", "monitoring.googleapis.com"}

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:gcp:GkeCluster"

// MaxClusterName is the length limit of GKE cluster names.
const MaxClusterName = 40

// NodeRoles are the only project roles the node service account gets.
var NodeRoles = []string{
	"roles/logging.logWriter",
	"roles/monitoring.metricWriter",
	"roles/monitoring.viewer",
	"roles/stackdriver.resourceMetadata.writer",
	"roles/artifactregistry.reader",
}

// Cluster is a GKE cluster (Standard with node pools, or Autopilot) with
// its node service account, a kubeconfig and a Kubernetes provider for it.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Endpoint is the API server's address (an IP address).
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// CertificateAuthority is the base64 CA certificate of the API server.
	CertificateAuthority pulumi.StringOutput `pulumi:"certificateAuthority"`
	// Kubeconfig reaches the cluster with gke-gcloud-auth-plugin; a secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// NodeServiceAccount is the email of the nodes' service account.
	NodeServiceAccount pulumi.StringOutput `pulumi:"nodeServiceAccount"`
	// WorkloadPool is the Workload Identity pool ("<project>.svc.id.goog").
	WorkloadPool string
	// Provider is a Kubernetes provider for the cluster.
	Provider *kubernetes.Provider

	// Cluster is the GKE cluster resource.
	Cluster *container.Cluster
	// NodePools are the node pools (none with Autopilot).
	NodePools []*container.NodePool

	name    string
	project string
	// apis are the project API services the cluster enabled (none when
	// EnableAPIs is false): what the cluster's methods create waits too.
	apis []pulumi.Resource
}

// New creates a GKE cluster called name. Arguments are validated before
// anything is registered.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	if a.ClusterName == "" {
		a.ClusterName = naming.GCP(MaxClusterName, ctx.Project(), ctx.Stack(), name)
	}
	c := &Cluster{name: name, project: a.Project, WorkloadPool: a.Project + ".svc.id.goog"}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, c: c, a: a, opts: []pulumi.ResourceOption{pulumi.Parent(c)},
		labels: naming.Merge(a.Labels, naming.GCPLabels(naming.TagInput{Project: ctx.Project(), Stack: ctx.Stack(), Environment: ctx.Stack()}))}
	for _, step := range []func() error{b.apis, b.serviceAccount, b.cluster, b.pools, b.kubeconfig} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name": c.Name, "endpoint": c.Endpoint, "certificateAuthority": c.CertificateAuthority,
		"kubeconfig": c.Kubeconfig, "nodeServiceAccount": c.NodeServiceAccount,
	})
}

type builder struct {
	ctx    *pulumi.Context
	c      *Cluster
	a      Args
	opts   []pulumi.ResourceOption
	labels map[string]string
	sa     *serviceaccount.Account
	// apiOpts make a resource wait for the APIs it calls.
	apiOpts []pulumi.ResourceOption
}

// apis enables the project APIs the cluster needs before anything uses
// them (a disabled API answers 403 SERVICE_DISABLED), and leaves them on
// when the stack is destroyed: other workloads may use them.
func (b *builder) apis() error {
	b.apiOpts = b.opts
	if !*b.a.EnableAPIs {
		return nil
	}
	var deps []pulumi.Resource
	apis := APIs
	if b.a.BinaryAuthorization != "DISABLED" {
		apis = append(slices.Clone(APIs), "binaryauthorization.googleapis.com")
	}
	for _, api := range apis {
		short, _, _ := strings.Cut(api, ".")
		svc, err := projects.NewService(b.ctx, b.child("api-"+short), &projects.ServiceArgs{
			Project:                  pulumi.String(b.a.Project),
			Service:                  pulumi.String(api),
			DisableOnDestroy:         pulumi.Bool(false),
			DisableDependentServices: pulumi.Bool(false),
		}, b.opts...)
		if err != nil {
			return err
		}
		deps = append(deps, svc)
	}
	b.c.apis = deps
	b.apiOpts = append(slices.Clone(b.opts), pulumi.DependsOn(deps))
	return nil
}

func (b *builder) child(kind string) string { return naming.Child(b.c.name, kind) }

func (b *builder) location() string {
	if *b.a.Regional {
		return b.a.Region
	}
	return b.a.Zone
}

// serviceAccount creates the nodes' dedicated service account with only
// the roles nodes need (not the Compute Engine default account, which is
// project editor).
func (b *builder) serviceAccount() error {
	sa, err := serviceaccount.NewAccount(b.ctx, b.child("nodes-sa"), &serviceaccount.AccountArgs{
		Project:     pulumi.String(b.a.Project),
		AccountId:   pulumi.String(naming.GCPServiceAccountID(b.ctx.Project(), b.ctx.Stack(), b.c.name, "nodes")),
		DisplayName: pulumi.Sprintf("GKE nodes of %s", b.a.ClusterName),
	}, b.apiOpts...)
	if err != nil {
		return err
	}
	for _, role := range NodeRoles {
		if _, err := projects.NewIAMMember(b.ctx, b.child("nodes-"+role[len("roles/"):]), &projects.IAMMemberArgs{
			Project: pulumi.String(b.a.Project),
			Role:    pulumi.String(role),
			Member:  pulumi.Sprintf("serviceAccount:%s", sa.Email),
		}, b.apiOpts...); err != nil {
			return err
		}
	}
	b.sa = sa
	b.c.NodeServiceAccount = sa.Email
	return nil
}

// nodeConfig is the hardened configuration of every node.
func (b *builder) nodeConfig(p NodePoolArgs) *container.NodePoolNodeConfigArgs {
	var taints container.NodePoolNodeConfigTaintArray
	for _, t := range p.Taints {
		taints = append(taints, &container.NodePoolNodeConfigTaintArgs{Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.APIEffect())})
	}
	return &container.NodePoolNodeConfigArgs{
		MachineType:    pulumi.String(p.MachineType),
		ImageType:      pulumi.String("COS_CONTAINERD"),
		DiskSizeGb:     pulumi.Int(*p.DiskSizeGB),
		DiskType:       pulumi.String(p.DiskType),
		Spot:           pulumi.Bool(p.Spot),
		ServiceAccount: b.sa.Email,
		// Access is governed by the account's roles, not by scopes.
		OauthScopes:            pulumi.StringArray{pulumi.String("https://www.googleapis.com/auth/cloud-platform")},
		WorkloadMetadataConfig: &container.NodePoolNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String("GKE_METADATA")},
		ShieldedInstanceConfig: &container.NodePoolNodeConfigShieldedInstanceConfigArgs{
			EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		Metadata:       pulumi.StringMap{"disable-legacy-endpoints": pulumi.String("true")},
		Labels:         pulumi.ToStringMap(p.Labels),
		Taints:         taints,
		ResourceLabels: pulumi.ToStringMap(b.labels),
	}
}

func (b *builder) cluster() error {
	a := b.a
	private := &container.ClusterPrivateClusterConfigArgs{
		EnablePrivateNodes:    pulumi.Bool(true),
		EnablePrivateEndpoint: pulumi.Bool(a.PrivateEndpoint),
		MasterIpv4CidrBlock:   pulumi.String(a.MasterCIDR),
	}
	var blocks container.ClusterMasterAuthorizedNetworksConfigCidrBlockArray
	for _, cidr := range a.AuthorizedNetworks {
		blocks = append(blocks, &container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs{CidrBlock: pulumi.String(cidr), DisplayName: pulumi.String("plinth: " + cidr)})
	}
	args := &container.ClusterArgs{
		Name:           pulumi.String(a.ClusterName),
		Project:        pulumi.String(a.Project),
		Location:       pulumi.String(b.location()),
		Network:        a.Network,
		Subnetwork:     a.Subnetwork,
		NetworkingMode: pulumi.String("VPC_NATIVE"),
		IpAllocationPolicy: &container.ClusterIpAllocationPolicyArgs{
			ClusterSecondaryRangeName:  pulumi.String(a.PodsRangeName),
			ServicesSecondaryRangeName: pulumi.String(a.ServicesRangeName),
		},
		PrivateClusterConfig:           private,
		MasterAuthorizedNetworksConfig: &container.ClusterMasterAuthorizedNetworksConfigArgs{CidrBlocks: blocks},
		MasterAuth: &container.ClusterMasterAuthArgs{
			ClientCertificateConfig: &container.ClusterMasterAuthClientCertificateConfigArgs{IssueClientCertificate: pulumi.Bool(false)},
		},
		WorkloadIdentityConfig: &container.ClusterWorkloadIdentityConfigArgs{WorkloadPool: pulumi.String(b.c.WorkloadPool)},
		ReleaseChannel:         &container.ClusterReleaseChannelArgs{Channel: pulumi.String(a.ReleaseChannel)},
		EnableLegacyAbac:       pulumi.Bool(false),
		BinaryAuthorization:    &container.ClusterBinaryAuthorizationArgs{EvaluationMode: pulumi.String(a.BinaryAuthorization)},
		LoggingConfig: &container.ClusterLoggingConfigArgs{
			EnableComponents: pulumi.ToStringArray([]string{"SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"}),
		},
		MonitoringConfig: &container.ClusterMonitoringConfigArgs{
			EnableComponents:  pulumi.ToStringArray([]string{"SYSTEM_COMPONENTS"}),
			ManagedPrometheus: &container.ClusterMonitoringConfigManagedPrometheusArgs{Enabled: pulumi.Bool(true)},
		},
		MaintenancePolicy: &container.ClusterMaintenancePolicyArgs{
			DailyMaintenanceWindow: &container.ClusterMaintenancePolicyDailyMaintenanceWindowArgs{StartTime: pulumi.String(a.MaintenanceStart)},
		},
		DeletionProtection: pulumi.Bool(*a.DeletionProtection),
		ResourceLabels:     pulumi.ToStringMap(b.labels),
	}
	if a.DatabaseEncryptionKey != nil {
		key := problem.Resolved(fmt.Sprintf("gke %q: ", b.c.name), "databaseEncryptionKey", a.DatabaseEncryptionKey, checkKMSKey)
		args.DatabaseEncryption = &container.ClusterDatabaseEncryptionArgs{State: pulumi.String("ENCRYPTED"), KeyName: key}
	}
	opts := slices.Clone(b.apiOpts)
	if a.Autopilot {
		b.autopilot(args)
	} else {
		b.standard(args)
		// The temporary default pool's settings are not plinth's to manage
		// once it is removed.
		opts = append(opts, pulumi.IgnoreChanges([]string{"nodeConfig", "initialNodeCount"}))
	}
	if *a.DeletionProtection {
		opts = append(opts, pulumi.Protect(true))
	}
	cluster, err := container.NewCluster(b.ctx, b.child("cluster"), args, opts...)
	if err != nil {
		return err
	}
	b.c.Cluster = cluster
	b.c.Name = cluster.Name
	b.c.Endpoint = cluster.Endpoint
	b.c.CertificateAuthority = cluster.MasterAuth.ClusterCaCertificate().Elem()
	return nil
}

// standard sets what a Standard cluster needs and Autopilot refuses
// (PL-D-023). enableAutopilot stays unset: the provider refuses
// removeDefaultNodePool next to an explicit false too.
func (b *builder) standard(args *container.ClusterArgs) {
	// The default pool is replaced by plinth's pools; the temporary one
	// GKE creates first is hardened too.
	args.RemoveDefaultNodePool = pulumi.Bool(true)
	args.InitialNodeCount = pulumi.Int(1)
	args.NodeConfig = &container.ClusterNodeConfigArgs{
		ServiceAccount:         b.sa.Email,
		WorkloadMetadataConfig: &container.ClusterNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String("GKE_METADATA")},
		ShieldedInstanceConfig: &container.ClusterNodeConfigShieldedInstanceConfigArgs{EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true)},
	}
	args.EnableShieldedNodes = pulumi.Bool(true)
	args.EnableIntranodeVisibility = pulumi.Bool(true)
	// Dataplane V2 enforces NetworkPolicy itself (no Calico add-on).
	args.DatapathProvider = pulumi.String("ADVANCED_DATAPATH")
}

// autopilot makes the cluster an Autopilot cluster, whose nodes run as
// the least-privilege node service account. Autopilot always runs
// Dataplane V2 (so NetworkPolicies are enforced), shielded nodes and
// Workload Identity, and manages the node settings the provider refuses
// next to it.
func (b *builder) autopilot(args *container.ClusterArgs) {
	args.EnableAutopilot = pulumi.Bool(true)
	args.ClusterAutoscaling = &container.ClusterClusterAutoscalingArgs{
		AutoProvisioningDefaults: &container.ClusterClusterAutoscalingAutoProvisioningDefaultsArgs{
			ServiceAccount: b.sa.Email,
			// Access is governed by the account's roles, not by scopes.
			OauthScopes: pulumi.StringArray{pulumi.String("https://www.googleapis.com/auth/cloud-platform")},
		},
	}
}

func (b *builder) pools() error {
	for _, p := range b.a.NodePools {
		// No name: Pulumi names the pool "<component>-<pool>-<random>", so
		// a replacement is created before the old pool goes.
		np, err := container.NewNodePool(b.ctx, b.child(p.Name), &container.NodePoolArgs{
			Project:  pulumi.String(b.a.Project),
			Location: pulumi.String(b.location()),
			Cluster:  b.c.Cluster.Name,
			// Autoscaling bounds do not size a pool at creation: without
			// this the cluster (whose default pool is removed) has no nodes.
			InitialNodeCount: pulumi.Int(max(*p.MinSize, 1)),
			Autoscaling: &container.NodePoolAutoscalingArgs{
				MinNodeCount: pulumi.Int(*p.MinSize), MaxNodeCount: pulumi.Int(*p.MaxSize),
			},
			Management: &container.NodePoolManagementArgs{AutoRepair: pulumi.Bool(true), AutoUpgrade: pulumi.Bool(true)},
			UpgradeSettings: &container.NodePoolUpgradeSettingsArgs{
				Strategy: pulumi.String("SURGE"), MaxSurge: pulumi.Int(*p.MaxSurge), MaxUnavailable: pulumi.Int(*p.MaxUnavailable),
			},
			NodeConfig: b.nodeConfig(p),
		}, append(b.opts, pulumi.IgnoreChanges([]string{"initialNodeCount"}))...)
		if err != nil {
			return err
		}
		b.c.NodePools = append(b.c.NodePools, np)
	}
	return nil
}

// WorkloadIdentityArgs configures a Google service account for a
// Kubernetes service account.
type WorkloadIdentityArgs struct {
	// Namespace of the Kubernetes service account. Required.
	Namespace string
	// ServiceAccount is the Kubernetes service account's name. Required.
	ServiceAccount string
	// Roles are project roles granted to the Google service account.
	Roles []string
}

// WorkloadIdentity creates a Google service account that only the
// Kubernetes service account namespace/name of this cluster may act as
// (roles/iam.workloadIdentityUser on it), with the given project roles.
// Pass its email to app.Args.ServiceAccount.GCPServiceAccount.
func (c *Cluster) WorkloadIdentity(ctx *pulumi.Context, name string, args WorkloadIdentityArgs, opts ...pulumi.ResourceOption) (*serviceaccount.Account, error) {
	opts = append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.DependsOn(c.apis)}, opts...)
	logical := naming.Child(c.name, "wi-"+name)
	sa, err := serviceaccount.NewAccount(ctx, logical, &serviceaccount.AccountArgs{
		Project:     pulumi.String(c.project),
		AccountId:   pulumi.String(naming.GCPServiceAccountID(ctx.Project(), ctx.Stack(), name)),
		DisplayName: pulumi.Sprintf("%s/%s on %s", args.Namespace, args.ServiceAccount, c.name),
	}, opts...)
	if err != nil {
		return nil, err
	}
	// The identity pool exists once the cluster does: the binding takes
	// the pool from the cluster's output, so it waits for the cluster
	// (before, IAM answers "Identity Pool does not exist").
	pool := c.Cluster.WorkloadIdentityConfig.WorkloadPool().Elem()
	if _, err := serviceaccount.NewIAMMember(ctx, logical+"-wi-user", &serviceaccount.IAMMemberArgs{
		ServiceAccountId: sa.Name,
		Role:             pulumi.String("roles/iam.workloadIdentityUser"),
		Member:           pulumi.Sprintf("serviceAccount:%s[%s/%s]", pool, args.Namespace, args.ServiceAccount),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{c.Cluster}))...); err != nil {
		return nil, err
	}
	for i, role := range args.Roles {
		if _, err := projects.NewIAMMember(ctx, fmt.Sprintf("%s-%d", logical, i), &projects.IAMMemberArgs{
			Project: pulumi.String(c.project), Role: pulumi.String(role), Member: pulumi.Sprintf("serviceAccount:%s", sa.Email),
		}, opts...); err != nil {
			return nil, err
		}
	}
	return sa, nil
}
