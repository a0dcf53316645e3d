package gke_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/plinth-dev/plinth/components/gke"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

const (
	clusterType = "gcp:container/cluster:Cluster"
	poolType    = "gcp:container/nodePool:NodePool"
	memberType  = "gcp:projects/iAMMember:IAMMember"
)

func prodArgs() gke.Args {
	return gke.Args{
		Tier: "prod", Project: "acme-platform", Region: "europe-west1",
		Network: pulumi.String("gcp-prod-main"), Subnetwork: pulumi.String("gcp-prod-main-nodes"),
		AuthorizedNetworks: []string{"203.0.113.0/24"},
	}
}

func deploy(t *testing.T, args gke.Args) (*plinthtest.Stack, *gke.Cluster) {
	t.Helper()
	var c *gke.Cluster
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		c, err = gke.New(ctx, "main", args)
		return err
	}, plinthtest.WithStack("gcp-prod"))
	return s, c
}

func TestSaferCluster(t *testing.T) {
	s, c := deploy(t, prodArgs())
	cl := s.One(t, clusterType)
	cl.Expect(t, map[string]any{
		"name":                  "plinth-gcp-prod-main",
		"location":              "europe-west1",
		"removeDefaultNodePool": true,
		"networkingMode":        "VPC_NATIVE",
		"ipAllocationPolicy.clusterSecondaryRangeName":              "pods",
		"ipAllocationPolicy.servicesSecondaryRangeName":             "services",
		"privateClusterConfig.enablePrivateNodes":                   true,
		"privateClusterConfig.enablePrivateEndpoint":                false,
		"privateClusterConfig.masterIpv4CidrBlock":                  "172.16.0.0/28",
		"masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock":    "203.0.113.0/24",
		"masterAuth.clientCertificateConfig.issueClientCertificate": false,
		"workloadIdentityConfig.workloadPool":                       "acme-platform.svc.id.goog",
		"releaseChannel.channel":                                    "REGULAR",
		"enableShieldedNodes":                                       true,
		"enableLegacyAbac":                                          false,
		"enableIntranodeVisibility":                                 true,
		"datapathProvider":                                          "ADVANCED_DATAPATH",
		"binaryAuthorization.evaluationMode":                        "PROJECT_SINGLETON_POLICY_ENFORCE",
		"maintenancePolicy.dailyMaintenanceWindow.startTime":        "03:00",
		"deletionProtection":                                        true,
		"nodeConfig.workloadMetadataConfig.mode":                    "GKE_METADATA",
	})
	if got := cl.Value(t, "loggingConfig.enableComponents"); !reflect.DeepEqual(got, []any{"SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"}) {
		t.Errorf("logging = %v", got)
	}
	if !cl.Protect {
		t.Errorf("a prod cluster is not protected")
	}
	if cl.Has("databaseEncryption") {
		t.Errorf("CMEK configured without a key")
	}

	pool := s.One(t, poolType)
	pool.Expect(t, map[string]any{
		"initialNodeCount": 3.0, "location": "europe-west1",
		"autoscaling.minNodeCount": 3.0, "autoscaling.maxNodeCount": 10.0,
		"management.autoRepair": true, "management.autoUpgrade": true,
		"upgradeSettings.maxSurge": 1.0, "upgradeSettings.maxUnavailable": 0.0,
		"nodeConfig.machineType": "e2-standard-4", "nodeConfig.imageType": "COS_CONTAINERD",
		"nodeConfig.workloadMetadataConfig.mode":                      "GKE_METADATA",
		"nodeConfig.shieldedInstanceConfig.enableSecureBoot":          true,
		"nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring": true,
		`nodeConfig.metadata["disable-legacy-endpoints"]`:             "true",
		"nodeConfig.diskType":                                         "pd-balanced",
	})
	email := plinthtest.Await(t, c.NodeServiceAccount).Value.(string)
	if pool.String(t, "nodeConfig.serviceAccount") != email || !strings.HasSuffix(email, "@acme-platform.iam.gserviceaccount.com") {
		t.Errorf("pool service account = %v, want the dedicated %s", pool.Value(t, "nodeConfig.serviceAccount"), email)
	}

	var roles []string
	for _, m := range s.ByType(memberType) {
		if m.String(t, "member") != "serviceAccount:"+email {
			t.Errorf("binding %s is for %s", m.Name, m.String(t, "member"))
		}
		roles = append(roles, m.String(t, "role"))
	}
	slices.Sort(roles)
	want := slices.Clone(gke.NodeRoles)
	slices.Sort(want)
	if !slices.Equal(roles, want) {
		t.Errorf("node roles = %v, want exactly %v", roles, want)
	}
}

func TestKubeconfig(t *testing.T) {
	s, c := deploy(t, prodArgs())
	kc := plinthtest.Await(t, c.Kubeconfig)
	if !kc.Secret {
		t.Fatalf("kubeconfig is not a secret")
	}
	cfg, err := clientcmd.Load([]byte(kc.Value.(string)))
	if err != nil || clientcmd.Validate(*cfg) != nil {
		t.Fatalf("kubeconfig invalid: %v", err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if exec := cfg.AuthInfos[ctx.AuthInfo].Exec; exec == nil || exec.Command != "gke-gcloud-auth-plugin" || !exec.ProvideClusterInfo {
		t.Fatalf("exec = %+v", exec)
	}
	if srv := cfg.Clusters[ctx.Cluster].Server; srv != "https://10.0.0.2" {
		t.Fatalf("server = %q", srv)
	}
	if !s.One(t, "pulumi:providers:kubernetes").IsSecret("kubeconfig") {
		t.Fatalf("the provider's kubeconfig input is not a secret")
	}
}

func TestZonalDevAndCMEK(t *testing.T) {
	a := prodArgs()
	a.Tier = "dev"
	a.PrivateEndpoint, a.AuthorizedNetworks = true, nil
	a.DatabaseEncryptionKey = pulumi.String("projects/acme-platform/locations/europe-west1/keyRings/gke/cryptoKeys/secrets")
	a.NodePools = []gke.NodePoolArgs{{Name: "spot", Spot: true, Taints: []gke.Taint{{Key: "spot", Value: "true", Effect: "NoSchedule"}}}}
	s, _ := deploy(t, a)
	cl := s.One(t, clusterType)
	if cl.String(t, "location") != "europe-west1-b" || cl.Bool(t, "deletionProtection") || cl.Protect {
		t.Fatalf("dev cluster = location %v, deletion protection %v", cl.Value(t, "location"), cl.Value(t, "deletionProtection"))
	}
	if !cl.Bool(t, "privateClusterConfig.enablePrivateEndpoint") || cl.String(t, "databaseEncryption.state") != "ENCRYPTED" {
		t.Fatalf("private endpoint / CMEK = %s", cl.JSON())
	}
	pool := s.One(t, poolType)
	if !pool.Bool(t, "nodeConfig.spot") || pool.String(t, "nodeConfig.taints[0].effect") != "NO_SCHEDULE" || pool.String(t, "nodeConfig.machineType") != "e2-standard-2" || pool.Number(t, "initialNodeCount") != 1 {
		t.Fatalf("pool = %s", pool.JSON())
	}
}

func TestWorkloadIdentity(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := gke.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		_, err = c.WorkloadIdentity(ctx, "web", gke.WorkloadIdentityArgs{Namespace: "shop", ServiceAccount: "web", Roles: []string{"roles/cloudsql.client"}})
		return err
	}, plinthtest.WithStack("gcp-prod"))
	b := s.One(t, "gcp:serviceaccount/iAMMember:IAMMember")
	if b.String(t, "role") != "roles/iam.workloadIdentityUser" || b.String(t, "member") != "serviceAccount:acme-platform.svc.id.goog[shop/web]" {
		t.Fatalf("workload identity binding = %s", b.JSON())
	}
	// The pool exists only once the cluster does.
	if cl := s.One(t, clusterType); !slices.Contains(b.Dependencies, cl.URN) {
		t.Fatalf("the Workload Identity binding does not wait for the cluster")
	}
	if id := s.Get(t, "gcp:serviceaccount/account:Account", "main-wi-web").String(t, "accountId"); id != "plinth-gcp-prod-web" {
		t.Fatalf("account id = %q", id)
	}
	short := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		c, err := gke.New(ctx, "main", prodArgs())
		if err != nil {
			return err
		}
		_, err = c.WorkloadIdentity(ctx, "ui", gke.WorkloadIdentityArgs{Namespace: "ui", ServiceAccount: "ui"})
		return err
	}, plinthtest.WithProject("qa"), plinthtest.WithStack("q"))
	if id := short.Get(t, "gcp:serviceaccount/account:Account", "main-wi-ui").String(t, "accountId"); id != "qa-q-ui" {
		t.Fatalf("a short account id = %q, want one of at least 6 characters", id)
	}
}

// TestFirstDeploy checks what a real first deployment needs: the APIs
// enabled before use, pools that start with nodes, and every
// deployability rule passing on what the component registers.
func TestFirstDeploy(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	var apis []string
	for _, svc := range s.ByType("gcp:projects/service:Service") {
		apis = append(apis, svc.String(t, "service"))
		if svc.Bool(t, "disableOnDestroy") {
			t.Errorf("%s is disabled on destroy", svc.String(t, "service"))
		}
		cl := s.One(t, clusterType)
		if !slices.Contains(cl.Dependencies, svc.URN) {
			t.Errorf("the cluster does not wait for %s", svc.String(t, "service"))
		}
	}
	slices.Sort(apis)
	if !slices.Equal(apis, []string{"binaryauthorization.googleapis.com", "cloudresourcemanager.googleapis.com", "container.googleapis.com",
		"iam.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com"}) {
		t.Errorf("APIs = %v", apis)
	}
	if p := s.One(t, poolType); p.Has("name") {
		t.Errorf("the pool has a fixed name: a replacement could not be created first")
	}
	rep := policy.Evaluate(policy.DeployabilityRules(), s.PolicyResources(), policy.Context{Tier: "prod"}, nil)
	for _, f := range rep.Findings {
		if f.Rule.ID != "PL-D-017" || !strings.Contains(f.Message, "compute.googleapis.com") { // the network component enables compute
			t.Errorf("%s %s: %s", f.Rule.ID, f.Resource, f.Message)
		}
	}
	off := prodArgs()
	off.EnableAPIs = new(false)
	if s, _ := deploy(t, off); len(s.ByType("gcp:projects/service:Service")) != 0 {
		t.Errorf("APIs enabled with EnableAPIs false")
	}
}

func TestBadInput(t *testing.T) {
	mod := func(f func(a *gke.Args)) gke.Args {
		a := prodArgs()
		f(&a)
		return a
	}
	intp := func(v int) *int { return &v }
	no := false
	tests := []struct {
		name, path, text string
		args             gke.Args
	}{
		{"a node disk of 0 GB", "nodePools[0].diskSizeGb", "(0) is outside 10–65536", mod(func(a *gke.Args) { a.NodePools = []gke.NodePoolArgs{{Name: "general", DiskSizeGB: new(0)}} })},
		{"an authorized network open to all", "authorizedNetworks[0]", "opens access to the whole internet", mod(func(a *gke.Args) { a.AuthorizedNetworks = []string{"0.0.0.0/0"} })},
		{"a public endpoint without authorized networks", "authorizedNetworks", "is empty with a public endpoint", mod(func(a *gke.Args) { a.AuthorizedNetworks = nil })},
		{"min above max", "nodePools[0].minSize", "(4) is greater than maxSize (2)", mod(func(a *gke.Args) {
			a.NodePools = []gke.NodePoolArgs{{Name: "general", MinSize: intp(4), MaxSize: intp(2)}}
		})},
		{"a zonal prod cluster", "regional", "is false for a prod cluster", mod(func(a *gke.Args) { a.Regional = &no })},
		{"a bad machine type", "nodePools[0].machineType", `"standard4" is not a machine type`, mod(func(a *gke.Args) {
			a.NodePools = []gke.NodePoolArgs{{Name: "general", MachineType: "standard4"}}
		})},
		{"a missing project", "project", "is not a GCP project id", mod(func(a *gke.Args) { a.Project = "" })},
		{"a missing network", "network", "is not set", mod(func(a *gke.Args) { a.Network = nil })},
		{"a master range that is not a /28", "masterCidr", "is not a private /28", mod(func(a *gke.Args) { a.MasterCIDR = "172.16.0.0/24" })},
		{"an unknown release channel", "releaseChannel", `"EXTENDED_PLUS" is not one of`, mod(func(a *gke.Args) { a.ReleaseChannel = "EXTENDED_PLUS" })},
		{"a KMS key id instead of a name", "databaseEncryptionKey", "is not a Cloud KMS key name", mod(func(a *gke.Args) { a.DatabaseEncryptionKey = pulumi.String("secrets-key") })},
		{"a pool name too long for auto-naming", "nodePools[0].name", "over GKE's 40", mod(func(a *gke.Args) {
			a.NodePools = []gke.NodePoolArgs{{Name: strings.Repeat("p", 30)}}
		})},
		{"a maintenance window at 25:00", "maintenanceStart", `"25:00" is not a time`, mod(func(a *gke.Args) { a.MaintenanceStart = "25:00" })},
		{"upgrades that cannot progress", "nodePools[0].maxSurge", "and maxUnavailable are both 0", mod(func(a *gke.Args) {
			a.NodePools = []gke.NodePoolArgs{{Name: "general", MaxSurge: intp(0)}}
		})},
		{"node pools on Autopilot", "nodePools", "Autopilot provisions the nodes", mod(func(a *gke.Args) {
			a.Autopilot = true
			a.NodePools = []gke.NodePoolArgs{{Name: "general"}}
		})},
		{"a zonal Autopilot cluster", "regional", "Autopilot clusters are regional", mod(func(a *gke.Args) {
			a.Tier, a.Autopilot, a.Regional = "dev", true, &no
		})},
		{"a cloud-API-style taint effect", "nodePools[0].taints[0].effect", `"NO_SCHEDULE" is not one of`, mod(func(a *gke.Args) {
			a.NodePools = []gke.NodePoolArgs{{Name: "general", Taints: []gke.Taint{{Key: "x", Effect: "NO_SCHEDULE"}}}}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := gke.New(ctx, "main", tt.args)
				return err
			})
			if err == nil || len(s.Resources) != 0 {
				t.Fatalf("err = %v, registered %d", err, len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate("main"), `gke "main": `, tt.path, tt.text)
		})
	}
}

// TestAutopilot: an Autopilot cluster enables Autopilot with the nodes'
// dedicated service account, sets none of the fields the provider
// refuses next to it, creates no node pools, is regional even on dev, and
// passes every guardrail and deployability rule.
func TestAutopilot(t *testing.T) {
	a := prodArgs()
	a.Autopilot = true
	s, c := deploy(t, a)
	cl := s.One(t, clusterType)
	sa := s.One(t, "gcp:serviceaccount/account:Account")
	cl.Expect(t, map[string]any{
		"enableAutopilot": true,
		"location":        "europe-west1",
		"clusterAutoscaling.autoProvisioningDefaults.serviceAccount": sa.Outputs["email"].StringValue(),
		"workloadIdentityConfig.workloadPool":                        "acme-platform.svc.id.goog",
		"privateClusterConfig.enablePrivateNodes":                    true,
		"binaryAuthorization.evaluationMode":                         "PROJECT_SINGLETON_POLICY_ENFORCE",
	})
	for _, f := range []string{"removeDefaultNodePool", "initialNodeCount", "nodeConfig", "enableShieldedNodes", "enableIntranodeVisibility", "datapathProvider"} {
		if cl.Has(f) {
			t.Errorf("an Autopilot cluster sets %s", f)
		}
	}
	if n := len(s.ByType(poolType)); n != 0 || len(c.NodePools) != 0 {
		t.Errorf("Autopilot registered %d node pools", n)
	}
	res := s.PolicyResources()
	for _, rules := range [][]*policy.Rule{policy.Guardrails(), policy.DeployabilityRules()} {
		for _, f := range policy.Evaluate(rules, res, policy.Context{Tier: "prod"}, nil).Findings {
			if f.Rule.Severity == policy.Advisory || f.Rule.ID == "PL-D-017" && strings.Contains(f.Message, "compute.googleapis.com") { // the network component enables compute
				continue
			}
			t.Errorf("%s %s: %s", f.Rule.ID, f.Resource, f.Message)
		}
	}
	// A dev Autopilot cluster is regional too.
	dev := prodArgs()
	dev.Tier, dev.Autopilot = "dev", true
	s, _ = deploy(t, dev)
	if got := s.One(t, clusterType).String(t, "location"); got != "europe-west1" {
		t.Errorf("a dev Autopilot cluster is in %q, want the region", got)
	}
	// A Standard cluster leaves enableAutopilot unset (an explicit false
	// conflicts with removeDefaultNodePool).
	s, _ = deploy(t, prodArgs())
	if s.One(t, clusterType).Has("enableAutopilot") {
		t.Errorf("a Standard cluster sets enableAutopilot")
	}
}
