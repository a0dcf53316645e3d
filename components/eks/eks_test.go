package eks_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

const (
	admin       = "arn:aws:iam::123456789012:role/platform-admin"
	deployer    = "arn:aws:iam::123456789012:role/ci-deployer"
	clusterType = "aws:eks/cluster:Cluster"
	ngType      = "aws:eks/nodeGroup:NodeGroup"
	ltType      = "aws:ec2/launchTemplate:LaunchTemplate"
	roleType    = "aws:iam/role:Role"
)

func prodArgs() eks.Args {
	return eks.Args{
		Tier:          "prod",
		SubnetIDs:     pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"}),
		AdminRoleARNs: []pulumi.StringInput{pulumi.String(admin), pulumi.String(deployer)},
	}
}

func deploy(t *testing.T, args eks.Args) (*plinthtest.Stack, *eks.Cluster) {
	t.Helper()
	var c *eks.Cluster
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		c, err = eks.New(ctx, "main", args)
		return err
	}, plinthtest.WithStack("prod"))
	return s, c
}

func TestSecureCluster(t *testing.T) {
	s, c := deploy(t, prodArgs())
	cl := s.One(t, clusterType)
	cl.Expect(t, map[string]any{
		"name":                            "plinth-prod-main",
		"version":                         "1.36",
		"vpcConfig.endpointPrivateAccess": true,
		"vpcConfig.endpointPublicAccess":  false,
		"encryptionConfig.resources[0]":   "secrets",
		"accessConfig.authenticationMode": "API",
		"accessConfig.bootstrapClusterCreatorAdminPermissions": false,
		"upgradePolicy.supportType":                            "STANDARD",
		"tags.managed-by":                                      "plinth",
	})
	if cl.Has("vpcConfig.publicAccessCidrs") {
		t.Errorf("a private cluster lists public access CIDRs")
	}
	if got := cl.Value(t, "enabledClusterLogTypes"); !reflect.DeepEqual(got, []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}) {
		t.Errorf("log types = %v, want all five", got)
	}
	key := s.One(t, "aws:kms/key:Key")
	if !key.Bool(t, "enableKeyRotation") || cl.String(t, "encryptionConfig.provider.keyArn") != key.Outputs["arn"].StringValue() {
		t.Errorf("secrets are not encrypted with the rotating key: %s", key.JSON())
	}
	if !cl.Protect {
		t.Errorf("a prod cluster is not protected from deletion")
	}
	lg := s.One(t, "aws:cloudwatch/logGroup:LogGroup")
	if lg.String(t, "name") != "/aws/eks/plinth-prod-main/cluster" || lg.Number(t, "retentionInDays") != 365 {
		t.Errorf("control-plane log group = %s", lg.JSON())
	}
	if !slices.Contains(cl.Dependencies, lg.URN) {
		t.Errorf("the cluster does not wait for its log group")
	}

	var principals []string
	for _, e := range s.ByType("aws:eks/accessEntry:AccessEntry") {
		principals = append(principals, e.String(t, "principalArn"))
	}
	// Entries are registered from the cluster's outputs, so their order
	// is not fixed.
	slices.Sort(principals)
	if want := []string{deployer, admin}; !reflect.DeepEqual(principals, want) {
		t.Errorf("access entries = %v", principals)
	}
	for _, a := range s.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
		if a.String(t, "policyArn") != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" || a.String(t, "accessScope.type") != "cluster" {
			t.Errorf("access policy = %s", a.JSON())
		}
	}
	oidc := s.One(t, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	if !strings.HasPrefix(oidc.String(t, "url"), "https://oidc.eks.eu-west-1.amazonaws.com/id/") || oidc.String(t, "clientIdLists[0]") != "sts.amazonaws.com" {
		t.Errorf("OIDC provider = %s", oidc.JSON())
	}
	if got := plinthtest.Await(t, c.OIDCProviderARN).Value.(string); !strings.HasPrefix(got, "arn:aws:iam::123456789012:oidc-provider/oidc.eks.") {
		t.Errorf("OIDCProviderARN = %q", got)
	}
}

func TestNodes(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	ng := s.One(t, ngType)
	ng.Expect(t, map[string]any{
		"nodeGroupNamePrefix":       "general-",
		"capacityType":              "ON_DEMAND",
		"amiType":                   "AL2023_x86_64_STANDARD",
		"instanceTypes[0]":          "m6i.large",
		"scalingConfig.minSize":     3.0,
		"scalingConfig.maxSize":     10.0,
		"scalingConfig.desiredSize": 3.0,
	})
	if ng.Has("nodeGroupName") || len(ng.IgnoreChanges) != 0 {
		t.Errorf("node group has a fixed name or ignores changes without an autoscaler: %s, ignoreChanges %v", ng.JSON(), ng.IgnoreChanges)
	}
	if ng.String(t, "version") != "1.36" {
		t.Errorf("node group version = %v, want the cluster's", ng.Value(t, "version"))
	}
	lt := s.One(t, ltType)
	lt.Expect(t, map[string]any{
		"metadataOptions.httpTokens":                    "required",
		"metadataOptions.httpPutResponseHopLimit":       1.0,
		"blockDeviceMappings[0].ebs.encrypted":          "true",
		"blockDeviceMappings[0].ebs.volumeType":         "gp3",
		"blockDeviceMappings[0].ebs.volumeSize":         50.0,
		"networkInterfaces[0].associatePublicIpAddress": "false",
	})

	nodeRole := s.Get(t, roleType, "main-node-role")
	trust, _ := awsiam.Parse(nodeRole.String(t, "assumeRolePolicy"))
	if trust.Statement[0].Principal["Service"] != "ec2.amazonaws.com" {
		t.Errorf("node role trust = %+v", trust)
	}
	var attached []string
	for _, a := range s.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if strings.HasPrefix(a.Name, "main-node-role-") {
			attached = append(attached, a.String(t, "policyArn"))
		}
	}
	slices.Sort(attached)
	if !reflect.DeepEqual(attached, []string{
		"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
		"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
	}) {
		t.Errorf("node role policies = %v, want only the worker and image-pull policies", attached)
	}
}

func TestEveryIAMPolicyIsExact(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	for _, r := range s.ByType(roleType) {
		doc, err := awsiam.Parse(r.String(t, "assumeRolePolicy"))
		if err != nil || len(doc.Statement) != 1 {
			t.Fatalf("role %s trust policy does not parse: %v", r.Name, err)
		}
	}
	for _, r := range s.ByType("aws:iam/rolePolicy:RolePolicy") {
		doc, err := awsiam.Parse(r.String(t, "policy"))
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if w := doc.WildcardActions(); len(w) != 0 {
			t.Errorf("%s allows wildcard actions %v", r.Name, w)
		}
		for _, st := range doc.Statement {
			for _, res := range st.Resource {
				if res == "*" {
					t.Errorf("%s allows %v on every resource", r.Name, st.Action)
				}
			}
		}
	}
}

func TestIRSA(t *testing.T) {
	var role pulumi.StringOutput
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := eks.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		r, err := c.ServiceAccountRole(ctx, "web", eks.ServiceAccountRoleArgs{Namespace: "shop", ServiceAccount: "web"})
		if err != nil {
			return err
		}
		role = r.Arn
		return nil
	})
	r := s.Get(t, roleType, "main-irsa-web")
	doc, err := awsiam.Parse(r.String(t, "assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statement[0]
	if !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) || !strings.HasPrefix(st.Principal["Federated"].(string), "arn:aws:iam::123456789012:oidc-provider/") {
		t.Fatalf("IRSA trust = %+v", st)
	}
	var sub, aud string
	for k, v := range st.Condition["StringEquals"] {
		switch {
		case strings.HasSuffix(k, ":sub"):
			sub = v
		case strings.HasSuffix(k, ":aud"):
			aud = v
		}
	}
	if sub != "system:serviceaccount:shop:web" || aud != "sts.amazonaws.com" {
		t.Fatalf("IRSA conditions sub=%q aud=%q", sub, aud)
	}
	if got := plinthtest.Await(t, role).Value; got != "arn:aws:iam::123456789012:role/plinth-test-main-irsa-web" {
		t.Fatalf("role ARN = %v", got)
	}
	cni := s.Get(t, "aws:eks/addon:Addon", "main-addon-vpc-cni")
	if !strings.Contains(cni.String(t, "serviceAccountRoleArn"), "main-irsa-vpc-cni") {
		t.Fatalf("vpc-cni does not use its IRSA role: %s", cni.JSON())
	}
}

// TestPodIdentity: the role trusts only the Pod Identity service, and the
// association waits for the role's policies and the agent add-on.
func TestPodIdentity(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := eks.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		_, err = c.PodIdentityRole(ctx, "web", eks.PodIdentityRoleArgs{Namespace: "shop", ServiceAccount: "web",
			PolicyARNs: []string{"arn:aws:iam::123456789012:policy/web-s3"}})
		return err
	})
	r := s.Get(t, roleType, "main-pod-identity-web")
	doc, err := awsiam.Parse(r.String(t, "assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	if st := doc.Statement; len(st) != 1 || st[0].Principal["Service"] != "pods.eks.amazonaws.com" || !slices.Equal(st[0].Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
		t.Fatalf("Pod Identity trust = %+v", st)
	}
	a := s.Get(t, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "main-pod-identity-web")
	a.Expect(t, map[string]any{"clusterName": "plinth-test-main", "namespace": "shop", "serviceAccount": "web"})
	if !strings.HasSuffix(a.String(t, "roleArn"), ":role/plinth-test-main-pod-web") {
		t.Fatalf("association role = %s", a.String(t, "roleArn"))
	}
	agent := s.Get(t, "aws:eks/addon:Addon", "main-addon-eks-pod-identity-agent")
	attach := s.Get(t, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-pod-identity-web-0")
	if !slices.Contains(a.Dependencies, agent.URN) || !slices.Contains(a.Dependencies, attach.URN) {
		t.Fatalf("the association does not wait for the agent and the role's policy: %v", a.Dependencies)
	}
	// Bad input is refused before anything registers.
	_, err = plinthtest.RunErr(func(ctx *pulumi.Context) error {
		c, err := eks.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		_, err = c.PodIdentityRole(ctx, "web", eks.PodIdentityRoleArgs{Namespace: "Shop", ServiceAccount: "web"})
		return err
	})
	plinthtest.RequireProblem(t, err, `eks "main": podIdentityRole "web": `, "namespace", "is not a valid name")
}

func TestKubeconfigAndProvider(t *testing.T) {
	args := prodArgs()
	args.KubeconfigRoleARN = pulumi.String(deployer)
	args.KubeconfigProfile = "platform"
	s, c := deploy(t, args)
	kc := plinthtest.Await(t, c.Kubeconfig)
	if !kc.Secret {
		t.Fatalf("the kubeconfig output is not a secret")
	}
	cfg, err := clientcmd.Load([]byte(kc.Value.(string)))
	if err != nil {
		t.Fatalf("kubeconfig does not parse: %v", err)
	}
	if err := clientcmd.Validate(*cfg); err != nil {
		t.Fatalf("kubeconfig is invalid: %v", err)
	}
	exec := cfg.AuthInfos[cfg.Contexts[cfg.CurrentContext].AuthInfo].Exec
	if exec == nil || exec.Command != "aws" || exec.APIVersion != "client.authentication.k8s.io/v1beta1" {
		t.Fatalf("exec = %+v", exec)
	}
	if got := strings.Join(exec.Args, " "); got != "eks get-token --cluster-name plinth-prod-main --region eu-west-1 --output json --role-arn "+deployer {
		t.Fatalf("exec args = %q", got)
	}
	if len(exec.Env) != 1 || exec.Env[0].Name != "AWS_PROFILE" || exec.Env[0].Value != "platform" {
		t.Fatalf("exec env = %v", exec.Env)
	}
	if !strings.HasPrefix(cfg.Clusters[cfg.CurrentContext].Server, "https://") || len(cfg.Clusters[cfg.CurrentContext].CertificateAuthorityData) == 0 {
		t.Fatalf("cluster entry = %+v", cfg.Clusters[cfg.CurrentContext])
	}
	p := s.One(t, "pulumi:providers:kubernetes")
	if !p.IsSecret("kubeconfig") {
		t.Fatalf("the provider's kubeconfig input is not a secret")
	}
}

func TestPublicEndpointAndAddonVersions(t *testing.T) {
	args := prodArgs()
	args.Tier = "dev"
	args.PublicAccessCIDRs = []string{"203.0.113.0/24"}
	args.AddOns = &eks.AddOnsArgs{CoreDNS: "v1.11.4-eksbuild.2"}
	s, _ := deploy(t, args)
	cl := s.One(t, clusterType)
	if !cl.Bool(t, "vpcConfig.endpointPublicAccess") || cl.String(t, "vpcConfig.publicAccessCidrs[0]") != "203.0.113.0/24" || cl.Protect {
		t.Fatalf("dev cluster with CIDRs = %s (protect %v)", cl.JSON(), cl.Protect)
	}
	var names []string
	for _, a := range s.ByType("aws:eks/addon:Addon") {
		names = append(names, a.String(t, "addonName"))
		if a.String(t, "addonName") == "coredns" && a.String(t, "addonVersion") != "v1.11.4-eksbuild.2" {
			t.Errorf("coredns version = %v", a.Value(t, "addonVersion"))
		}
	}
	slices.Sort(names)
	if !reflect.DeepEqual(names, []string{"aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"}) {
		t.Fatalf("add-ons = %v", names)
	}
	if ng := s.One(t, ngType); ng.String(t, "instanceTypes[0]") != "t3.medium" || ng.Number(t, "scalingConfig.minSize") != 1 {
		t.Fatalf("dev node group = %s", ng.JSON())
	}
}

func TestBadInput(t *testing.T) {
	mod := func(f func(a *eks.Args)) eks.Args {
		a := prodArgs()
		f(&a)
		return a
	}
	intp := func(v int) *int { return &v }
	tests := []struct {
		name, path, text string
		args             eks.Args
	}{
		{"a KMS key given by alias name", "kmsKeyArn", `"alias/eks" is not a KMS key ARN (a key id or alias name alone is not enough)`, mod(func(a *eks.Args) { a.KMSKeyARN = pulumi.String("alias/eks") })},
		{"control-plane logs kept forever", "logRetentionDays", "(0) would keep the logs forever", mod(func(a *eks.Args) { a.LogRetentionDays = new(0) })},
		{"a node disk of 0 GiB", "nodeGroups[0].diskSizeGb", "(0) is outside 20–16384", mod(func(a *eks.Args) { a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", DiskSizeGB: new(0)}} })},
		{"a public endpoint open to the world", "publicAccessCidrs[0]", "opens access to the whole internet", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"0.0.0.0/0"} })},
		{"an IPv6 world", "publicAccessCidrs[0]", "opens access to the whole internet", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"::/0"} })},
		{"a malformed CIDR", "publicAccessCidrs[0]", "is not a CIDR block", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"10.0.0.300/24"} })},
		{"no admin roles in API mode", "adminRoleArns", "is empty", mod(func(a *eks.Args) { a.AdminRoleARNs = nil })},
		{"an admin that is not a role", "adminRoleArns[0]", "is not an IAM role ARN", mod(func(a *eks.Args) {
			a.AdminRoleARNs = []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:user/bob")}
		})},
		{"a version EKS never offered", "version", `"1.24" is not a Kubernetes minor version EKS offers`, mod(func(a *eks.Args) { a.Version = "1.24" })},
		{"a patch version", "version", `"1.33.2" is not a Kubernetes minor version EKS offers`, mod(func(a *eks.Args) { a.Version = "1.33.2" })},
		{"a version past extended support", "version", `"1.31" is past the end of extended support (2026-11-26)`, mod(func(a *eks.Args) { a.Version, a.SupportType = "1.31", "EXTENDED" })},
		{"a version past standard support on a STANDARD cluster", "version", `"1.33" is past the end of standard support`, mod(func(a *eks.Args) { a.Version = "1.33" })},
		{"an unknown support type", "supportType", `"LTS" is not one of "STANDARD", "EXTENDED"`, mod(func(a *eks.Args) { a.SupportType = "LTS" })},
		{"an ARM AMI on x86 instances", "nodeGroups[0].instanceTypes", `AL2023_ARM_64_STANDARD is built for arm64 but "m6i.large" is an x86_64 instance type`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", AMIType: "AL2023_ARM_64_STANDARD", InstanceTypes: []string{"m6i.large"}}}
		})},
		{"Bottlerocket x86 on Graviton", "nodeGroups[0].instanceTypes", `is a Graviton (arm64) instance type`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", AMIType: "BOTTLEROCKET_x86_64", InstanceTypes: []string{"m7g.large"}}}
		})},
		{"a group name too long for its suffix", "nodeGroups[0].name", "use at most 36", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: strings.Repeat("g", 37)}}
		})},
		{"a private access block open to the world", "privateAccessCidrs[0]", "opens access to the whole internet", mod(func(a *eks.Args) { a.PrivateAccessCIDRs = []string{"0.0.0.0/0"} })},
		{"an autoscaler chart over plain HTTP", "autoscaler.repository", "is not an absolute https or oci URL", mod(func(a *eks.Args) {
			a.Autoscaler = &eks.AutoscalerArgs{Repository: "http://charts.example.com/autoscaler"}
		})},
		{"an autoscaler for another Kubernetes minor", "autoscaler.imageTag", `"v1.32.0" is for Kubernetes 1.32, but the cluster runs 1.36`, mod(func(a *eks.Args) {
			a.Autoscaler = &eks.AutoscalerArgs{Repository: "https://charts.example.com/autoscaler", ImageTag: "v1.32.0"}
		})},
		// The mistake of kubernetes/autoscaler#10278: the 1.35 image with
		// a chart whose ClusterRole lacks resource.k8s.io never scales.
		{"autoscaler 1.35 from a chart without the DRA rules", "autoscaler.chartVersion", `"9.46.6" predates chart 9.54.0, the first whose ClusterRole grants resource.k8s.io`, mod(func(a *eks.Args) {
			a.Version = "1.35"
			a.Autoscaler = &eks.AutoscalerArgs{Repository: "https://charts.example.com/autoscaler", ChartVersion: "9.46.6", ImageTag: "v1.35.0"}
		})},
		{"an autoscaler for a version plinth pins none for", "autoscaler", "plinth pins no Cluster Autoscaler for Kubernetes 1.37", func() eks.Args {
			a := mod(func(a *eks.Args) {
				a.Autoscaler = &eks.AutoscalerArgs{Repository: "https://charts.example.com/autoscaler"}
			})
			a.Version = "1.37"
			return a
		}()},
		{"kube-proxy left behind a cluster upgrade", "addOns.kubeProxy", `"v1.32.13-eksbuild.16" is 4 minor versions behind the cluster's Kubernetes 1.36`, mod(func(a *eks.Args) {
			a.AddOns = &eks.AddOnsArgs{KubeProxy: "v1.32.13-eksbuild.16"}
		})},
		{"kube-proxy newer than the cluster", "addOns.kubeProxy", "must not be newer than the API server", mod(func(a *eks.Args) {
			a.Version = "1.35"
			a.AddOns = &eks.AddOnsArgs{KubeProxy: "v1.36.0-eksbuild.14"}
		})},
		{"no subnets", "subnetIds", "is not set", mod(func(a *eks.Args) { a.SubnetIDs = nil })},
		{"min above max", "nodeGroups[0].minSize", "(5) is greater than maxSize (2)", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", MinSize: intp(5), MaxSize: intp(2)}}
		})},
		{"desired outside the bounds", "nodeGroups[0].desiredSize", "(9) is outside minSize–maxSize (1–3)", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", MinSize: intp(1), MaxSize: intp(3), DesiredSize: intp(9)}}
		})},
		{"an unknown capacity type", "nodeGroups[0].capacityType", `"RESERVED" is not one of "ON_DEMAND", "SPOT"`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", CapacityType: "RESERVED"}}
		})},
		{"an AL2 AMI", "nodeGroups[0].amiType", `"AL2_x86_64" is not one of`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", AMIType: "AL2_x86_64"}}
		})},
		{"a malformed instance type", "nodeGroups[0].instanceTypes[0]", "is not an EC2 instance type", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general", InstanceTypes: []string{"large"}}}
		})},
		{"a cloud-API-style taint effect", "nodeGroups[0].taints[0].effect", `"NO_SCHEDULE" is not one of`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "gpu", Taints: []eks.Taint{{Key: "gpu", Effect: "NO_SCHEDULE"}}}}
		})},
		{"two groups with one name", "nodeGroups[1].name", "is used twice", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general"}, {Name: "general"}}
		})},
		{"an add-on version without eksbuild", "addOns.coreDns", "is not an add-on version", mod(func(a *eks.Args) { a.AddOns = &eks.AddOnsArgs{CoreDNS: "1.11.4"} })},
		{"a Cluster Autoscaler in Auto Mode", "autoscaler.repository", "Auto Mode scales the nodes itself", mod(func(a *eks.Args) {
			a.AutoMode = &eks.AutoModeArgs{Enabled: true}
			a.Autoscaler = &eks.AutoscalerArgs{Repository: "https://charts.example.com/autoscaler"}
		})},
		{"an add-on version in Auto Mode", "addOns.vpcCni", "Auto Mode runs this component itself", mod(func(a *eks.Args) {
			a.AutoMode = &eks.AutoModeArgs{Enabled: true}
			a.AddOns = &eks.AddOnsArgs{VPCCNI: "v1.19.2-eksbuild.1"}
		})},
		{"an Auto Mode pool that does not exist", "autoMode.nodePools[0]", `"gpu" is not one of "general-purpose", "system"`, mod(func(a *eks.Args) {
			a.AutoMode = &eks.AutoModeArgs{Enabled: true, NodePools: []string{"gpu"}}
		})},
		{"an Auto Mode pool twice", "autoMode.nodePools[1]", "is listed twice", mod(func(a *eks.Args) {
			a.AutoMode = &eks.AutoModeArgs{Enabled: true, NodePools: []string{"system", "system"}}
		})},
		{"node pools with Auto Mode off", "autoMode.nodePools", "autoMode.enabled is false", mod(func(a *eks.Args) {
			a.AutoMode = &eks.AutoModeArgs{NodePools: []string{"system"}}
		})},
		{"a retention CloudWatch rejects", "logRetentionDays", "(400000) is not a CloudWatch retention value", mod(func(a *eks.Args) { a.LogRetentionDays = new(400000) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := eks.New(ctx, "main", tt.args)
				return err
			})
			if err == nil || len(s.Resources) != 0 {
				t.Fatalf("err = %v, registered %d", err, len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate("main"), `eks "main": `, tt.path, tt.text)
		})
	}
}

// deployable are production arguments with what a real first deployment
// needs: a path to the private endpoint and an autoscaler.
func deployable() eks.Args {
	a := prodArgs()
	a.PrivateAccessCIDRs = []string{"10.100.0.0/24"}
	a.PrivateAccessSecurityGroupIDs = []pulumi.StringInput{pulumi.String("sg-0123456789abcdef0")}
	a.Autoscaler = &eks.AutoscalerArgs{Repository: "https://charts.example.com/autoscaler"}
	return a
}

// TestFirstDeployOrder checks what the engine will wait for: the cluster
// for its role's policies (EKS checks the KMS permission at creation),
// node groups for theirs, add-ons for their IRSA role's.
func TestFirstDeployOrder(t *testing.T) {
	s, _ := deploy(t, deployable())
	waits := func(r plinthtest.Resource, typ, name string) {
		t.Helper()
		if dep := s.Get(t, typ, name); !slices.Contains(r.Dependencies, dep.URN) {
			t.Errorf("%s does not wait for %s", r.Name, name)
		}
	}
	cl := s.One(t, clusterType)
	waits(cl, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-cluster-role-AmazonEKSClusterPolicy")
	waits(cl, "aws:iam/rolePolicy:RolePolicy", "main-cluster-role-kms")
	ng := s.One(t, ngType)
	waits(ng, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-node-role-AmazonEKSWorkerNodePolicy")
	waits(ng, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-node-role-AmazonEC2ContainerRegistryPullOnly")
	waits(s.Get(t, "aws:eks/addon:Addon", "main-addon-vpc-cni"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-irsa-vpc-cni-0")
	waits(s.Get(t, "aws:eks/addon:Addon", "main-addon-aws-ebs-csi-driver"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-irsa-ebs-csi-0")

	// Every deployability rule passes on what the component registers.
	rep := policy.Evaluate(policy.DeployabilityRules(), s.PolicyResources(), policy.Context{Tier: "prod"}, nil)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestNetworkPoliciesAreEnforced(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	cni := s.Get(t, "aws:eks/addon:Addon", "main-addon-vpc-cni")
	if got := cni.String(t, "configurationValues"); got != `{"enableNetworkPolicy":"true"}` {
		t.Fatalf("vpc-cni configurationValues = %q, want the network policy agent on", got)
	}
}

func TestDefaultStorageClass(t *testing.T) {
	s, c := deploy(t, prodArgs())
	sc := s.One(t, "kubernetes:storage.k8s.io/v1:StorageClass")
	sc.Expect(t, map[string]any{
		"metadata.name": "gp3",
		`metadata.annotations["storageclass.kubernetes.io/is-default-class"]`: "true",
		"provisioner":          "ebs.csi.aws.com",
		"parameters.type":      "gp3",
		"parameters.encrypted": "true",
		"volumeBindingMode":    "WaitForFirstConsumer",
		"allowVolumeExpansion": true,
	})
	if !strings.Contains(sc.Provider, "pulumi:providers:kubernetes::main-k8s::") {
		t.Errorf("the class is not created on the cluster: provider %q", sc.Provider)
	}
	if ebs := s.Get(t, "aws:eks/addon:Addon", "main-addon-aws-ebs-csi-driver"); !slices.Contains(sc.Dependencies, ebs.URN) {
		t.Errorf("the class does not wait for the EBS CSI driver")
	}
	if got := plinthtest.Await(t, c.StorageClassName).Value; got != "gp3" {
		t.Errorf("StorageClassName = %v", got)
	}
	off := prodArgs()
	off.StorageClass = &eks.StorageClassArgs{Disabled: true}
	if s, _ := deploy(t, off); len(s.ByType("kubernetes:storage.k8s.io/v1:StorageClass")) != 0 {
		t.Errorf("a disabled StorageClass was created")
	}
}

func TestPrivateEndpointAccess(t *testing.T) {
	s, _ := deploy(t, deployable())
	cl := s.One(t, clusterType)
	rules := s.ByType("aws:ec2/securityGroupRule:SecurityGroupRule")
	if len(rules) != 2 {
		t.Fatalf("%d security group rules, want one for the blocks and one for the security group", len(rules))
	}
	for _, r := range rules {
		r.Expect(t, map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 443.0, "toPort": 443.0})
		if !slices.Contains(r.Dependencies, cl.URN) {
			t.Errorf("%s is not on the cluster's security group", r.Name)
		}
	}
	s.Get(t, "aws:ec2/securityGroupRule:SecurityGroupRule", "main-api-from-cidrs").Expect(t, map[string]any{"cidrBlocks[0]": "10.100.0.0/24"})
	s.Get(t, "aws:ec2/securityGroupRule:SecurityGroupRule", "main-api-from-sg-0").Expect(t, map[string]any{"sourceSecurityGroupId": "sg-0123456789abcdef0"})
}

func TestClusterAutoscaler(t *testing.T) {
	s, _ := deploy(t, deployable())
	chart := s.Get(t, "kubernetes:helm.sh/v4:Chart", "main-cluster-autoscaler")
	chart.Expect(t, map[string]any{
		"chart":                            "cluster-autoscaler",
		"version":                          "9.59.0",
		"namespace":                        "kube-system",
		"repositoryOpts.repo":              "https://charts.example.com/autoscaler",
		"values.autoDiscovery.clusterName": "plinth-prod-main",
		"values.awsRegion":                 "eu-west-1",
		"values.image.tag":                 "v1.36.1",
		"values.rbac.serviceAccount.name":  "cluster-autoscaler",
	})
	if arn := chart.String(t, `values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]`); !strings.HasSuffix(arn, ":role/plinth-prod-main-irsa-cluster-autoscaler") {
		t.Errorf("the autoscaler's service account role = %q", arn)
	}
	inline := s.Get(t, "aws:iam/rolePolicy:RolePolicy", "main-irsa-cluster-autoscaler-inline")
	doc, err := awsiam.Parse(inline.String(t, "policy"))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Statement[0].Condition["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/plinth-prod-main"]; got != "owned" {
		t.Errorf("the autoscaler may resize groups beyond this cluster's: %+v", doc.Statement[0])
	}
	if !slices.Contains(chart.Dependencies, inline.URN) {
		t.Errorf("the autoscaler does not wait for its role's policy")
	}
	if ng := s.One(t, ngType); !slices.Equal(ng.IgnoreChanges, []string{"scalingConfig.desiredSize"}) {
		t.Errorf("with an autoscaler the node group must leave its desired size to it: ignoreChanges %v", ng.IgnoreChanges)
	}
}

// TestTwoRegions deploys a network and a cluster in each of two regions,
// one through pulumi.Provider, one through a parent's providers: each
// plans its zones, names its kubeconfig's region and creates its
// resources with its own provider.
func TestTwoRegions(t *testing.T) {
	clusters := map[string]*eks.Cluster{}
	nets := map[string]*awsnetwork.Network{}
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		for _, region := range []string{"eu-west-1", "us-west-2"} {
			p, err := aws.NewProvider(ctx, region, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return err
			}
			opts := []pulumi.ResourceOption{pulumi.Provider(p)}
			if region == "us-west-2" {
				// Inherited: a parent component that carries the provider.
				parent := &pulumi.ResourceState{}
				if err := ctx.RegisterComponentResource("acme:platform:Region", region, parent, pulumi.Providers(p)); err != nil {
					return err
				}
				opts = []pulumi.ResourceOption{pulumi.Parent(parent)}
			}
			n, err := awsnetwork.New(ctx, "net-"+region, awsnetwork.Args{Tier: "prod"}, opts...)
			if err != nil {
				return err
			}
			a := prodArgs()
			a.SubnetIDs = n.PrivateSubnetIDs
			a.ClusterName = "c-" + region
			c, err := eks.New(ctx, "eks-"+region, a, opts...)
			if err != nil {
				return err
			}
			clusters[region], nets[region] = c, n
		}
		return nil
	})
	for region, c := range clusters {
		if z := nets[region].AvailabilityZones; len(z) != 3 || !strings.HasPrefix(z[0], region) {
			t.Errorf("%s: zones %v", region, z)
		}
		kc := plinthtest.Await(t, c.Kubeconfig).Value.(string)
		if !strings.Contains(kc, "--region\n      - "+region) {
			t.Errorf("%s: the kubeconfig names another region:\n%s", region, kc)
		}
	}
	for _, inv := range s.Invokes {
		if inv.Provider == "" {
			t.Errorf("%s went to the default provider, not the caller's", inv.Token)
		}
	}
	for _, r := range s.ByType(clusterType) {
		region := strings.TrimPrefix(r.Name, "eks-")
		region = strings.TrimSuffix(region, "-cluster")
		if !strings.Contains(r.Provider, "pulumi:providers:aws::"+region+"::") {
			t.Errorf("cluster %s is created with provider %s", r.Name, r.Provider)
		}
	}
}

// TestWiringToTheNodesAndTheClusterSecurityGroup composes the cluster with
// a database security group that admits the nodes, and a policy on the
// node role.
func TestWiringToTheNodesAndTheClusterSecurityGroup(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := eks.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		db, err := ec2.NewSecurityGroup(ctx, "db", &ec2.SecurityGroupArgs{VpcId: pulumi.String("vpc-0123456789abcdef0")})
		if err != nil {
			return err
		}
		if _, err := ec2.NewSecurityGroupRule(ctx, "db-from-eks", &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("ingress"), Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432),
			SecurityGroupId: db.ID(), SourceSecurityGroupId: c.ClusterSecurityGroupID,
		}); err != nil {
			return err
		}
		_, err = iam.NewRolePolicyAttachment(ctx, "nodes-ssm", &iam.RolePolicyAttachmentArgs{
			Role: c.NodeRole.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
		})
		return err
	}, plinthtest.WithOutputs(clusterType, func(r plinthtest.Resource, out resource.PropertyMap) resource.PropertyMap {
		out["vpcConfig"].ObjectValue()["clusterSecurityGroupId"] = resource.NewPropertyValue("sg-0cluster")
		return out
	}))
	s.Get(t, "aws:ec2/securityGroupRule:SecurityGroupRule", "db-from-eks").Expect(t, map[string]any{"sourceSecurityGroupId": "sg-0cluster"})
	att := s.Get(t, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-ssm")
	if node := s.Get(t, roleType, "main-node-role"); att.String(t, "role") != node.Outputs["name"].StringValue() {
		t.Fatalf("the policy is attached to %q, not the node role", att.String(t, "role"))
	}
}

// TestAutoMode: Auto Mode turns on compute, block storage and load
// balancing together with a node role of its own, gives the cluster role
// Auto Mode's policies, and registers no node groups, launch templates or
// add-ons; the StorageClass uses Auto Mode's provisioner, NetworkPolicies
// are enforced, and every deployability rule passes.
func TestAutoMode(t *testing.T) {
	a := prodArgs()
	a.PublicAccessCIDRs = []string{"203.0.113.0/24"}
	a.AutoMode = &eks.AutoModeArgs{Enabled: true}
	s, c := deploy(t, a)
	cl := s.One(t, clusterType)
	nodeRole := s.Get(t, roleType, "main-node-role")
	cl.Expect(t, map[string]any{
		"computeConfig.enabled":                                true,
		"computeConfig.nodeRoleArn":                            nodeRole.Outputs["arn"].StringValue(),
		"storageConfig.blockStorage.enabled":                   true,
		"kubernetesNetworkConfig.elasticLoadBalancing.enabled": true,
		"bootstrapSelfManagedAddons":                           false,
	})
	if got := cl.Value(t, "computeConfig.nodePools"); !reflect.DeepEqual(got, []any{"general-purpose", "system"}) {
		t.Errorf("node pools = %v", got)
	}
	for _, typ := range []string{ngType, ltType} {
		if n := len(s.ByType(typ)); n != 0 {
			t.Errorf("Auto Mode registered %d %s", n, typ)
		}
	}
	// Auto Mode runs no metrics-server: the add-on serves the HPAs' metrics.
	if addons := s.ByType("aws:eks/addon:Addon"); len(addons) != 1 || addons[0].String(t, "addonName") != "metrics-server" {
		t.Errorf("Auto Mode add-ons = %d, want metrics-server alone", len(addons))
	}
	attached := func(role string) []string {
		var out []string
		for _, att := range s.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if strings.HasPrefix(att.Name, role+"-") {
				arn := att.String(t, "policyArn")
				out = append(out, arn[strings.LastIndex(arn, "/")+1:])
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := attached("main-cluster-role"), []string{"AmazonEKSBlockStoragePolicy", "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"}; !slices.Equal(got, want) {
		t.Errorf("cluster role policies = %v, want %v", got, want)
	}
	if got, want := attached("main-node-role"), []string{"AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodeMinimalPolicy"}; !slices.Equal(got, want) {
		t.Errorf("node role policies = %v, want %v", got, want)
	}
	doc, err := awsiam.Parse(s.Get(t, roleType, "main-cluster-role").String(t, "assumeRolePolicy"))
	if err != nil || !slices.Equal(doc.Statement[0].Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
		t.Errorf("cluster role trust = %+v (%v), want AssumeRole and TagSession", doc, err)
	}
	if !slices.Contains(cl.Dependencies, s.Get(t, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "main-node-role-AmazonEKSWorkerNodeMinimalPolicy").URN) {
		t.Errorf("the cluster does not wait for its node role's policies")
	}
	if got := s.One(t, "kubernetes:storage.k8s.io/v1:StorageClass").String(t, "provisioner"); got != "ebs.csi.eks.amazonaws.com" {
		t.Errorf("StorageClass provisioner = %q, want Auto Mode's", got)
	}
	s.One(t, "kubernetes:core/v1:ConfigMap").Expect(t, map[string]any{
		"metadata.name": "amazon-vpc-cni", "metadata.namespace": "kube-system",
		"data.enable-network-policy-controller": "true",
	})
	if got := plinthtest.Await(t, c.NodeRoleARN).Value; got != nodeRole.Outputs["arn"].StringValue() {
		t.Errorf("NodeRoleARN = %v", got)
	}
	// A policy attachment in another language takes the role's name.
	if got := plinthtest.Await(t, c.NodeRoleName).Value; got == "" || got != nodeRole.Outputs["name"].StringValue() {
		t.Errorf("NodeRoleName = %v, want the node role's name %v", got, nodeRole.Outputs["name"])
	}

	// A Pod Identity role in Auto Mode waits for no add-on, and with an
	// app's NetworkPolicy on the cluster every deployability rule passes.
	s = plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := eks.New(ctx, "main", a)
		if err != nil {
			return err
		}
		if _, err := c.PodIdentityRole(ctx, "web", eks.PodIdentityRoleArgs{Namespace: "shop", ServiceAccount: "web"}); err != nil {
			return err
		}
		_, err = networkingv1.NewNetworkPolicy(ctx, "web", &networkingv1.NetworkPolicyArgs{
			Spec: &networkingv1.NetworkPolicySpecArgs{PodSelector: &metav1.LabelSelectorArgs{}},
		}, pulumi.Provider(c.Provider))
		return err
	}, plinthtest.WithStack("prod"))
	s.Get(t, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "main-pod-identity-web")
	rep := policy.Evaluate(policy.DeployabilityRules(), s.PolicyResources(), policy.Context{Tier: "prod"}, nil)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
}
