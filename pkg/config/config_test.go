package config

import (
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/pkg/config/configtest"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

const adminRole = configtest.AdminRole

var (
	awsValues   = configtest.AWS
	gcpValues   = configtest.GCP
	localValues = configtest.Local
	with        = configtest.With
)

// TestParseDefaultsOnlyWhatTheStackWires: config fills the values the
// stack needs to wire components together and leaves every other unset
// value unset, for the component that owns its default.
func TestParseDefaultsOnlyWhatTheStackWires(t *testing.T) {
	env, err := Parse(awsValues(), "prod")
	if err != nil {
		t.Fatalf("valid prod config rejected: %v", err)
	}
	if env.Name != "prod" || env.Defaults != ForTier(TierProd) {
		t.Fatalf("name %q, defaults %+v: want the stack name and the prod tier's table", env.Name, env.Defaults)
	}
	a := env.Apps[0]
	if a.Namespace != "web" {
		t.Fatalf("app namespace = %q, want the app's name", a.Namespace)
	}
	if env.Monitoring.Mode != MonitoringInstall || env.Monitoring.Namespace != DefaultMonitoringNS {
		t.Fatalf("monitoring = %+v, want install mode in %q", env.Monitoring, DefaultMonitoringNS)
	}
	// What the components default stays unset, so an explicit 0 stays
	// distinguishable from "not set".
	if a.Port != nil || a.Autoscaling.Min != nil || a.Autoscaling.TargetCPU != nil || a.Autoscaling.Enabled != nil || a.MetricsPort != nil ||
		a.Strategy != "" || a.Resources.CPURequest != "" || a.Replicas != nil {
		t.Fatalf("config defaulted what the app component defaults: %+v", a)
	}
	n, c := env.Network, env.Cluster
	if n.AZCount != nil || n.VPCCIDR != "" || n.NATGateways != "" || c.Version != "" || c.DeletionProtection != nil || len(c.NodeGroups) != 0 {
		t.Fatalf("config defaulted what the network and cluster components default: %+v %+v", n, c)
	}
	if env.Monitoring.Retention != "" || env.Monitoring.StorageSize != "" {
		t.Fatalf("config defaulted what the monitoring component defaults: %+v", env.Monitoring)
	}

	local, err := Parse(localValues(), "local")
	if err != nil {
		t.Fatalf("valid local config rejected: %v", err)
	}
	if local.Monitoring.Mode != MonitoringOperator {
		t.Fatalf("local monitoring mode = %q, want operator", local.Monitoring.Mode)
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
		{"a misspelt key", with(awsValues(), "plinth:teir", "prod"), "teir", "is not a plinth setting, so it would be ignored: did you mean plinth:tier?"},
		{"apps misspelt (the stack deployed without its apps)", with(awsValues(), "plinth:appz", app("")), "appz", "did you mean plinth:apps?"},
		{"a key like nothing known", with(awsValues(), "plinth:replicaCount", "3"), "replicaCount", "is not a plinth setting, so it would be ignored: check its spelling"},
		{"an unknown field in an app", with(awsValues(), "plinth:apps", app(`,"imgae":"x"`)), "apps[0]", `has unknown field "imgae": did you mean "image"?`},
		{"an unknown field deep in an app", with(awsValues(), "plinth:apps", app(`,"progressive":{"analysis":{"minRequest":5}}`)), "apps[0]", `has unknown field "minRequest": did you mean "minRequests"?`},
		{"a string where a number goes", with(awsValues(), "plinth:apps", app(`,"port":"http"`)), "apps[0].port", "is a string, want a number"},
		{"apps that are not a list", with(awsValues(), "plinth:apps", `{"name":"web"}`), "apps", "is not a list of applications"},
		{"a bad taint effect", with(awsValues(), "plinth:cluster", `{"adminRoleArns":["`+adminRole+`"],"nodeGroups":[{"name":"gpu","taints":[{"key":"gpu","effect":"Never"}]}]}`), "cluster.nodeGroups[0].taints[0].effect", `"Never" is not one of`},
		{"two apps with one name", with(awsValues(), "plinth:apps", `[{"name":"web","image":"nginx:1.27"},{"name":"web","image":"nginx:1.27"}]`), "apps[1].name", "is also apps[0]"},
		{"a secret env with neither source", with(awsValues(), "plinth:apps", app(`,"secretEnv":[{"name":"TOKEN"}]`)), "apps[0].secretEnv[0]", "needs both secret and key"},
		{"a secret from config that is not set", with(localValues(), "plinth:dbPassword", "<unset>"), "apps[0].secretEnv[0].fromConfig", `names "dbPassword", which is not set`},
		{"install mode without a Grafana password", with(awsValues(), "plinth:grafanaAdminPassword", "<unset>"), "grafanaAdminPassword", `is not set and monitoring.mode is "install"`},
		{"install mode on the local cloud", with(localValues(), "plinth:monitoring", `{"mode":"install"}`, "plinth:grafanaAdminPassword", "x"), "monitoring.mode", `is "install" on the local cloud`},
		{"an ECS service on GCP", with(gcpValues(), "plinth:ecs", `{"name":"api","image":"nginx:1.27"}`), "ecs", `is set on cloud "gcp"`},
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
		"plinth:apps", `[{"name":"web","image":"nginx:1.27"},{"name":"web","image":"nginx:1.27"}]`,
		"plinth:waivers", `[{"rule":"PL-ALB-005","resource":"api-alb"}]`,
	), "prod")
	got := problem.Paths(err)
	for _, want := range []string{"region", "apps[1].name", "waivers[0].reason"} {
		if !slices.Contains(got, want) {
			t.Fatalf("paths = %v, want all of region, apps[1].name, waivers[0].reason", got)
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
