package config

import (
	"maps"
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

const adminRole = "arn:aws:iam::123456789012:role/platform-admin"

func awsValues() map[string]string {
	return map[string]string{
		"plinth:tier":                 "prod",
		"plinth:cloud":                "aws",
		"plinth:region":               "eu-west-1",
		"plinth:cluster":              `{"adminRoleArns":["` + adminRole + `"]}`,
		"plinth:apps":                 `[{"name":"web","image":"ghcr.io/acme/web:1.4.2"}]`,
		"plinth:grafanaAdminPassword": "s3cret",
		"aws:region":                  "eu-west-1",
	}
}

func gcpValues() map[string]string {
	return map[string]string{
		"plinth:tier":                 "dev",
		"plinth:cloud":                "gcp",
		"plinth:region":               "europe-west1",
		"plinth:project":              "acme-platform",
		"plinth:grafanaAdminPassword": "s3cret",
	}
}

func localValues() map[string]string {
	return map[string]string{
		"plinth:tier":       "local",
		"plinth:cloud":      "local",
		"plinth:apps":       `[{"name":"web","image":"ghcr.io/acme/web:1.4.2","secretEnv":[{"name":"DB_PASSWORD","fromConfig":"dbPassword"}]}]`,
		"plinth:dbPassword": "pw",
	}
}

func with(base map[string]string, kv ...string) map[string]string {
	m := maps.Clone(base)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			delete(m, kv[i])
			continue
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestParseAppliesTierDefaults(t *testing.T) {
	env, err := Parse(awsValues(), "prod")
	if err != nil {
		t.Fatalf("valid prod config rejected: %v", err)
	}
	if env.Name != "prod" || env.Network.AZCount != 3 || env.Network.NATGateways != NATPerAZ || env.Network.VPCCIDR != DefaultVPCCIDR {
		t.Fatalf("prod network defaults = %+v (name %q), want 3 zones, NAT per zone, %s", env.Network, env.Name, DefaultVPCCIDR)
	}
	g := env.Cluster.NodeGroups
	if len(g) != 1 || g[0].Name != "general" || *g[0].Min != 3 || *g[0].Desired != 3 || *g[0].Max != 10 || g[0].InstanceTypes[0] != "m6i.large" {
		t.Fatalf("prod node group defaults = %+v, want one group general 3/3/10 m6i.large", g)
	}
	a := env.Apps[0]
	if a.Namespace != "web" || a.Port != 8080 || a.Autoscaling.Min != 3 || a.Autoscaling.Max != 10 || a.Autoscaling.TargetCPU != 70 ||
		a.Resources.CPURequest != "250m" || *a.MetricsPort != 9090 || a.Strategy != StrategyRolling || !*a.Autoscaling.Enabled {
		t.Fatalf("prod app defaults = %+v", a)
	}
	if env.Monitoring.Mode != MonitoringInstall || env.Monitoring.Retention != "30d" || env.Monitoring.StorageSize != "100Gi" {
		t.Fatalf("prod monitoring defaults = %+v", env.Monitoring)
	}
	if !*env.Cluster.DeletionProtection || env.Cluster.Name != "" || env.Cluster.Version != DefaultClusterVersion {
		t.Fatalf("prod cluster defaults = %+v", env.Cluster)
	}

	dev, err := Parse(with(awsValues(), "plinth:tier", "dev"), "dev")
	if err != nil {
		t.Fatalf("valid dev config rejected: %v", err)
	}
	if dev.Network.AZCount != 2 || dev.Network.NATGateways != NATSingle || dev.Apps[0].Autoscaling.Min != 1 || *dev.Cluster.DeletionProtection {
		t.Fatalf("dev defaults = %+v / %+v: want 2 zones, single NAT, min 1 replica, no deletion protection", dev.Network, dev.Apps[0].Autoscaling)
	}

	gcp, err := Parse(gcpValues(), "gcp-dev")
	if err != nil {
		t.Fatalf("valid gcp config rejected: %v", err)
	}
	if gcp.Network.PodsCIDR != DefaultPodsCIDR || gcp.Cluster.NodeGroups[0].MachineType != "e2-standard-2" || *gcp.Cluster.Regional {
		t.Fatalf("gcp dev defaults = %+v %+v", gcp.Network, gcp.Cluster)
	}

	local, err := Parse(localValues(), "local")
	if err != nil {
		t.Fatalf("valid local config rejected: %v", err)
	}
	if local.Monitoring.Mode != MonitoringOperator || len(local.Cluster.NodeGroups) != 0 || local.Apps[0].Resources.MemoryRequest != "64Mi" {
		t.Fatalf("local defaults = %+v %+v", local.Monitoring, local.Cluster)
	}
}

func TestParseRejectsBadConfig(t *testing.T) {
	app := func(fields string) string {
		return `[{"name":"web","image":"ghcr.io/acme/web:1.4.2"` + fields + `}]`
	}
	tests := []struct {
		name     string
		values   map[string]string
		wantPath string
		wantText string
	}{
		{"a missing tier", with(awsValues(), "plinth:tier", "<unset>"), "tier", `"" is not one of "local", "dev", "staging", "prod"`},
		{"an unknown cloud", with(awsValues(), "plinth:cloud", "azure"), "cloud", `"azure" is not one of`},
		{"a local tier on a cloud", with(awsValues(), "plinth:tier", "local"), "tier", `does not go with cloud "aws"`},
		{"an AWS environment without a region", with(awsValues(), "plinth:region", "<unset>"), "region", "is not an AWS region"},
		{"a GCP environment without a project", with(gcpValues(), "plinth:project", "<unset>"), "project", "is not a GCP project id"},
		{"a misspelt key", with(awsValues(), "plinth:teir", "prod"), "teir", "is not a plinth setting: check its spelling"},
		{"an unknown field in an app", with(awsValues(), "plinth:apps", app(`,"imgae":"x"`)), "apps[0]", `has unknown field "imgae"`},
		{"a string where a number goes", with(awsValues(), "plinth:apps", app(`,"port":"http"`)), "apps[0].port", "is a string, want a number"},
		{"apps that are not a list", with(awsValues(), "plinth:apps", `{"name":"web"}`), "apps", "is not a list of applications"},
		{"an invalid VPC CIDR", with(awsValues(), "plinth:network", `{"vpcCidr":"10.0.0.0/33"}`), "network.vpcCidr", "is not a CIDR block"},
		{"a public VPC CIDR", with(awsValues(), "plinth:network", `{"vpcCidr":"8.8.0.0/16"}`), "network.vpcCidr", "is not a private IPv4 block"},
		{"a VPC too small for subnets", with(awsValues(), "plinth:network", `{"vpcCidr":"10.0.0.0/26"}`), "network.vpcCidr", "is a /26"},
		{"one availability zone", with(awsValues(), "plinth:network", `{"azCount":1}`), "network.azCount", "(1) is outside 2–6"},
		{"two zones in prod", with(awsValues(), "plinth:network", `{"azCount":2}`), "network.azCount", "below 3 for a prod environment"},
		{"an unknown NAT layout", with(awsValues(), "plinth:network", `{"natGateways":"none"}`), "network.natGateways", `"none" is not one of "single", "perAz"`},
		{"overlapping GCP ranges", with(gcpValues(), "plinth:network", `{"podsCidr":"10.16.0.0/16"}`), "network.podsCidr", `overlaps subnetCidr "10.16.0.0/20"`},
		{"an unsupported cluster version", with(awsValues(), "plinth:cluster", `{"version":"1.19","adminRoleArns":["`+adminRole+`"]}`), "cluster.version", `"1.19" is not a Kubernetes minor version EKS offers`},
		{"a world-open API endpoint", with(awsValues(), "plinth:cluster", `{"publicAccessCidrs":["0.0.0.0/0"],"adminRoleArns":["`+adminRole+`"]}`), "cluster.publicAccessCidrs[0]", "opens access to the whole internet"},
		{"no admin roles on EKS", with(awsValues(), "plinth:cluster", `{}`), "cluster.adminRoleArns", "is empty: list at least one IAM role ARN"},
		{"an admin user instead of a role", with(awsValues(), "plinth:cluster", `{"adminRoleArns":["arn:aws:iam::123456789012:user/bob"]}`), "cluster.adminRoleArns[0]", "is not an IAM role ARN"},
		{"node min above max", with(awsValues(), "plinth:cluster", `{"adminRoleArns":["`+adminRole+`"],"nodeGroups":[{"name":"general","min":5,"max":2}]}`), "cluster.nodeGroups[0].min", "(5) is greater than max (2)"},
		{"a bad taint effect", with(awsValues(), "plinth:cluster", `{"adminRoleArns":["`+adminRole+`"],"nodeGroups":[{"name":"gpu","taints":[{"key":"gpu","effect":"Never"}]}]}`), "cluster.nodeGroups[0].taints[0].effect", `"Never" is not one of`},
		{"a zonal prod GKE cluster", with(gcpValues(), "plinth:tier", "prod", "plinth:network", `{"azCount":3}`, "plinth:cluster", `{"regional":false}`), "cluster.regional", "is false for a prod environment"},
		{"a GKE authorized network open to all", with(gcpValues(), "plinth:cluster", `{"authorizedNetworks":["0.0.0.0/0"]}`), "cluster.authorizedNetworks[0]", "opens access to the whole internet"},
		{"an image without a tag", with(awsValues(), "plinth:apps", `[{"name":"web"},{"name":"api","image":"nginx"}]`), "apps[1].image", `"nginx" has no tag or digest: pin a tag or a digest`},
		{"an app name that is not DNS-1123", with(awsValues(), "plinth:apps", `[{"name":"Web_App","image":"nginx:1.27"}]`), "apps[0].name", `"Web_App" is not a valid name`},
		{"two apps with one name", with(awsValues(), "plinth:apps", `[{"name":"web","image":"nginx:1.27"},{"name":"web","image":"nginx:1.27"}]`), "apps[1].name", "is also apps[0]"},
		{"an app in kube-system", with(awsValues(), "plinth:apps", app(`,"namespace":"kube-system"`)), "apps[0].namespace", "is a system namespace"},
		{"a port out of range", with(awsValues(), "plinth:apps", app(`,"port":70000`)), "apps[0].port", "(70000) is not a valid port"},
		{"autoscaling min above max", with(awsValues(), "plinth:apps", app(`,"autoscaling":{"min":5,"max":3}`)), "apps[0].autoscaling.min", "(5) is greater than max (3)"},
		{"a CPU target above 100", with(awsValues(), "plinth:apps", app(`,"autoscaling":{"targetCpu":150}`)), "apps[0].autoscaling.targetCpu", "(150) is outside 1–100"},
		{"one replica in prod", with(awsValues(), "plinth:apps", app(`,"autoscaling":{"enabled":false},"replicas":1`)), "apps[0].replicas", "(1) is below 2 in prod"},
		{"a memory limit below the request", with(awsValues(), "plinth:apps", app(`,"resources":{"memoryRequest":"1Gi","memoryLimit":"512Mi"}`)), "apps[0].resources.memoryLimit", "(512Mi) is below memoryRequest (1Gi)"},
		{"a malformed quantity", with(awsValues(), "plinth:apps", app(`,"resources":{"cpuRequest":"lots"}`)), "apps[0].resources.cpuRequest", "is not a Kubernetes quantity"},
		{"an invalid env var name", with(awsValues(), "plinth:apps", app(`,"env":{"1BAD":"x"}`)), "apps[0].env.1BAD", "is not a valid environment variable name"},
		{"a secret env with neither source", with(awsValues(), "plinth:apps", app(`,"secretEnv":[{"name":"TOKEN"}]`)), "apps[0].secretEnv[0]", "needs both secret and key"},
		{"a secret from config that is not set", with(localValues(), "plinth:dbPassword", "<unset>"), "apps[0].secretEnv[0].fromConfig", `names "dbPassword", which is not set`},
		{"blue-green without a second image", with(awsValues(), "plinth:apps", app(`,"strategy":"BlueGreen"`)), "apps[0].greenImage", "is empty for a BlueGreen app"},
		{"an unknown strategy", with(awsValues(), "plinth:apps", app(`,"strategy":"Recreate"`)), "apps[0].strategy", `"Recreate" is not one of "Rolling", "BlueGreen", "Canary"`},
		{"metrics on the app port", with(awsValues(), "plinth:apps", app(`,"port":9090`)), "apps[0].metricsPort", "is the application port"},
		{"a bad retention", with(awsValues(), "plinth:monitoring", `{"retention":"forever"}`), "monitoring.retention", "is not a positive Prometheus duration"},
		{"install mode without a Grafana password", with(awsValues(), "plinth:grafanaAdminPassword", "<unset>"), "grafanaAdminPassword", `is not set and monitoring.mode is "install"`},
		{"install mode on the local cloud", with(localValues(), "plinth:monitoring", `{"mode":"install"}`, "plinth:grafanaAdminPassword", "x"), "monitoring.mode", `is "install" on the local cloud`},
		{"plain-HTTP remote write", with(awsValues(), "plinth:monitoring", `{"remoteWriteUrl":"http://m.example.com/write"}`), "monitoring.remoteWriteUrl", "is not an https URL"},
		{"an ECS service on GCP", with(gcpValues(), "plinth:ecs", `{"name":"api","image":"nginx:1.27"}`), "ecs", `is set on cloud "gcp"`},
		{"an internal ALB open to the world", with(awsValues(), "plinth:ecs", `{"name":"api","image":"nginx:1.27","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","allowedCidrs":["0.0.0.0/0"]}`), "ecs.allowedCidrs[0]", "opens access to the whole internet"},
		{"an ECS service without a certificate", with(awsValues(), "plinth:ecs", `{"name":"api","image":"nginx:1.27","allowedCidrs":["10.0.0.0/8"]}`), "ecs.certificateArn", "is empty: the ALB serves HTTPS only"},
		{"a waiver without a reason", with(awsValues(), "plinth:waivers", `[{"rule":"PL-ALB-005","resource":"api-alb"}]`), "waivers[0].reason", "is empty: say why"},
		{"malformed YAML-as-JSON", with(awsValues(), "plinth:network", `{"vpcCidr":`), "network", "is not valid structured config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse(tt.values, "test")
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", env)
			}
			if env != nil {
				t.Fatalf("Parse returned an environment with an error")
			}
			plinthtest.RequireProblem(t, err, "plinth:", tt.wantPath, tt.wantText)
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse(with(awsValues(),
		"plinth:region", "mars-1",
		"plinth:apps", `[{"name":"web","image":"nginx"},{"name":"api","image":"nginx:1.27","port":-1}]`,
	), "prod")
	got := problem.Paths(err)
	for _, want := range []string{"region", "apps[0].image", "apps[1].port"} {
		if !slices.Contains(got, want) {
			t.Fatalf("paths = %v, want all of region, apps[0].image, apps[1].port", got)
		}
	}
}

func TestTierDefaultsAlwaysValidate(t *testing.T) {
	for _, tier := range Tiers {
		for _, base := range []map[string]string{awsValues(), gcpValues(), localValues()} {
			v := with(base, "plinth:tier", string(tier))
			if (tier == TierLocal) != (v["plinth:cloud"] == "local") {
				continue
			}
			if _, err := Parse(v, "s"); err != nil {
				t.Errorf("tier %s on %s: defaulted config fails validation: %v", tier, v["plinth:cloud"], err)
			}
		}
	}
}
