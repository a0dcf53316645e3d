package eks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/lookup"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:aws:EksCluster"

// LogTypes are the control-plane log types; plinth enables all five.
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Cluster is an EKS cluster with its node groups (or EKS Auto Mode), OIDC
// provider, add-ons, a kubeconfig and a Kubernetes provider for it.
type Cluster struct {
	pulumi.ResourceState

	// Name is the EKS cluster name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Endpoint is the API server URL.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// CertificateAuthority is the base64 CA data of the API server.
	CertificateAuthority pulumi.StringOutput `pulumi:"certificateAuthority"`
	// OIDCIssuerURL is the cluster's OIDC issuer.
	OIDCIssuerURL pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	// OIDCProviderARN is the IAM OIDC provider for IRSA.
	OIDCProviderARN pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// NodeRoleARN is the role of the managed nodes (of Auto Mode's nodes
	// in Auto Mode).
	NodeRoleARN pulumi.StringOutput `pulumi:"nodeRoleArn"`
	// NodeRoleName is the name of the same role: attach policies the
	// nodes need to it (an IAM role policy attachment takes the name).
	NodeRoleName pulumi.StringOutput `pulumi:"nodeRoleName"`
	// ClusterSecurityGroupID is the security group EKS gives the control
	// plane and the managed nodes: admit it where they connect (a
	// database), or add rules to it.
	ClusterSecurityGroupID pulumi.StringOutput `pulumi:"clusterSecurityGroupId"`
	// Kubeconfig reaches the cluster with `aws eks get-token`; a secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// Provider is a Kubernetes provider for the cluster; pass it to app.New
	// and monitoring.New with pulumi.Provider.
	Provider *kubernetes.Provider

	// Cluster is the EKS cluster resource.
	Cluster *awseks.Cluster
	// NodeGroups are the managed node groups (none in Auto Mode).
	NodeGroups []*awseks.NodeGroup
	// NodeRole is the nodes' IAM role: attach policies the nodes need.
	NodeRole *iam.Role
	// KMSKey encrypts secrets (nil with Args.KMSKeyARN).
	KMSKey *kms.Key
	// StorageClassName is the default StorageClass's name; pass it to
	// what claims volumes (monitoring.Args.StorageClass) so the claims
	// wait for the class. "" with StorageClass.Disabled.
	StorageClassName pulumi.StringOutput `pulumi:"storageClassName"`
	// StorageClass is the default StorageClass (nil when disabled).
	StorageClass *storagev1.StorageClass
	// Autoscaler is the Cluster Autoscaler release (nil without one).
	Autoscaler *helmv4.Chart
	// MetricsServer is the metrics-server add-on, which serves the
	// resource metrics API the HorizontalPodAutoscalers read.
	MetricsServer *awseks.Addon

	name        string
	clusterName string
	partition   string
	// policies are, per role, the attachments and inline policies that
	// what uses the role must wait for.
	policies map[*iam.Role][]pulumi.Resource
	// podIdentityAgent is the Pod Identity agent add-on (nil with Auto
	// Mode, which runs the agent itself).
	podIdentityAgent *awseks.Addon
}

// New creates an EKS cluster called name. Arguments are validated before
// anything is registered.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	if a.ClusterName == "" {
		a.ClusterName = naming.Physical(naming.MaxEKSClusterName, ctx.Project(), ctx.Stack(), name)
	}
	// The lookups go to the AWS provider the resources will use.
	invoke, err := lookup.AWS(opts...)
	if err != nil {
		return nil, err
	}
	part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, invoke...)
	if err != nil {
		return nil, fmt.Errorf("eks %q: look up the partition: %w", name, err)
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, invoke...)
	if err != nil {
		return nil, fmt.Errorf("eks %q: look up the region: %w", name, err)
	}

	c := &Cluster{name: name, clusterName: a.ClusterName, partition: part.Partition, policies: map[*iam.Role][]pulumi.Resource{}}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, c: c, a: a, region: region.Name, invoke: invoke,
		subnets:     problem.ResolvedArray(fmt.Sprintf("eks %q: ", name), "subnetIds", a.SubnetIDs, awsid.CheckSubnet),
		autoModeOff: args.AutoMode != nil && !args.AutoMode.Enabled,
		opts:        []pulumi.ResourceOption{pulumi.Parent(c)},
		tags:        naming.Merge(a.Tags, naming.Tags(naming.TagInput{Project: ctx.Project(), Stack: ctx.Stack(), Environment: ctx.Stack()})),
	}
	for _, step := range []func() error{b.nodeRole, b.cluster, b.endpointAccess, b.access, b.oidc, b.nodes, b.addons, b.kubeconfig, b.storageClass, b.autoModeNetworkPolicies, b.autoscaler} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name": c.Name, "endpoint": c.Endpoint, "certificateAuthority": c.CertificateAuthority,
		"oidcIssuerUrl": c.OIDCIssuerURL, "oidcProviderArn": c.OIDCProviderARN,
		"nodeRoleArn": c.NodeRoleARN, "nodeRoleName": c.NodeRoleName, "kubeconfig": c.Kubeconfig, "storageClassName": c.StorageClassName,
		"clusterSecurityGroupId": c.ClusterSecurityGroupID,
	})
}

type builder struct {
	ctx       *pulumi.Context
	c         *Cluster
	a         Args
	region    string
	opts      []pulumi.ResourceOption
	invoke    []pulumi.InvokeOption
	tags      map[string]string
	ebsDriver *awseks.Addon
	// subnets is Args.SubnetIDs, checked when it resolves as Validate
	// checks a literal.
	subnets pulumi.StringArrayOutput
	// autoModeOff is true when the caller set AutoMode with Enabled
	// false: the cluster is sent its three Auto Mode blocks disabled.
	autoModeOff bool
	// reach is what the cluster's Kubernetes provider must wait for so
	// that the deployer can reach the API: the admin access entries,
	// their policy associations and the API's security group rules. The
	// provider's objects are then also deleted before them.
	reach []pulumi.Resource
}

func (b *builder) child(kind string) string { return naming.Child(b.c.name, kind) }

// managedPolicy is the ARN of an AWS managed policy in the partition.
func (b *builder) managedPolicy(name string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", b.c.partition, name)
}

// roleName is the IAM name of one of the cluster's roles: the cluster
// name (project, stack, component) and the role's kind, within IAM's 64.
func (b *builder) roleName(kind string) pulumi.StringInput {
	return pulumi.String(naming.Physical(naming.MaxIAMRoleName, b.a.ClusterName, kind))
}

func (b *builder) role(kind string, trust awsiam.Document, policies ...string) (*iam.Role, error) {
	role, err := iam.NewRole(b.ctx, b.child(kind), &iam.RoleArgs{
		Name:             b.roleName(kind),
		AssumeRolePolicy: pulumi.String(trust.JSON()),
		Tags:             pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		att, err := iam.NewRolePolicyAttachment(b.ctx, b.child(kind+"-"+p), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(b.managedPolicy(p)),
		}, b.opts...)
		if err != nil {
			return nil, err
		}
		b.c.policies[role] = append(b.c.policies[role], att)
	}
	return role, nil
}

// usingRoles returns the options of a resource that uses roles: it waits
// for the roles' policies, so it is created after them and deleted before
// them (a node group or add-on whose policies go first leaves ENIs
// behind that block the VPC's deletion).
func (b *builder) usingRoles(roles ...*iam.Role) []pulumi.ResourceOption {
	var deps []pulumi.Resource
	for _, r := range roles {
		deps = append(deps, r)
		deps = append(deps, b.c.policies[r]...)
	}
	return append(slices.Clone(b.opts), pulumi.DependsOn(deps))
}

// cluster creates the KMS key, the cluster role, the control-plane log
// group and the cluster: private endpoint unless CIDRs are given, secrets
// envelope-encrypted, all five log types, API authentication, and in Auto
// Mode its compute, block storage and load balancing together.
func (b *builder) cluster() error {
	a := b.a
	keyARN, err := b.secretsKey()
	if err != nil {
		return err
	}
	role, err := b.clusterRole(keyARN)
	if err != nil {
		return err
	}
	// Created before the cluster so EKS writes into a group with retention
	// instead of creating one that keeps logs forever.
	logs, err := cloudwatch.NewLogGroup(b.ctx, b.child("control-plane-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/eks/%s/cluster", a.ClusterName),
		RetentionInDays: pulumi.Int(*a.LogRetentionDays),
		Tags:            pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	vpc := &awseks.ClusterVpcConfigArgs{
		SubnetIds:             b.subnets,
		EndpointPrivateAccess: pulumi.Bool(true),
		EndpointPublicAccess:  pulumi.Bool(len(a.PublicAccessCIDRs) > 0),
	}
	if len(a.PublicAccessCIDRs) > 0 {
		vpc.PublicAccessCidrs = pulumi.ToStringArray(a.PublicAccessCIDRs)
	}
	roles := []*iam.Role{role}
	if b.a.AutoMode.Enabled {
		// The cluster uses the node role too: EKS gives it an access
		// entry, and launches nodes with it.
		roles = append(roles, b.c.NodeRole)
	}
	copts := append(b.usingRoles(roles...), pulumi.DependsOn([]pulumi.Resource{logs}))
	if *a.DeletionProtection {
		copts = append(copts, pulumi.Protect(true))
	}
	cargs := &awseks.ClusterArgs{
		Name:      pulumi.String(a.ClusterName),
		Version:   pulumi.String(a.Version),
		RoleArn:   role.Arn,
		VpcConfig: vpc,
		EncryptionConfig: &awseks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  &awseks.ClusterEncryptionConfigProviderArgs{KeyArn: keyARN},
		},
		EnabledClusterLogTypes: pulumi.ToStringArray(LogTypes),
		AccessConfig: &awseks.ClusterAccessConfigArgs{
			AuthenticationMode: pulumi.String("API"),
			// Admins come from access entries, not from whoever ran `up`.
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		UpgradePolicy:              &awseks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(a.SupportType)},
		Tags:                       pulumi.ToStringMap(b.tags),
	}
	b.autoModeConfig(cargs)
	cluster, err := awseks.NewCluster(b.ctx, b.child("cluster"), cargs, copts...)
	if err != nil {
		return err
	}
	b.c.Cluster = cluster
	b.c.Name = cluster.Name
	b.c.Endpoint = cluster.Endpoint
	b.c.CertificateAuthority = cluster.CertificateAuthority.Data().Elem()
	b.c.OIDCIssuerURL = cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	b.c.ClusterSecurityGroupID = cluster.VpcConfig.ClusterSecurityGroupId().Elem()
	return nil
}

// secretsKey is the key that envelope-encrypts the cluster's secrets: the
// one given (kmsKeyArn, checked when it resolves), or a new key with
// yearly rotation and its alias.
func (b *builder) secretsKey() (pulumi.StringInput, error) {
	a := b.a
	if a.KMSKeyARN != nil {
		return problem.Resolved(fmt.Sprintf("eks %q: ", b.c.name), "kmsKeyArn", a.KMSKeyARN, awsiam.CheckKMSKeyARN), nil
	}
	key, err := kms.NewKey(b.ctx, b.child("secrets-key"), &kms.KeyArgs{
		Description:          pulumi.Sprintf("EKS secrets encryption for %s", a.ClusterName),
		EnableKeyRotation:    pulumi.Bool(true),
		RotationPeriodInDays: pulumi.Int(365),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(b.ctx, b.child("secrets-key-alias"), &kms.AliasArgs{
		Name: pulumi.Sprintf("alias/%s-eks-secrets", a.ClusterName), TargetKeyId: key.KeyId,
	}, b.opts...); err != nil {
		return nil, err
	}
	b.c.KMSKey = key
	return key.Arn, nil
}

// clusterRole is the control plane's role (with Auto Mode's policies
// when it is on), allowed to use the secrets key.
func (b *builder) clusterRole(keyARN pulumi.StringInput) (*iam.Role, error) {
	trust, policies := awsiam.AssumeRoleForService("eks.amazonaws.com"), []string{"AmazonEKSClusterPolicy"}
	if b.a.AutoMode.Enabled {
		// Auto Mode manages instances, volumes and load balancers through
		// the cluster role, and tags its sessions.
		trust = awsiam.AssumeRoleForService("eks.amazonaws.com", "sts:TagSession")
		policies = append(policies, awsiam.EKSAutoModeClusterPolicies...)
	}
	role, err := b.role("cluster-role", trust, policies...)
	if err != nil {
		return nil, err
	}
	// The control plane encrypts secrets with the key through this role.
	kmsPolicy := keyARN.ToStringOutput().ApplyT(func(arn string) string {
		return awsiam.New(awsiam.Allow("EncryptSecrets",
			[]string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey", "kms:CreateGrant"}, arn)).JSON()
	}).(pulumi.StringOutput)
	// EKS checks at creation that the role may use the key.
	kmsInline, err := iam.NewRolePolicy(b.ctx, b.child("cluster-role-kms"), &iam.RolePolicyArgs{
		Role: role.ID(), Policy: kmsPolicy,
	}, b.opts...)
	if err != nil {
		return nil, err
	}
	b.c.policies[role] = append(b.c.policies[role], kmsInline)
	return role, nil
}

// autoModeConfig sets Auto Mode's compute, block storage and load
// balancing: all on, or, when it is being turned off, all sent disabled.
func (b *builder) autoModeConfig(cargs *awseks.ClusterArgs) {
	switch am := b.a.AutoMode; {
	case am.Enabled:
		// EKS refuses Auto Mode unless compute, block storage and load
		// balancing are all on (PL-D-021).
		on := pulumi.Bool(true)
		cargs.ComputeConfig = &awseks.ClusterComputeConfigArgs{
			Enabled: on, NodePools: pulumi.ToStringArray(am.NodePools), NodeRoleArn: b.c.NodeRole.Arn,
		}
		cargs.StorageConfig = &awseks.ClusterStorageConfigArgs{BlockStorage: &awseks.ClusterStorageConfigBlockStorageArgs{Enabled: on}}
		cargs.KubernetesNetworkConfig = &awseks.ClusterKubernetesNetworkConfigArgs{
			ElasticLoadBalancing: &awseks.ClusterKubernetesNetworkConfigElasticLoadBalancingArgs{Enabled: on},
		}
	case b.autoModeOff:
		// Turning Auto Mode off: all three disabled, no node pools and no
		// node role, which the provider applies in place
		// (UpdateClusterConfig) where removing the blocks would not be.
		off := pulumi.Bool(false)
		cargs.ComputeConfig = &awseks.ClusterComputeConfigArgs{Enabled: off}
		cargs.StorageConfig = &awseks.ClusterStorageConfigArgs{BlockStorage: &awseks.ClusterStorageConfigBlockStorageArgs{Enabled: off}}
		cargs.KubernetesNetworkConfig = &awseks.ClusterKubernetesNetworkConfigArgs{
			ElasticLoadBalancing: &awseks.ClusterKubernetesNetworkConfigElasticLoadBalancingArgs{Enabled: off},
		}
	}
}

// endpointAccess admits the listed blocks and security groups to the
// private API endpoint: EKS's cluster security group admits only the
// cluster itself, so without these nothing outside it (the deploy
// runners, Pulumi's Kubernetes provider) can reach a private cluster.
func (b *builder) endpointAccess() error {
	sg := b.c.ClusterSecurityGroupID
	rule := func(kind string, args *ec2.SecurityGroupRuleArgs) error {
		args.Type, args.Protocol = pulumi.String("ingress"), pulumi.String("tcp")
		args.FromPort, args.ToPort = pulumi.Int(443), pulumi.Int(443)
		args.SecurityGroupId = sg
		r, err := ec2.NewSecurityGroupRule(b.ctx, b.child(kind), args, b.opts...)
		if err == nil {
			b.reach = append(b.reach, r)
		}
		return err
	}
	if len(b.a.PrivateAccessCIDRs) > 0 {
		if err := rule("api-from-cidrs", &ec2.SecurityGroupRuleArgs{
			CidrBlocks: pulumi.ToStringArray(b.a.PrivateAccessCIDRs), Description: pulumi.String("plinth: Kubernetes API from the deployers"),
		}); err != nil {
			return err
		}
	}
	for i, id := range b.a.PrivateAccessSecurityGroupIDs {
		path := fmt.Sprintf("privateAccessSecurityGroupIds[%d]", i)
		if err := rule(fmt.Sprintf("api-from-sg-%d", i), &ec2.SecurityGroupRuleArgs{
			SourceSecurityGroupId: problem.Resolved(fmt.Sprintf("eks %q: ", b.c.name), path, id, awsid.CheckSecurityGroup), Description: pulumi.String("plinth: Kubernetes API from the deployers"),
		}); err != nil {
			return err
		}
	}
	return nil
}

// access gives each admin role cluster-admin through an access entry.
func (b *builder) access() error {
	for i, in := range b.a.AdminRoleARNs {
		kind := fmt.Sprintf("admin-%d", i)
		arn := problem.Resolved(fmt.Sprintf("eks %q: ", b.c.name), fmt.Sprintf("adminRoleArns[%d]", i), in, awsiam.CheckRoleARN)
		entry, err := awseks.NewAccessEntry(b.ctx, b.child(kind), &awseks.AccessEntryArgs{
			ClusterName:  b.c.Cluster.Name,
			PrincipalArn: arn,
			Type:         pulumi.String("STANDARD"),
			Tags:         pulumi.ToStringMap(b.tags),
		}, b.opts...)
		if err != nil {
			return err
		}
		assoc, err := awseks.NewAccessPolicyAssociation(b.ctx, b.child(kind+"-policy"), &awseks.AccessPolicyAssociationArgs{
			ClusterName:  b.c.Cluster.Name,
			PrincipalArn: arn,
			PolicyArn:    pulumi.Sprintf("arn:%s:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", b.c.partition),
			AccessScope:  &awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, append(b.opts, pulumi.DependsOn([]pulumi.Resource{entry}))...)
		if err != nil {
			return err
		}
		b.reach = append(b.reach, entry, assoc)
	}
	return nil
}

// oidc registers the cluster's OIDC issuer with IAM for IRSA.
func (b *builder) oidc() error {
	provider, err := iam.NewOpenIdConnectProvider(b.ctx, b.child("oidc"), &iam.OpenIdConnectProviderArgs{
		Url:           b.c.OIDCIssuerURL,
		ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		Tags:          pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.c.OIDCProviderARN = provider.Arn
	return nil
}

// nodeRole creates the nodes' role: worker and image-pull policies only
// (the CNI gets its own IRSA role), or Auto Mode's minimal node policies.
func (b *builder) nodeRole() error {
	policies := []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}
	if b.a.AutoMode.Enabled {
		policies = awsiam.EKSAutoModeNodePolicies
	}
	role, err := b.role("node-role", awsiam.AssumeRoleForService("ec2.amazonaws.com"), policies...)
	if err != nil {
		return err
	}
	b.c.NodeRoleARN, b.c.NodeRoleName = role.Arn, role.Name
	b.c.NodeRole = role
	return nil
}

// dataVolume is the device of the volume that holds a node's images and
// pods, which DiskSizeGB sizes: the root volume on Amazon Linux, and the
// second volume on Bottlerocket, whose root (/dev/xvda) holds only its
// 2 GiB read-only OS image (Bottlerocket's "Working with Bottlerocket
// EKS AMIs": the data volume is /dev/xvdb).
func dataVolume(amiType string) string {
	if strings.HasPrefix(amiType, "BOTTLEROCKET_") {
		return "/dev/xvdb"
	}
	return "/dev/xvda"
}

// nodes creates, per group, a launch template (IMDSv2 required with hop
// limit 1, encrypted gp3 root volume, no public IP) and a managed node
// group. Auto Mode has none.
func (b *builder) nodes() error {
	role := b.c.NodeRole
	for _, g := range b.a.NodeGroups {
		lt, err := ec2.NewLaunchTemplate(b.ctx, b.child(g.Name+"-lt"), &ec2.LaunchTemplateArgs{
			Description: pulumi.Sprintf("plinth node group %s of %s", g.Name, b.a.ClusterName),
			MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
				HttpEndpoint:            pulumi.String("enabled"),
				HttpTokens:              pulumi.String("required"),
				HttpPutResponseHopLimit: pulumi.Int(1),
			},
			BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
				DeviceName: pulumi.String(dataVolume(g.AMIType)),
				Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
					VolumeSize:          pulumi.Int(*g.DiskSizeGB),
					VolumeType:          pulumi.String("gp3"),
					Encrypted:           pulumi.String("true"),
					DeleteOnTermination: pulumi.String("true"),
				},
			}},
			NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
				AssociatePublicIpAddress: pulumi.String("false"),
				DeleteOnTermination:      pulumi.String("true"),
				DeviceIndex:              pulumi.Int(0),
			}},
			TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{&ec2.LaunchTemplateTagSpecificationArgs{
				ResourceType: pulumi.String("instance"),
				Tags:         pulumi.ToStringMap(naming.Merge(b.tags, map[string]string{"Name": b.a.ClusterName + "-" + g.Name})),
			}},
			UpdateDefaultVersion: pulumi.Bool(true),
			Tags:                 pulumi.ToStringMap(b.tags),
		}, b.opts...)
		if err != nil {
			return err
		}
		var taints awseks.NodeGroupTaintArray
		for _, t := range g.Taints {
			taints = append(taints, &awseks.NodeGroupTaintArgs{Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.APIEffect())})
		}
		opts := b.usingRoles(role)
		if b.a.Autoscaler.Repository != "" {
			// The Cluster Autoscaler owns the desired size after creation.
			opts = append(opts, pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))
		}
		ng, err := awseks.NewNodeGroup(b.ctx, b.child(g.Name), &awseks.NodeGroupArgs{
			ClusterName: b.c.Cluster.Name,
			// A prefix, not a name: a replacement group is created (under a
			// new name) before the old one is deleted.
			NodeGroupNamePrefix: pulumi.String(g.Name + "-"),
			// Nodes follow the control plane's version when it is upgraded.
			Version:       b.c.Cluster.Version,
			NodeRoleArn:   role.Arn,
			SubnetIds:     b.subnets,
			InstanceTypes: pulumi.ToStringArray(g.InstanceTypes),
			CapacityType:  pulumi.String(g.CapacityType),
			AmiType:       pulumi.String(g.AMIType),
			ScalingConfig: &awseks.NodeGroupScalingConfigArgs{
				MinSize: pulumi.Int(*g.MinSize), MaxSize: pulumi.Int(*g.MaxSize), DesiredSize: pulumi.Int(*g.DesiredSize),
			},
			UpdateConfig:   &awseks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
			LaunchTemplate: &awseks.NodeGroupLaunchTemplateArgs{Id: lt.ID(), Version: lt.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput)},
			Labels:         pulumi.ToStringMap(g.Labels),
			Taints:         taints,
			Tags:           pulumi.ToStringMap(b.tags),
		}, opts...)
		if err != nil {
			return err
		}
		b.c.NodeGroups = append(b.c.NodeGroups, ng)
	}
	return nil
}

// addon is one EKS add-on plinth installs.
type addon struct {
	name, version string
	role          *iam.Role
	afterNodes    bool
	config        string
}

// addons installs the EKS add-ons; vpc-cni and the EBS CSI driver run
// with their own IRSA roles instead of the node role. Auto Mode runs the
// first five itself; metrics-server, which serves the resource metrics
// API the HorizontalPodAutoscalers read, is installed in both modes
// (EKS runs none: "it isn't deployed by default in Amazon EKS
// clusters", EKS User Guide, metrics-server).
func (b *builder) addons() error {
	ad := b.a.AddOns
	var addons []addon
	if !b.a.AutoMode.Enabled {
		cni, err := b.c.ServiceAccountRole(b.ctx, "vpc-cni", ServiceAccountRoleArgs{
			Namespace: "kube-system", ServiceAccount: "aws-node", PolicyARNs: []string{b.managedPolicy("AmazonEKS_CNI_Policy")},
		})
		if err != nil {
			return err
		}
		ebs, err := b.c.ServiceAccountRole(b.ctx, "ebs-csi", ServiceAccountRoleArgs{
			Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa",
			PolicyARNs: []string{b.managedPolicy("service-role/AmazonEBSCSIDriverPolicy")},
		})
		if err != nil {
			return err
		}
		addons = []addon{
			// NetworkPolicies are enforced only with the CNI's policy agent on.
			{eksaddon.VPCCNI, ad.VPCCNI, cni, false, `{"enableNetworkPolicy":"true"}`},
			{eksaddon.KubeProxy, ad.KubeProxy, nil, false, ""},
			{eksaddon.PodIdentityAgent, ad.PodIdentityAgent, nil, false, ""},
			// coredns and the EBS CSI controller are Deployments: they need nodes.
			{eksaddon.CoreDNS, ad.CoreDNS, nil, true, ""},
			{eksaddon.EBSCSIDriver, ad.EBSCSIDriver, ebs, true, ""},
		}
	}
	addons = append(addons, addon{eksaddon.MetricsServer, ad.MetricsServer, nil, true, ""})
	var nodes []pulumi.Resource
	for _, ng := range b.c.NodeGroups {
		nodes = append(nodes, ng)
	}
	for _, x := range addons {
		version, err := b.addonVersion(x)
		if err != nil {
			return err
		}
		args := &awseks.AddonArgs{
			ClusterName:              b.c.Cluster.Name,
			AddonName:                pulumi.String(x.name),
			AddonVersion:             pulumi.String(version),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String(ad.ResolveConflicts),
			Tags:                     pulumi.ToStringMap(b.tags),
		}
		if x.config != "" {
			args.ConfigurationValues = pulumi.String(x.config)
		}
		opts := b.opts
		if x.role != nil {
			args.ServiceAccountRoleArn = x.role.Arn
			opts = b.usingRoles(x.role)
		}
		if x.afterNodes {
			opts = append(opts, pulumi.DependsOn(nodes))
		}
		created, err := awseks.NewAddon(b.ctx, b.child("addon-"+x.name), args, opts...)
		if err != nil {
			return err
		}
		switch x.name {
		case eksaddon.EBSCSIDriver:
			b.ebsDriver = created
		case eksaddon.PodIdentityAgent:
			b.c.podIdentityAgent = created
		case eksaddon.MetricsServer:
			b.c.MetricsServer = created
		}
	}
	return nil
}

// addonVersion is the add-on's pinned version, or the default version
// EKS offers for the cluster's Kubernetes version, looked up with the
// caller's AWS provider when the program runs. A plain value, so a
// preview shows the version an update would install.
func (b *builder) addonVersion(x addon) (string, error) {
	if x.version != "" {
		return x.version, nil
	}
	res, err := awseks.GetAddonVersion(b.ctx, &awseks.GetAddonVersionArgs{
		AddonName: x.name, KubernetesVersion: b.a.Version,
	}, b.invoke...)
	if err != nil {
		return "", fmt.Errorf("eks %q: look up the %s add-on's default version for Kubernetes %s: %w (or pin it in addOns)", b.c.name, x.name, b.a.Version, err)
	}
	return res.Version, nil
}
