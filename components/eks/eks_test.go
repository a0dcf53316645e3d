package eks_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
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
		SubnetIDs:     pulumi.ToStringArray([]string{"subnet-a", "subnet-b", "subnet-c"}),
		AdminRoleARNs: []string{admin, deployer},
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
		"version":                         "1.33",
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
		"nodeGroupName":             "general",
		"capacityType":              "ON_DEMAND",
		"amiType":                   "AL2023_x86_64_STANDARD",
		"instanceTypes[0]":          "m6i.large",
		"scalingConfig.minSize":     3.0,
		"scalingConfig.maxSize":     10.0,
		"scalingConfig.desiredSize": 3.0,
	})
	if !slices.Equal(ng.IgnoreChanges, []string{"scalingConfig.desiredSize"}) {
		t.Errorf("node group ignoreChanges = %v, want the autoscaler-owned desired size", ng.IgnoreChanges)
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
	if got := plinthtest.Await(t, role).Value; got != "arn:aws:iam::123456789012:role/main-irsa-web" {
		t.Fatalf("role ARN = %v", got)
	}
	cni := s.Get(t, "aws:eks/addon:Addon", "main-addon-vpc-cni")
	if !strings.Contains(cni.String(t, "serviceAccountRoleArn"), "main-irsa-vpc-cni") {
		t.Fatalf("vpc-cni does not use its IRSA role: %s", cni.JSON())
	}
}

func TestKubeconfigAndProvider(t *testing.T) {
	args := prodArgs()
	args.KubeconfigRoleARN = deployer
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
	args.AddOns = eks.AddOnsArgs{CoreDNS: "v1.11.4-eksbuild.2"}
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
	if !reflect.DeepEqual(names, []string{"aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"}) {
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
		{"a public endpoint open to the world", "publicAccessCidrs[0]", "opens access to the whole internet", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"0.0.0.0/0"} })},
		{"an IPv6 world", "publicAccessCidrs[0]", "opens access to the whole internet", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"::/0"} })},
		{"a malformed CIDR", "publicAccessCidrs[0]", "is not a CIDR block", mod(func(a *eks.Args) { a.PublicAccessCIDRs = []string{"10.0.0.300/24"} })},
		{"no admin roles in API mode", "adminRoleArns", "is empty", mod(func(a *eks.Args) { a.AdminRoleARNs = nil })},
		{"an admin that is not a role", "adminRoleArns[0]", "is not an IAM role ARN", mod(func(a *eks.Args) { a.AdminRoleARNs = []string{"arn:aws:iam::123456789012:user/bob"} })},
		{"an unsupported version", "version", `"1.24" is not a supported Kubernetes minor version`, mod(func(a *eks.Args) { a.Version = "1.24" })},
		{"a patch version", "version", `"1.33.2" is not a supported`, mod(func(a *eks.Args) { a.Version = "1.33.2" })},
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
		{"a Kubernetes-style taint effect", "nodeGroups[0].taints[0].effect", `"NoSchedule" is not one of`, mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "gpu", Taints: []eks.Taint{{Key: "gpu", Effect: "NoSchedule"}}}}
		})},
		{"two groups with one name", "nodeGroups[1].name", "is used twice", mod(func(a *eks.Args) {
			a.NodeGroups = []eks.NodeGroupArgs{{Name: "general"}, {Name: "general"}}
		})},
		{"an add-on version without eksbuild", "addOns.coreDns", "is not an add-on version", mod(func(a *eks.Args) { a.AddOns.CoreDNS = "1.11.4" })},
		{"a retention CloudWatch rejects", "logRetentionDays", "(400000) is not a CloudWatch retention value", mod(func(a *eks.Args) { a.LogRetentionDays = 400000 })},
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
