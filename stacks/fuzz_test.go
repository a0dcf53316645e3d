//go:build !plinthlocal

package main

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/config/configtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// FuzzConfigThroughTheComponents feeds arbitrary config through what a
// stack does before registering anything: config.Parse, then the
// composition under mocks, where every component validates its section.
// It must never panic; every problem it reports is under a config key
// (plinth:…), so the user knows which setting to change; and a run that
// reports one registers nothing.
func FuzzConfigThroughTheComponents(f *testing.F) {
	f.Add("prod", "aws", `[{"name":"web","image":"nginx:1.27"}]`, `{"vpcCidr":"10.0.0.0/16"}`, `{}`, `{"repository":"https://charts.example.com/p"}`, ``)
	f.Add("dev", "gcp", `[]`, `{"podsCidr":"10.10.0.0/16"}`, `{"nodeGroups":[{"name":"a","minSize":3,"maxSize":1}]}`, `{"mode":"off"}`, ``)
	f.Add("staging", "aws", `[{"name":"web","image":"nginx:1.27","env":{"DB_PASSWORD":"x"},"canaryPercent":0,"strategy":"Canary"}]`, `{"azCount":0}`, `{"nodeGroups":[{"name":"g","diskSizeGb":0}]}`, `{}`, `{"name":"api","image":"nginx:1.27","cpu":0}`)
	f.Add("prod", "aws", `[{"name":"a","image":"ACME/web:1.0","autoscaling":{"targetCpu":0}},{"name":"a","image":"nginx"}]`, `{"vpcCidr":"10.0.0.0/26"}`, `{"version":"1.19"}`, `{"retention":"forever"}`, `{"name":"`+strings.Repeat("s", 21)+`","image":"nginx:1.27","cpu":1024,"memory":512}`)
	f.Fuzz(func(t *testing.T, tier, cloud, apps, network, cluster, monitoring, ecs string) {
		base := configtest.AWS()
		if cloud == string(config.CloudGCP) {
			base = configtest.GCP()
		}
		values := configtest.With(base, "plinth:tier", tier, "plinth:cloud", cloud, "plinth:apps", apps, "plinth:network", network, "plinth:monitoring", monitoring)
		values = configtest.With(values, "plinth:cluster", cluster, "plinth:ecs", ecs)
		for k, v := range values {
			if v == "" && k != "plinth:grafanaAdminPassword" {
				delete(values, k)
			}
		}
		s, err := composeConfig(t, values)
		problems := problem.Errors(err)
		for _, p := range problems {
			if p.Prefix != config.Namespace+":" {
				t.Fatalf("a problem not under a config key: %v\nconfig: %v", p, values)
			}
		}
		if len(problems) > 0 && len(s.Resources) != 0 {
			t.Fatalf("%d resources registered before the problems:\n%v\n%s", len(s.Resources), err, s.Inventory())
		}
	})
}
