//go:build !plinthlocal

package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/config/configtest"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// composeConfig parses values as a stack's config and composes the
// environment under mocks, as the program's gate does before anything is
// registered: config problems come from config.Parse, component problems
// from the components, both under config keys.
func composeConfig(t *testing.T, values map[string]string) (*plinthtest.Stack, error) {
	t.Helper()
	env, err := parseConfig(values, "test")
	if err != nil {
		return &plinthtest.Stack{}, err
	}
	return composeUnderMocks(env, "plinth", "test")
}

// parseConfig parses values as stack's config, with the plain values as
// the secrets Load would return.
func parseConfig(values map[string]string, stack string) (*config.Environment, error) {
	env, err := config.Parse(values, stack)
	if err != nil {
		return nil, err
	}
	env.Secrets = map[string]pulumi.StringOutput{}
	for k, v := range values {
		if key, ok := strings.CutPrefix(k, config.Namespace+":"); ok && !strings.ContainsAny(v, "{[") {
			env.Secrets[key] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
		}
	}
	return env, nil
}

// TestConfigIsValidatedByTheComponents gives each section of the config
// a value its component refuses: the problem is reported under the
// config key, with the component's message, and nothing is registered.
func TestConfigIsValidatedByTheComponents(t *testing.T) {
	aws, gcp, with, app := configtest.AWS(), configtest.GCP(), configtest.With, configtest.App
	cluster := func(fields string) string {
		return `{"adminRoleArns":["` + configtest.AdminRole + `"],"autoscaler":{"repository":"https://charts.example.com/autoscaler"},"privateAccessCidrs":["10.100.0.0/24"]` + fields + `}`
	}
	ecs := func(fields string) string {
		return `{"name":"api","image":"nginx:1.27","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["10.0.0.0/8"]` + fields + `}`
	}
	tests := []struct {
		name     string
		values   map[string]string
		wantPath string
		wantText string
	}{
		// network (awsnetwork, gcpnetwork)
		{"an invalid VPC CIDR", with(aws, "plinth:network", `{"vpcCidr":"10.0.0.0/33"}`), "network.vpcCidr", "is not a CIDR block"},
		{"a public VPC CIDR", with(aws, "plinth:network", `{"vpcCidr":"8.8.0.0/16"}`), "network.vpcCidr", "is not a private IPv4 block"},
		{"a VPC too small for subnets", with(aws, "plinth:network", `{"vpcCidr":"10.0.0.0/26"}`), "network.vpcCidr", "is a /26: use /16 to /24"},
		{"a VPC too small for its zones' subnets", with(aws, "plinth:network", `{"vpcCidr":"10.0.0.0/24"}`), "network.vpcCidr", "is too small for 4 subnet slots"},
		{"one availability zone", with(aws, "plinth:network", `{"azCount":1}`), "network.azCount", "(1) is outside 2–6"},
		{"a route to a transit gateway attachment", with(aws, "plinth:network", `{"routes":[{"destinationCidr":"10.200.0.0/16","transitGatewayId":"tgw-attach-0123456789abcdef0"}]}`), "network.routes[0].transitGatewayId", "is not a transit gateway id"},
		{"a route into the VPC", with(aws, "plinth:network", `{"routes":[{"destinationCidr":"10.0.0.0/8","vpcPeeringConnectionId":"pcx-01234567"}]}`), "network.routes[0].destinationCidr", "overlaps the VPC's block"},
		{"two zones in prod", with(aws, "plinth:network", `{"azCount":2}`), "network.azCount", "(2) is below 3 for prod"},
		{"more zones than slots", with(aws, "plinth:network", `{"azCount":5}`), "network.azCount", "(5) is more than subnetSlots (4)"},
		{"an unknown NAT layout", with(aws, "plinth:network", `{"natGateways":"none"}`), "network.natGateways", `"none" is not one of "single", "perAz"`},
		{"a zone name where a zone ID belongs", with(aws, "plinth:network", `{"excludeZoneIds":["eu-west-1a"]}`), "network.excludeZoneIds[0]", "is not an availability zone ID"},
		{"overlapping GCP ranges", with(gcp, "plinth:network", `{"podsCidr":"10.16.0.0/16"}`), "network.podsCidr", `overlaps nodesCidr "10.16.0.0/20"`},
		{"an AWS network setting on GCP", with(gcp, "plinth:network", `{"azCount":3}`), "network.azCount", `is set on cloud "gcp": it belongs to cloud "aws"`},
		{"a GCP range on AWS", with(aws, "plinth:network", `{"podsCidr":"10.20.0.0/14"}`), "network.podsCidr", `is set on cloud "aws": it belongs to cloud "gcp"`},
		{"a public GCP range", with(gcp, "plinth:network", `{"nodesCidr":"8.8.8.0/24"}`), "network.nodesCidr", "is not a private IPv4 block"},
		// cluster (eks, gke)
		{"a version EKS does not offer", with(aws, "plinth:cluster", cluster(`,"version":"1.19"`)), "cluster.version", `"1.19" is not a Kubernetes minor version EKS offers`},
		{"a version past its support", with(aws, "plinth:cluster", cluster(`,"version":"1.31"`)), "cluster.version", "is past the end of standard support"},
		{"an unknown support type", with(aws, "plinth:cluster", cluster(`,"supportType":"FOREVER"`)), "cluster.supportType", `"FOREVER" is not one of "STANDARD", "EXTENDED"`},
		{"a world-open API endpoint", with(aws, "plinth:cluster", cluster(`,"publicAccessCidrs":["0.0.0.0/0"]`)), "cluster.publicAccessCidrs[0]", "opens access to the whole internet"},
		{"no admin roles on EKS", with(aws, "plinth:cluster", `{}`), "cluster.adminRoleArns", "is empty"},
		{"an admin user instead of a role", with(aws, "plinth:cluster", `{"adminRoleArns":["arn:aws:iam::123456789012:user/bob"]}`), "cluster.adminRoleArns[0]", "is not an IAM role ARN"},
		{"an EKS cluster name over 100 characters", with(aws, "plinth:cluster", cluster(`,"name":"`+strings.Repeat("c", 101)+`"`)), "cluster.name", "is not an EKS cluster name"},
		{"node min above max", with(aws, "plinth:cluster", cluster(`,"nodeGroups":[{"name":"general","minSize":5,"maxSize":2}]`)), "cluster.nodeGroups[0].minSize", "(5) is greater than maxSize (2): make minSize ≤ maxSize"},
		{"the second node group's desired size", with(aws, "plinth:cluster", cluster(`,"nodeGroups":[{"name":"general"},{"name":"batch","minSize":1,"maxSize":3,"desiredSize":9}]`)), "cluster.nodeGroups[1].desiredSize", "(9) is outside minSize–maxSize (1–3)"},
		{"an ARM instance with the default x86 AMI", with(aws, "plinth:cluster", cluster(`,"nodeGroups":[{"name":"general","instanceTypes":["m7g.large"]}]`)), "cluster.nodeGroups[0].instanceTypes", `is a Graviton (arm64) instance type`},
		{"a taint key that is not a key", with(aws, "plinth:cluster", cluster(`,"nodeGroups":[{"name":"gpu","taints":[{"key":"bad key","effect":"NoSchedule"}]}]`)), "cluster.nodeGroups[0].taints[0].key", "is not a valid key"},
		{"an autoscaler chart over HTTP", with(aws, "plinth:cluster", `{"adminRoleArns":["`+configtest.AdminRole+`"],"autoscaler":{"repository":"http://charts.example.com/a"}}`), "cluster.autoscaler.repository", "is not an absolute https or oci URL"},
		{"a GKE cluster name over 40 characters", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"name":"`+strings.Repeat("g", 41)+`"}`), "cluster.name", "is not a GKE cluster name"},
		{"a zonal prod GKE cluster", with(gcp, "plinth:tier", "prod", "plinth:cluster", `{"regional":false,"authorizedNetworks":["203.0.113.0/24"]}`), "cluster.regional", "is false for a prod cluster"},
		{"a GKE authorized network open to all", with(gcp, "plinth:cluster", `{"authorizedNetworks":["0.0.0.0/0"]}`), "cluster.authorizedNetworks[0]", "opens access to the whole internet"},
		{"a GKE pool with a bad machine type", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"nodeGroups":[{"name":"general","machineType":"big"}]}`), "cluster.nodeGroups[0].machineType", `"big" is not a machine type`},
		// apps (app)
		{"an image without a tag", with(aws, "plinth:apps", `[{"name":"web","image":"nginx:1.27"},{"name":"api","image":"nginx"}]`), "apps[1].image", `"nginx" has no tag or digest: pin a tag or a digest`},
		{"an uppercase first path element", with(aws, "plinth:apps", app(`,"image":"ACME/web:1.0"`)), "apps[0].image", `names "ACME" as its registry host`},
		{"an app name that is not DNS-1123", with(aws, "plinth:apps", `[{"name":"Web_App","image":"nginx:1.27"}]`), "apps[0].name", `"Web_App" is not a valid name`},
		{"an app name too long for its Services", with(aws, "plinth:apps", `[{"name":"`+strings.Repeat("a", 56)+`","image":"nginx:1.27","namespace":"web"}]`), "apps[0].name", "use at most 55"},
		{"an app in kube-system", with(aws, "plinth:apps", app(`,"namespace":"kube-system"`)), "apps[0].namespace", "is a system namespace"},
		{"a port out of range", with(aws, "plinth:apps", app(`,"port":70000`)), "apps[0].port", "(70000) is not a valid port"},
		{"autoscaling min above max", with(aws, "plinth:apps", app(`,"autoscaling":{"min":5,"max":3}`)), "apps[0].autoscaling.min", "(5) is greater than max (3): make min ≤ max"},
		{"a CPU target above 100", with(aws, "plinth:apps", app(`,"autoscaling":{"targetCpu":150}`)), "apps[0].autoscaling.targetCpu", "(150) is outside 1–100"},
		{"one replica in prod", with(aws, "plinth:apps", app(`,"autoscaling":{"enabled":false},"replicas":1`)), "apps[0].replicas", "(1) is below 2 in prod"},
		{"an autoscaling minimum of one in prod", with(aws, "plinth:apps", app(`,"autoscaling":{"min":1,"max":4}`)), "apps[0].autoscaling.min", "(1) is below 2 in prod"},
		{"a memory limit below the request", with(aws, "plinth:apps", app(`,"resources":{"memoryRequest":"1Gi","memoryLimit":"512Mi"}`)), "apps[0].resources.memoryLimit", "(512Mi) is below memoryRequest (1Gi)"},
		{"a malformed quantity", with(aws, "plinth:apps", app(`,"resources":{"cpuRequest":"lots"}`)), "apps[0].resources.cpuRequest", "is not a Kubernetes quantity"},
		{"an invalid env var name", with(aws, "plinth:apps", app(`,"env":{"1BAD":"x"}`)), "apps[0].env.1BAD", "is not a valid environment variable name"},
		{"a secret env from a Secret with a bad name", with(aws, "plinth:apps", app(`,"secretEnv":[{"name":"A","secret":"Bad_Name","key":"k"}]`)), "apps[0].secretEnv[0].secret", "is not a valid name"},
		{"a secret env name set twice", with(aws, "plinth:apps", app(`,"env":{"TOKEN":"x"},"secretEnv":[{"name":"TOKEN","secret":"s","key":"k"}]`)), "apps[0].secretEnv[0].name", "is set twice"},
		{"blue-green without a second image", with(aws, "plinth:apps", app(`,"strategy":"BlueGreen"`)), "apps[0].greenImage", "is empty: blue-green needs the green color's image"},
		{"an unknown strategy", with(aws, "plinth:apps", app(`,"strategy":"Recreate"`)), "apps[0].strategy", `"Recreate" is not one of "Rolling", "BlueGreen", "Canary"`},
		{"a canary share of 100", with(aws, "plinth:apps", app(`,"strategy":"Canary","canaryImage":"ghcr.io/acme/web:1.5.0","canaryPercent":100`)), "apps[0].canaryPercent", "(100) is outside 1–99"},
		{"metrics on the app port", with(aws, "plinth:apps", app(`,"port":9090`)), "apps[0].metricsPort", "is the application port"},
		{"an image policy without Kyverno's chart", with(aws, "plinth:imagePolicy", `{"images":["registry.example.com/shop/*"],"keyless":{"issuer":"https://token.actions.githubusercontent.com","subject":"https://github.com/acme/shop/.github/workflows/image.yml@*","repository":"acme/shop"}}`), "imagePolicy.repository", "is empty"},
		{"an image policy over a URL", with(aws, "plinth:imagePolicy", `{"repository":"https://charts.example.com/kyverno","images":["https://registry.example.com/shop/*"],"keys":["-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM\n5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==\n-----END PUBLIC KEY-----"]}`), "imagePolicy.images[0]", "has a scheme"},
		{"a GitHub keyless identity without its repository", with(gcp, "plinth:imagePolicy", `{"repository":"https://charts.example.com/kyverno","images":["registry.example.com/shop/*"],"keyless":{"issuer":"https://token.actions.githubusercontent.com","subject":"https://github.com/acme/shop/.github/workflows/image.yml@*"}}`), "imagePolicy.keyless.repository", "is empty with GitHub Actions' issuer"},
		{"a progressive app without the controller's chart", with(aws, "plinth:apps", app(`,"strategy":"Progressive"`)), "rollouts.repository", "is empty"},
		{"the controller's chart over HTTP", with(gcp, "plinth:apps", app(`,"strategy":"Progressive"`), "plinth:rollouts", `{"repository":"http://charts.example.com/argo"}`), "rollouts.repository", "is not an absolute https or oci URL"},
		{"canary steps that fall", with(aws, "plinth:apps", app(`,"strategy":"Progressive","progressive":{"steps":[50,25]}`), "plinth:rollouts", `{"repository":"https://charts.example.com/argo"}`),
			"apps[0].progressive.steps[1]", "25 does not rise above the step before (50)"},
		{"an analysis interval that is not a duration", with(aws, "plinth:apps", app(`,"strategy":"Progressive","progressive":{"analysis":{"interval":"often"}}`), "plinth:rollouts", `{"repository":"https://charts.example.com/argo"}`),
			"apps[0].progressive.analysis.interval", `"often" is not a positive duration`},
		{"progressive settings on a rolling app", with(aws, "plinth:apps", app(`,"progressive":{"mode":"Canary"}`)), "apps[0].progressive", "is set with type Rolling"},
		{"a host that is not a DNS name", with(aws, "plinth:gateway", `{"name":"shared","namespace":"gateway"}`, "plinth:apps", app(`,"host":"Web App"`)), "apps[0].host", "is not a hostname"},
		{"a host without a gateway", with(aws, "plinth:apps", app(`,"host":"web.example.com"`)), "apps[0].host", "is set but plinth:gateway is not"},
		{"a gateway namespace that is not one", with(aws, "plinth:gateway", `{"name":"shared","namespace":"Gate Way"}`, "plinth:apps", app(`,"host":"web.example.com"`)), "gateway.namespace", "is not a valid name"},
		{"an allowed namespace that is not one", with(aws, "plinth:apps", app(`,"allowFrom":["Shop"]`)), "apps[0].allowFrom[0]", `"Shop" is not a valid name`},
		{"a plaintext password", with(aws, "plinth:apps", app(`,"env":{"DB_PASSWORD":"hunter2"}`)), "apps[0].env.DB_PASSWORD", "holds a credential in the clear"},
		{"a connection URL with a password", with(aws, "plinth:apps", app(`,"env":{"DATABASE_URL":"postgres://app:pw@db/app"}`)), "apps[0].env.DATABASE_URL", "it is a URL with a password in it"},
		{"an allowance without a reason", with(aws, "plinth:apps", app(`,"env":{"CACHE_KEY":"v2"},"allowPlaintextEnv":{"CACHE_KEY":""}`)), "apps[0].allowPlaintextEnv.CACHE_KEY", "is empty: say why"},
		{"an unknown identity mechanism", with(aws, "plinth:cluster", cluster(`,"identity":"kiam"`)), "cluster.identity", `"kiam" is not one of "podIdentity", "irsa"`},
		{"an EKS identity on GCP", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"identity":"irsa"}`), "cluster.identity", "is set on cloud \"gcp\""},
		{"more zones than the region has", with(aws, "plinth:network", `{"azCount":4}`), "network.azCount", "(4) is more than the 3 zones eu-west-1 has that a network for EKS may use"},
		{"us-east-1's sixth zone, which EKS refuses", with(aws, "aws:region", "us-east-1", "plinth:region", "us-east-1", "plinth:network", `{"azCount":6,"subnetSlots":8}`), "network.azCount", "(6) is more than the 5 zones us-east-1 has that a network for EKS may use"},
		{"an autoscaler with EKS Auto Mode", with(aws, "plinth:cluster", cluster(`,"autoMode":{"enabled":true}`)), "cluster.autoscaler.repository", "Auto Mode scales the nodes itself"},
		{"an Auto Mode pool EKS does not have", with(aws, "plinth:cluster", `{"adminRoleArns":["`+configtest.AdminRole+`"],"autoMode":{"enabled":true,"nodePools":["gpu"]}}`), "cluster.autoMode.nodePools[0]", `"gpu" is not one of`},
		{"EKS Auto Mode on GCP", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"autoMode":{"enabled":true}}`), "cluster.autoMode", "is set on cloud \"gcp\""},
		{"GKE Autopilot on AWS", with(aws, "plinth:cluster", cluster(`,"autopilot":true`)), "cluster.autopilot", "is set on cloud \"aws\""},
		{"node groups on GKE Autopilot", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"autopilot":true,"nodeGroups":[{"name":"general"}]}`), "cluster.nodeGroups", "remove nodeGroups"},
		{"a zonal GKE Autopilot cluster", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"autopilot":true,"regional":false}`), "cluster.regional", "Autopilot clusters are regional"},
		// explicit zeros
		{"a canary share of 0", with(aws, "plinth:apps", app(`,"strategy":"Canary","canaryImage":"ghcr.io/acme/web:1.5.0","canaryPercent":0`)), "apps[0].canaryPercent", "(0) is outside 1–99"},
		{"a CPU target of 0", with(aws, "plinth:apps", app(`,"autoscaling":{"targetCpu":0}`)), "apps[0].autoscaling.targetCpu", "(0) is outside 1–100"},
		{"an app on port 0", with(aws, "plinth:apps", app(`,"port":0`)), "apps[0].port", "(0) is not a valid port"},
		{"zero availability zones", with(aws, "plinth:network", `{"azCount":0}`), "network.azCount", "(0) is outside 2–6"},
		{"zero subnet slots", with(aws, "plinth:network", `{"subnetSlots":0}`), "network.subnetSlots", "(0) is not 2, 4 or 8"},
		{"a node disk of 0", with(aws, "plinth:cluster", cluster(`,"nodeGroups":[{"name":"general","diskSizeGb":0}]`)), "cluster.nodeGroups[0].diskSizeGb", "(0) is outside 20–16384"},
		{"an ECS task with cpu 0", with(aws, "plinth:ecs", ecs(`,"cpu":0`)), "ecs.cpu", "(0) is not a Fargate CPU size"},
		{"an ECS service with no tasks", with(aws, "plinth:ecs", ecs(`,"minTasks":0`)), "ecs.minTasks", "(0) is below 1"},
		// monitoring
		{"a bad retention", with(aws, "plinth:monitoring", `{"repository":"https://charts.example.com/p","retention":"forever"}`), "monitoring.retention", "is not a positive Prometheus duration"},
		{"plain-HTTP remote write", with(aws, "plinth:monitoring", `{"repository":"https://charts.example.com/p","remoteWriteUrl":"http://m.example.com/write"}`), "monitoring.remoteWriteUrl", "is not an absolute https URL"},
		{"no chart repository in install mode", with(aws, "plinth:monitoring", `{}`), "monitoring.repository", "is empty"},
		{"a chart version range", with(aws, "plinth:monitoring", `{"repository":"https://charts.example.com/p","chartVersion":"^79"}`), "monitoring.chartVersion", "is not a chart version"},
		{"a storage class that is not a name", with(aws, "plinth:monitoring", `{"repository":"https://charts.example.com/p","storageClass":"Fast SSD"}`), "monitoring.storageClass", "is not a valid object name"},
		// ecs
		{"an internal ALB open to the world", with(aws, "plinth:ecs", ecs(`,"allowedCidrs":["0.0.0.0/0"]`)), "ecs.allowedCidrs[0]", "opens access to the whole internet"},
		{"an ECS service without a certificate", with(aws, "plinth:ecs", `{"name":"api","image":"nginx:1.27","allowedCidrs":["10.0.0.0/8"]}`), "ecs.certificateArn", "is empty: the load balancer serves HTTPS only"},
		{"a Fargate size Fargate does not offer", with(aws, "plinth:ecs", ecs(`,"cpu":1024,"memory":512`)), "ecs.memory", "(512) is not valid with cpu 1024"},
		{"an ECS name too long for its load balancer", with(aws, "plinth:ecs", `{"name":"`+strings.Repeat("s", 21)+`","image":"nginx:1.27","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["10.0.0.0/8"]}`), "ecs.name", "use at most 20"},
		{"an ECS service called internal", with(aws, "plinth:ecs", `{"name":"internal","image":"nginx:1.27","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["10.0.0.0/8"]}`), "ecs.name", `starts with "internal-"`},
		{"a secret that is not an ARN", with(aws, "plinth:ecs", ecs(`,"secretArns":{"DB":"prod/db"}`)), "ecs.secretArns.DB", `"prod/db" is not an ARN`},
		{"min tasks above max", with(aws, "plinth:ecs", ecs(`,"minTasks":5,"maxTasks":2`)), "ecs.minTasks", "(5) is greater than maxTasks (2)"},
		{"a health check path without a slash", with(aws, "plinth:ecs", ecs(`,"healthCheckPath":"health"`)), "ecs.healthCheckPath", `"health" is not an absolute path`},
		{"a task egress range upside down", with(aws, "plinth:ecs", ecs(`,"egress":[{"description":"db","fromPort":5432,"toPort":5000,"cidrs":["10.0.0.0/16"]}]`)), "ecs.egress[0].toPort", "(5000) is below fromPort (5432)"},
		{"a secrets key that is not a KMS key", with(aws, "plinth:ecs", ecs(`,"secretsKmsKeyArns":["alias/db"]`)), "ecs.secretsKmsKeyArns[0]", "is not a KMS key ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := composeConfig(t, tt.values)
			plinthtest.RequireProblem(t, err, "plinth:", tt.wantPath, tt.wantText)
			if len(s.Resources) != 0 {
				t.Fatalf("%d resources registered before the error:\n%s", len(s.Resources), s.Inventory())
			}
		})
	}
	t.Logf("%d cases", len(tests))
}

// TestSecretConfigIsCheckedWhenItResolves: a secret's value is known only
// when it resolves, so its problem is reported then, by the component,
// with the config key to set in the fix.
func TestSecretConfigIsCheckedWhenItResolves(t *testing.T) {
	s, err := composeConfig(t, configtest.With(configtest.AWS(), "plinth:grafanaAdminPassword", " "))
	plinthtest.RequireProblem(t, err, `monitoring "monitoring": `, "grafana.adminPassword", "is empty: set a password (pulumi config set --secret plinth:grafanaAdminPassword)")
	if len(s.Resources) == 0 {
		t.Fatal("nothing was registered: the run stopped before the monitoring component")
	}
	for _, r := range s.Resources {
		if r.Type == "kubernetes:core/v1:Secret" && strings.HasSuffix(r.Name, "-grafana-admin") {
			t.Fatalf("the Grafana Secret %s was registered with an empty password", r.Name)
		}
	}
}

// TestAnEmptySecretStopsTheProgramBeforeAnythingRegisters: the program's
// gate composes under mocks first, where the secret resolves, so the real
// run registers nothing.
func TestAnEmptySecretStopsTheProgramBeforeAnythingRegisters(t *testing.T) {
	values, secrets, err := StackFile(filepath.Join("..", "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	secrets["plinth:"+config.SecretGrafanaAdminPassword] = ""
	s, err := plinthtest.RunErr(Program, plinthtest.WithStack("dev"), plinthtest.WithConfig(values), plinthtest.WithSecretConfig(secrets))
	plinthtest.RequireProblem(t, err, `monitoring "monitoring": `, "grafana.adminPassword", "is empty")
	if len(s.Resources) != 0 {
		t.Fatalf("%d resources registered before the error:\n%s", len(s.Resources), s.Inventory())
	}
}

// TestValidConfigEdgeCases are values at the edges the components
// accept: validation is proven not to refuse everything.
func TestValidConfigEdgeCases(t *testing.T) {
	aws, gcp, with, app := configtest.AWS(), configtest.GCP(), configtest.With, configtest.App
	for _, tt := range []struct {
		name   string
		values map[string]string
	}{
		{"the base AWS environment", aws},
		{"the base GCP environment", gcp},
		{"the largest VPC and 4 zones", with(aws, "aws:region", "us-east-1", "plinth:region", "us-east-1", "plinth:network", `{"vpcCidr":"10.0.0.0/16","azCount":4}`)},
		{"the smallest VPC for 2 slots", with(aws, "plinth:tier", "dev", "plinth:network", `{"vpcCidr":"192.168.0.0/24","subnetSlots":2}`)},
		{"every zone EKS takes in us-east-1, with 8 slots", with(aws, "aws:region", "us-east-1", "plinth:region", "us-east-1", "plinth:network", `{"azCount":5,"subnetSlots":8}`)},
		{"an app name of 55 characters", with(aws, "plinth:apps", `[{"name":"`+strings.Repeat("a", 55)+`","image":"nginx:1.27","namespace":"web"}]`)},
		{"a digest-pinned image", with(aws, "plinth:apps", app(`,"image":"ghcr.io/acme/web@sha256:`+strings.Repeat("b", 64)+`"`))},
		{"a registry with a port", with(aws, "plinth:apps", app(`,"image":"registry:5000/acme/web:1.0"`))},
		{"port 1 and port 65535", with(aws, "plinth:apps", app(`,"port":1,"metricsPort":65535`))},
		{"metrics off", with(aws, "plinth:apps", app(`,"metricsPort":0`))},
		{"a canary at 1 percent", with(aws, "plinth:apps", app(`,"strategy":"Canary","canaryImage":"ghcr.io/acme/web:1.5.0","canaryPercent":1`))},
		{"no limits", with(aws, "plinth:apps", app(`,"resources":{"cpuLimit":"none","memoryLimit":"none"}`))},
		{"a plain variable allowed with a reason", with(aws, "plinth:apps", app(`,"env":{"CACHE_KEY":"v2"},"allowPlaintextEnv":{"CACHE_KEY":"a cache namespace"}`))},
		{"a URL whose password is another variable", with(aws, "plinth:apps", app(`,"env":{"DATABASE_URL":"postgres://app:$(DB_PASSWORD)@db/app"}`))},
		{"a Progressive app with its controller's chart", with(aws, "plinth:apps", app(`,"strategy":"Progressive"`), "plinth:rollouts", `{"repository":"oci://charts.example.com/argo"}`)},
		{"a Progressive blue-green app on GCP", with(gcp, "plinth:apps", app(`,"strategy":"Progressive","progressive":{"mode":"BlueGreen","analysis":{"count":1}}`), "plinth:rollouts", `{"repository":"https://charts.example.com/argo"}`)},
		{"the largest Fargate size", with(aws, "plinth:ecs", `{"name":"api","image":"nginx:1.27","cpu":16384,"memory":122880,"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["10.0.0.0/8"]}`)},
		{"an ECS name of 20 characters", with(aws, "plinth:ecs", `{"name":"`+strings.Repeat("s", 20)+`","image":"nginx:1.27","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["10.0.0.0/8"]}`)},
		{"extended support for an older version", with(aws, "plinth:cluster", `{"adminRoleArns":["`+configtest.AdminRole+`"],"version":"1.33","supportType":"EXTENDED","autoscaler":{"repository":"https://charts.example.com/a"},"privateAccessCidrs":["10.100.0.0/24"]}`)},
		{"IRSA instead of Pod Identity", with(aws, "plinth:cluster", `{"adminRoleArns":["`+configtest.AdminRole+`"],"identity":"irsa","autoscaler":{"repository":"https://charts.example.com/a"},"privateAccessCidrs":["10.100.0.0/24"]}`,
			"plinth:apps", app(`,"cloudIdentity":true`))},
		{"a GKE cluster name of 40 characters", with(gcp, "plinth:cluster", `{"authorizedNetworks":["203.0.113.0/24"],"name":"`+strings.Repeat("g", 40)+`"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := composeConfig(t, tt.values); err != nil {
				t.Fatalf("a valid config was refused: %v", err)
			}
		})
	}
}

// TestTheGateGrowsTheNetworkByOneZone: the gate judges subnet stability on
// the stack composed with one more zone than it spans, and that
// composition keeps every subnet's block. Regions come from the zone
// table: prod's three zones in us-east-1 can grow, and in eu-west-1 they
// cannot, which the report says instead of passing in silence.
func TestTheGateGrowsTheNetworkByOneZone(t *testing.T) {
	zones := func(s *plinthtest.Stack) map[string]string {
		out := map[string]string{}
		for _, r := range s.ByType("aws:ec2/subnet:Subnet") {
			out[r.String(t, "availabilityZone")+" "+r.Name] = r.String(t, "cidrBlock")
		}
		return out
	}
	for _, tier := range []string{"dev", "prod"} {
		env, err := parseConfig(configtest.With(configtest.AWS(), "plinth:tier", tier, "aws:region", "us-east-1", "plinth:region", "us-east-1"), tier)
		if err != nil {
			t.Fatal(err)
		}
		s, err := composeUnderMocks(env, "plinth", tier)
		if err != nil {
			t.Fatal(err)
		}
		g, err := composeUnderMocks(grow(env, s), "plinth", tier)
		if err != nil {
			t.Fatalf("%s: the grown stack does not compose: %v", tier, err)
		}
		before, after := zones(s), zones(g)
		if len(before) == 0 || len(after) != len(before)+2 {
			t.Fatalf("%s: %d subnets, grown %d: want one more public and private subnet", tier, len(before), len(after))
		}
		for k, cidr := range before {
			if after[k] != cidr {
				t.Errorf("%s: subnet %s moved from %s to %s", tier, k, cidr, after[k])
			}
		}
	}
}

// TestProgressiveAnalysisQueriesTheStacksPrometheus: a Progressive app's
// analysis queries the Prometheus the stack installs, in the monitoring
// namespace the config names, unless the config names another address.
func TestProgressiveAnalysisQueriesTheStacksPrometheus(t *testing.T) {
	aws, with, app := configtest.AWS(), configtest.With, configtest.App
	address := func(values map[string]string) string {
		t.Helper()
		s, err := composeConfig(t, values)
		if err != nil {
			t.Fatal(err)
		}
		return s.Get(t, "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate", "web-analysistemplate").String(t, "spec.metrics[0].provider.prometheus.address")
	}
	base := with(aws, "plinth:rollouts", `{"repository":"https://charts.example.com/argo"}`,
		"plinth:monitoring", `{"repository":"https://charts.example.com/p","namespace":"observability"}`)
	if got := address(with(base, "plinth:apps", app(`,"strategy":"Progressive"`))); got != "http://kube-prometheus-stack-prometheus.observability.svc.cluster.local:9090" {
		t.Errorf("address %q, want the stack's Prometheus in observability", got)
	}
	if got := address(with(base, "plinth:apps", app(`,"strategy":"Progressive","progressive":{"analysis":{"prometheusAddress":"https://metrics.example.com"}}`))); got != "https://metrics.example.com" {
		t.Errorf("address %q, want the configured one", got)
	}
}

// TestTheGateSaysWhatItCannotJudge: prod's three zones fill eu-west-1, so
// PL-D-013 cannot judge a growth the region does not allow and says so;
// a network out of subnet slots in a region with a zone left is
// PL-D-013's finding, not a silent pass.
func TestTheGateSaysWhatItCannotJudge(t *testing.T) {
	env, err := parseConfig(configtest.AWS(), "prod")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Gate(env, "plinth", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.NotJudged, func(s string) bool {
		return strings.Contains(s, "PL-D-013: eu-west-1 has 3 zones the network may use, and it uses all of them")
	}) {
		t.Fatalf("not judged = %v", rep.NotJudged)
	}
	full, err := parseConfig(configtest.With(configtest.AWS(), "plinth:tier", "dev", "aws:region", "us-east-1", "plinth:region", "us-east-1",
		"plinth:network", `{"azCount":2,"subnetSlots":2,"vpcCidr":"10.0.0.0/16"}`), "dev")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Gate(full, "plinth", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range rep.Findings {
		found = found || f.Rule.ID == "PL-D-013" && strings.Contains(f.Message, "cannot gain an availability zone although its region has one more") && strings.Contains(f.Message, "subnetSlots")
	}
	if !found {
		t.Fatalf("a network out of slots in a region with zones left: %s", rep.Table())
	}
}
