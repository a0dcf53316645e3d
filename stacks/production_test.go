//go:build !plinthlocal

package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

// These tests run the deployability rules on what the real stack
// programs register, composed under mocks whose lookups answer from cited
// tables, and then on the same stacks with one mistake put back: each
// rule passes the stack and fires on the mistake it names. So no rule is
// judged only on hand-written fixtures, and none passes because a mock
// invented the value it checks.

const (
	alternativeAutoMode  = `{"privateAccessCidrs":["10.100.0.0/24"],"adminRoleArns":["arn:aws:iam::123456789012:role/platform-admin"],"autoMode":{"enabled":true}}`
	alternativeAutopilot = `{"authorizedNetworks":["203.0.113.0/24"],"autopilot":true}`
)

// composed returns a stack's resources as the gate judges them.
func composed(t *testing.T, stack string, edit func(map[string]string)) ([]policy.Resource, *config.Environment) {
	t.Helper()
	env := stackEnv(t, stack, edit)
	s, err := composeUnderMocks(env, "plinth", stack)
	if err != nil {
		t.Fatal(err)
	}
	return s.PolicyResources(), env
}

// mutate returns rs with f applied to the resources matching match.
func mutate(rs []policy.Resource, match func(policy.Resource) bool, f func(*policy.Resource)) ([]policy.Resource, int) {
	out := make([]policy.Resource, len(rs))
	n := 0
	for i, r := range rs {
		if match(r) {
			r.Inputs = clonePlain(r.Inputs).(map[string]any)
			r.Dependencies = slices.Clone(r.Dependencies)
			f(&r)
			n++
		}
		out[i] = r
	}
	return out, n
}

func clonePlain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clonePlain(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = clonePlain(e)
		}
		return l
	}
	return v
}

// setPath sets a dotted path in nested maps, creating them.
func setPath(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

func byType(typ string) func(policy.Resource) bool {
	return func(r policy.Resource) bool { return r.Type == typ }
}

func chartNamed(word string) func(policy.Resource) bool {
	return func(r policy.Resource) bool {
		c, _ := r.Inputs["chart"].(string)
		return r.Type == "kubernetes:helm.sh/v4:Chart" && strings.Contains(c, word)
	}
}

// TestRulesOnTheRealStacks: for each rule of the classes issue 32 named,
// the real composition passes it, and the composition with the mistake
// the rule names fails it, with its message.
func TestRulesOnTheRealStacks(t *testing.T) {
	prod, prodEnv := composed(t, "prod", nil)
	auto, _ := composed(t, "prod", func(v map[string]string) { v["plinth:cluster"] = alternativeAutoMode })
	autopilot, _ := composed(t, "gcp-prod", func(v map[string]string) { v["plinth:cluster"] = alternativeAutopilot })
	gcp, _ := composed(t, "gcp-prod", nil)
	c := policy.Context{Tier: "prod", Today: time.Now(), PreinstalledCRDs: preinstalledCRDs(prodEnv)}
	rule := func(id string) *policy.Rule {
		for _, r := range policy.DeployabilityRules() {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("no rule %s", id)
		return nil
	}
	type probe struct {
		name, rule string
		base       []policy.Resource
		match      func(policy.Resource) bool
		mistake    func(*policy.Resource)
		want       string
	}
	dropDeps := func(word string) func(*policy.Resource) {
		return func(r *policy.Resource) {
			r.Dependencies = slices.DeleteFunc(r.Dependencies, func(u string) bool { return strings.Contains(u, word) })
		}
	}
	for _, tt := range []probe{
		// The apps' custom resources as they were: waiting for no chart.
		{"ServiceMonitors that do not wait for the monitoring chart", "PL-D-025", prod,
			byType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), dropDeps("helm.sh/v4:Chart"),
			"is a ServiceMonitor of API group monitoring.coreos.com, but does not wait for monitoring-kube-prometheus-stack"},
		{"the rollouts chart's ServiceMonitor before the monitoring chart", "PL-D-025", prod,
			chartNamed("argo-rollouts"), dropDeps("kube-prometheus-stack"),
			"creates custom resources (controller.metrics.serviceMonitor.enabled)"},
		{"a Rollout that does not wait for the controller's chart", "PL-D-025", prod,
			func(r policy.Resource) bool { return strings.HasPrefix(r.Type, "kubernetes:argoproj.io/") },
			dropDeps("helm.sh/v4:Chart"),
			"is a Rollout of API group argoproj.io, but does not wait for rollouts-argo-rollouts"},
		{"the autoscaler chart of kubernetes/autoscaler#10278", "PL-D-026", prod,
			chartNamed("cluster-autoscaler"), func(r *policy.Resource) {
				r.Inputs["version"] = "9.46.6"
				setPath(r.Inputs, "values.image.tag", "v1.36.1")
			}, `"9.46.6" predates chart 9.54.0`},
		{"kube-proxy pinned four minors back", "PL-D-026", prod,
			func(r policy.Resource) bool {
				return r.Type == "aws:eks/addon:Addon" && r.Inputs["addonName"] == "kube-proxy"
			},
			func(r *policy.Resource) { r.Inputs["addonVersion"] = "v1.32.13-eksbuild.16" }, "4 minor versions behind"},
		{"no metrics-server for the HPAs", "PL-D-027", prod,
			func(r policy.Resource) bool {
				return r.Type == "aws:eks/addon:Addon" && r.Inputs["addonName"] == "metrics-server"
			},
			func(r *policy.Resource) { r.Inputs["addonName"] = "something-else" }, "which runs no metrics-server"},
		{"kube-prometheus-stack with Standard values on Autopilot", "PL-D-028", autopilot,
			chartNamed("kube-prometheus-stack"), func(r *policy.Resource) { setPath(r.Inputs, "values.nodeExporter.enabled", true) },
			"deploys nodeExporter"},
		{"an app's egress without its Pod Identity agent", "PL-D-029", prod,
			byType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), func(r *policy.Resource) {
				setPath(r.Inputs, "spec.egress", []any{map[string]any{"ports": []any{map[string]any{"protocol": "UDP", "port": 53.0}}}})
			}, "gets its credentials from EKS Pod Identity (its agent) at 169.254.170.23/32 port 80"},
		{"DNS to kube-system pods only on Auto Mode", "PL-D-029", auto,
			byType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), func(r *policy.Resource) {
				egress := r.Inputs["spec"].(map[string]any)["egress"].([]any)
				egress[0].(map[string]any)["to"] = []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}}}}
			}, "answers DNS on each node"},
		{"the controller manager scraped on EKS", "PL-D-030", prod,
			chartNamed("kube-prometheus-stack"), func(r *policy.Resource) { delete(r.Inputs["values"].(map[string]any), "kubeControllerManager") },
			"kubeControllerManager is scraped"},
		{"the scheduler's alerts on GKE", "PL-D-030", gcp,
			chartNamed("kube-prometheus-stack"), func(r *policy.Resource) {
				setPath(r.Inputs, "values.defaultRules.rules.kubeSchedulerAlerting", true)
			}, "rule group kubeSchedulerAlerting alerts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := rule(tt.rule)
			if got := policy.Evaluate([]*policy.Rule{r}, tt.base, c, nil).Findings; len(got) != 0 {
				t.Fatalf("%s fires on the real stack: %s: %s", tt.rule, got[0].Resource, got[0].Message)
			}
			bad, n := mutate(tt.base, tt.match, tt.mistake)
			if n == 0 {
				t.Fatalf("the stack registers nothing the probe applies to")
			}
			var msgs []string
			for _, f := range policy.Evaluate([]*policy.Rule{r}, bad, c, nil).Findings {
				msgs = append(msgs, f.Resource+": "+f.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tt.want) {
				t.Fatalf("%s on the mistake: %q, want a finding containing %q", tt.rule, msgs, tt.want)
			}
		})
	}
}

// TestTheGateJudgesRealZones: the gate composes a stack in its own
// region, where the zone lookup answers that region's zones from the
// cited table (pkg/awszones), and the subnets carry the zone IDs the
// lookup returned: PL-D-016 judges real IDs. In us-east-1, whose six
// zones include use1-az3, an EKS network never gets that zone.
func TestTheGateJudgesRealZones(t *testing.T) {
	env := stackEnv(t, "prod", func(v map[string]string) {
		v["aws:region"], v["plinth:region"] = "us-east-1", "us-east-1"
		v["plinth:network"] = `{"vpcCidr":"10.64.0.0/16","azCount":5,"subnetSlots":8}`
	})
	s, err := composeUnderMocks(env, "plinth", "prod")
	if err != nil {
		t.Fatal(err)
	}
	var zones []string
	for _, inv := range s.Invokes {
		if inv.Token == "aws:index/getAvailabilityZones:getAvailabilityZones" {
			for _, id := range inv.Args["excludeZoneIds"].ArrayValue() {
				zones = append(zones, id.StringValue())
			}
		}
	}
	if !slices.Contains(zones, "use1-az3") {
		t.Fatalf("the zone lookup does not exclude use1-az3: excludeZoneIds %v", zones)
	}
	table, _ := awszones.Of("us-east-1")
	for _, sn := range s.ByType("aws:ec2/subnet:Subnet") {
		id := sn.String(t, "tags.zone-id")
		if !slices.ContainsFunc(table, func(z awszones.Zone) bool { return z.ID == id && z.Name == sn.String(t, "availabilityZone") }) {
			t.Errorf("subnet %s in %s records zone ID %q, which the table does not give that zone", sn.Name, sn.String(t, "availabilityZone"), id)
		}
		if id == "use1-az3" {
			t.Errorf("subnet %s is in use1-az3, which EKS refuses", sn.Name)
		}
	}
	rep, err := Gate(env, "plinth", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestFirstUpOrder checks, on the composed prod stack, what a first up
// on a real EKS cluster depends on: custom resources after their CRDs,
// the monitoring chart without waiting for the StorageClass (the wait
// that delayed the CRDs), Grafana's volume with a Recreate strategy, and
// the add-ons pinned.
func TestFirstUpOrder(t *testing.T) {
	env := stackEnv(t, "prod", nil)
	s, err := composeUnderMocks(env, "plinth", "prod")
	if err != nil {
		t.Fatal(err)
	}
	chart := s.Get(t, "kubernetes:helm.sh/v4:Chart", "monitoring-kube-prometheus-stack")
	sc := s.One(t, "kubernetes:storage.k8s.io/v1:StorageClass")
	if slices.Contains(chart.Dependencies, sc.URN) {
		t.Errorf("the monitoring chart waits for the StorageClass, which waits for the EBS CSI driver: the CRDs it brings come a minute late")
	}
	chart.Expect(t, map[string]any{
		"values.grafana.deploymentStrategy.type":          "Recreate",
		"values.kubeControllerManager.enabled":            false,
		"values.kubeScheduler.enabled":                    false,
		"values.defaultRules.rules.kubeSchedulerAlerting": false,
	})
	for _, sm := range s.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor") {
		if !slices.Contains(sm.Dependencies, chart.URN) {
			t.Errorf("ServiceMonitor %s does not wait for the chart that installs its CRD", sm.Name)
		}
	}
	ro := s.Get(t, "kubernetes:helm.sh/v4:Chart", "rollouts-argo-rollouts")
	if !slices.Contains(ro.Dependencies, chart.URN) {
		t.Errorf("the argo-rollouts chart, whose ServiceMonitor needs the monitoring CRDs, does not wait for the monitoring chart")
	}
	for _, a := range s.ByType("aws:eks/addon:Addon") {
		if a.String(t, "addonVersion") == "" {
			t.Errorf("add-on %s is not pinned", a.String(t, "addonName"))
		}
	}
	var _ = plinthtest.Region
}

// TestECSConfigReachesTheService: the task egress, the secrets' KMS keys
// and deletion protection set in plinth:ecs reach the ECS component,
// which could take them before but the config could not give them.
func TestECSConfigReachesTheService(t *testing.T) {
	const key = "arn:aws:kms:eu-west-1:123456789012:key/0b6c2f5e-1111-2222-3333-444455556666"
	env := stackEnv(t, "prod", func(v map[string]string) {
		v["plinth:ecs"] = `{"name":"api","image":"registry.example.com/plinth/api:3.1.0","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/0b6c2f5e-prod","public":true,"allowedCidrs":["0.0.0.0/0"],` +
			`"secretArns":{"DB_PASSWORD":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-Ab12Cd"},"secretsKmsKeyArns":["` + key + `"],` +
			`"egress":[{"description":"the database","fromPort":5432,"cidrs":["10.64.0.0/16"]}],"deletionProtection":false}`
	})
	s, err := composeUnderMocks(env, "plinth", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if s.One(t, "aws:lb/loadBalancer:LoadBalancer").Bool(t, "enableDeletionProtection") {
		t.Errorf("deletionProtection false in config left the load balancer protected")
	}
	var egress, kms bool
	for _, r := range s.Resources {
		in := r.JSON()
		egress = egress || r.Type == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" && strings.Contains(in, `"fromPort": 5432`) ||
			r.Type == "aws:ec2/securityGroupRule:SecurityGroupRule" && strings.Contains(in, `"fromPort": 5432`)
		kms = kms || strings.HasPrefix(r.Type, "aws:iam/") && strings.Contains(in, key)
	}
	if !egress || !kms {
		t.Errorf("config did not reach the service: egress rule to 5432 %v, the secrets' KMS key in a policy %v", egress, kms)
	}
}
