package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRulesCatchTheMistakesTheyName feeds rules the mistakes outside
// reviews found on real clusters (issue 32), one probe each, beside the
// one failing fixture per rule of TestDeployabilityRules: each probe is
// the compliant stack with that one mistake, and the rule must fire.
func TestRulesCatchTheMistakesTheyName(t *testing.T) {
	good := deployStack()
	c := Context{Tier: "prod", Today: deployDay}
	argoWithMonitor := stackEdit(good, "argo-rollouts", set("values", map[string]any{"controller": map[string]any{"metrics": map[string]any{"serviceMonitor": map[string]any{"enabled": true}}}}))
	autopilot := stackEdit(good, "gke", set("enableAutopilot", true))
	for _, tt := range []struct {
		name, rule string
		stack      []Resource
		c          Context
		want       string
	}{
		{"the calendar runs out of STANDARD versions within 60 days", "PL-D-009", good,
			Context{Tier: "prod", Today: time.Date(2027, 6, 10, 0, 0, 0, 0, time.UTC)}, "has no version in standard support after 2027-08-01"},
		{"a Pod Identity association before its role's policy", "PL-D-012",
			stackEdit(good, "pod-identity-web-association", without("pod-identity-web-0")), c, "uses role pod-identity-web but does not wait for its policy pod-identity-web-0"},
		{"a network out of subnet slots in a region with zones left", "PL-D-013",
			good, Context{Tier: "prod", Today: deployDay, GrowthRefused: "subnetSlots (2) is full"}, "cannot gain an availability zone although its region has one more: subnetSlots (2) is full"},
		{"a Local Zone subnet", "PL-D-016",
			stackEdit(good, "private-eu-west-1a", set("availabilityZone", "us-east-1-bos-1a")), c, "is in us-east-1-bos-1a, not a standard availability zone"},
		{"the argo-rollouts chart's ServiceMonitor before the monitoring chart", "PL-D-025",
			argoWithMonitor, c, "creates custom resources (controller.metrics.serviceMonitor.enabled) of API group monitoring.coreos.com, but does not wait for gke-monitoring"},
		{"a ServiceMonitor on a cluster without the Prometheus Operator", "PL-D-025",
			remove(stackEdit(good, "web-servicemonitor", without("kube-prometheus-stack")), "kube-prometheus-stack"), c, "whose CRD nothing in the stack installs"},
		{"kube-proxy left at 1.31 after the cluster went to 1.35", "PL-D-026",
			stackEdit(good, "addon-kube-proxy", set("addonVersion", "v1.31.14-eksbuild.20")), c, "4 minor versions behind the cluster's Kubernetes 1.35"},
		{"an autoscaler image for the wrong minor", "PL-D-026",
			stackEdit(good, "cluster-autoscaler", set("values.image.tag", "v1.34.5")), c, "is for Kubernetes 1.34, but the cluster runs 1.35"},
		{"an autoscaler image left to the chart", "PL-D-026",
			stackEdit(good, "cluster-autoscaler", set("values.image", nil)), c, "leaves the autoscaler's image to the chart's default"},
		{"a hostPID DaemonSet on Autopilot", "PL-D-028",
			append(slices.Clone(autopilot), on(node(tDaemonSet, "node-agent", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"hostPID": true, "volumes": []any{map[string]any{"name": "proc", "hostPath": map[string]any{"path": "/proc"}}},
			}}}}), named(good, "gke-k8s"))), c, "mounts the host path /proc"},
		{"a ConfigMap in kube-system on Autopilot", "PL-D-028",
			append(slices.Clone(autopilot), on(node(tConfigMap, "cfg", map[string]any{"metadata": map[string]any{"name": "x", "namespace": "kube-system"}}), named(good, "gke-k8s"))), c, "writes to kube-system"},
		{"an IRSA app whose egress stops at DNS", "PL-D-029",
			stackEdit(stackEdit(good, "web-serviceaccount", set("metadata.annotations", map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/web"})),
				"web", set("spec.egress", []any{map[string]any{"ports": []any{map[string]any{"protocol": "UDP", "port": 53.0}}}})), c, "IRSA (STS) at a public address port 443"},
		{"default-deny DNS to kube-system pods on EKS Auto Mode", "PL-D-029",
			stackEdit(stackEdit(good, "cluster", set("computeConfig", map[string]any{"enabled": true})), "web", set("spec.egress", []any{
				map[string]any{"to": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}}}},
					"ports": []any{map[string]any{"protocol": "UDP", "port": 53.0}}},
				map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "169.254.170.23/32"}}}, "ports": []any{map[string]any{"protocol": "TCP", "port": 80.0}}},
			})), c, "answers DNS on each node"},
		{"kube-prometheus-stack with its default values on GKE", "PL-D-030",
			stackEdit(good, "gke-monitoring", set("values", map[string]any{})), c, "runs on GKE cluster gke"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(Evaluate([]*Rule{ruleByID(t, DeployabilityRules(), tt.rule)}, tt.stack, tt.c, nil), tt.rule)
			var msgs []string
			for _, f := range got {
				msgs = append(msgs, f.Resource+": "+f.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tt.want) {
				t.Fatalf("%s on the mistake: %q, want a finding containing %q", tt.rule, msgs, tt.want)
			}
		})
	}
}
