package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

// egressTo returns the egress rules of the app's NetworkPolicy as JSON
// lines, for asserting what they allow.
func egressTo(t *testing.T, s *plinthtest.Stack) []string {
	t.Helper()
	var out []string
	for _, e := range s.One(t, npType).Value(t, "spec.egress").([]any) {
		b, _ := json.Marshal(e)
		out = append(out, string(b))
	}
	return out
}

func allows(rules []string, want string) bool {
	return slices.ContainsFunc(rules, func(r string) bool { return strings.Contains(r, want) })
}

// TestACloudIdentityCanReachItsCredentials: a default-deny egress policy
// lets an app with a cloud identity reach its credential endpoint and
// the cloud's APIs on 443 (on EKS with Network Policies enforced, the
// Pod Identity agent at 169.254.170.23:80 was blocked), and only such an
// app; CloudAPIs false takes the rules away.
func TestACloudIdentityCanReachItsCredentials(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/web"
	agent := `{"ports":[{"port":80,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"169.254.170.23/32"}}]}`
	apis := `{"ports":[{"port":443,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}`
	metadata := `"cidr":"169.254.169.254/32"`
	for _, tc := range []struct {
		name string
		sa   *app.ServiceAccountArgs
		want []string
		not  []string
	}{
		{"EKS Pod Identity", &app.ServiceAccountArgs{PodIdentityRoleARN: pulumi.String(role)}, []string{agent, apis}, []string{metadata}},
		{"IRSA", &app.ServiceAccountArgs{AWSRoleARN: pulumi.String(role)}, []string{apis}, []string{agent}},
		{"GKE Workload Identity", &app.ServiceAccountArgs{GCPServiceAccount: pulumi.String("web-sa@acme-platform.iam.gserviceaccount.com")}, []string{metadata, `"cidr":"169.254.169.252/32"`, apis}, []string{agent}},
		{"no identity", nil, nil, []string{agent, apis, metadata}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: tc.sa})
			rules := egressTo(t, s)
			for _, w := range tc.want {
				if !allows(rules, w) {
					t.Errorf("egress %v does not allow %s", rules, w)
				}
			}
			for _, n := range tc.not {
				if allows(rules, n) {
					t.Errorf("egress %v allows %s, which this app does not need", rules, n)
				}
			}
		})
	}
	off := false
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: &app.ServiceAccountArgs{PodIdentityRoleARN: pulumi.String(role)},
		NetworkPolicy: &app.NetworkPolicyArgs{CloudAPIs: &off}})
	if rules := egressTo(t, s); allows(rules, agent) || allows(rules, apis) {
		t.Errorf("CloudAPIs false still allows %v", rules)
	}
}

// TestNodeLocalDNS: on EKS Auto Mode the resolver runs on each node, so
// DNS may leave to any address on port 53 (not only kube-system pods).
func TestNodeLocalDNS(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image)})
	if rules := egressTo(t, s); !strings.Contains(rules[0], `"kubernetes.io/metadata.name":"kube-system"`) {
		t.Fatalf("DNS egress %s, want kube-system's pods", rules[0])
	}
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), NetworkPolicy: &app.NetworkPolicyArgs{NodeLocalDNS: true}})
	if rules := egressTo(t, s); rules[0] != `{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}]}` {
		t.Fatalf("node-local DNS egress = %s, want port 53 to anywhere", rules[0])
	}
}

// TestCustomResourcesWaitForTheirCRDs: every custom resource the app
// creates waits for what installs its CRD (Args.WaitForCRDs), so a first
// up does not race a chart that is still installing it.
func TestCustomResourcesWaitForTheirCRDs(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		crds, err := corev1.NewConfigMap(ctx, "stands-for-the-monitoring-chart", &corev1.ConfigMapArgs{Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("x")}})
		if err != nil {
			return err
		}
		_, err = app.New(ctx, "web", app.Args{
			Image: pulumi.String(image), WaitForCRDs: []pulumi.Resource{crds},
			Route:    &app.RouteArgs{Gateway: "public", GatewayNamespace: pulumi.String("gateway")},
			Strategy: &app.StrategyArgs{Type: app.StrategyProgressive},
		})
		return err
	}, plinthtest.WithStack("prod"))
	crds := s.One(t, "kubernetes:core/v1:ConfigMap")
	n := 0
	for _, typ := range []string{smType, routeType, "kubernetes:argoproj.io/v1alpha1:Rollout", "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate"} {
		for _, r := range s.ByType(typ) {
			n++
			if !slices.Contains(r.Dependencies, crds.URN) {
				t.Errorf("%s %s does not wait for what installs its CRD", r.Type, r.Name)
			}
		}
	}
	if n != 5 {
		t.Fatalf("%d custom resources, want the ServiceMonitor, HTTPRoute, Rollout and both AnalysisTemplates", n)
	}
}

// TestEveryObjectNamesItsStackAndFieldManager: every object the app
// creates carries its stack's label and field manager on its own
// metadata, and no pod template or selector carries them (adding them
// must roll no pod, and selectors are immutable).
func TestEveryObjectNamesItsStackAndFieldManager(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Route: &app.RouteArgs{Gateway: "public", GatewayNamespace: pulumi.String("gateway")},
		ServiceAccount: &app.ServiceAccountArgs{PodIdentityRoleARN: pulumi.String("arn:aws:iam::123456789012:role/web")}})
	n := 0
	for _, r := range s.Resources {
		if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		n++
		if got := r.String(t, `metadata.labels["plinth.dev/stack"]`); got != "plinth.prod" {
			t.Errorf("%s %s: stack label %q, want plinth.prod", r.Type, r.Name, got)
		}
		if got := r.String(t, `metadata.annotations["pulumi.com/patchFieldManager"]`); got != "plinth-plinth.prod" {
			t.Errorf("%s %s: field manager %q", r.Type, r.Name, got)
		}
		if r.Has(`spec.template.metadata.labels["plinth.dev/stack"]`) || r.Has(`spec.selector.matchLabels["plinth.dev/stack"]`) || r.Has(`spec.selector["plinth.dev/stack"]`) {
			t.Errorf("%s %s carries the stack label in a pod template or selector", r.Type, r.Name)
		}
	}
	if n < 8 {
		t.Fatalf("only %d objects checked", n)
	}
	// The service account keeps its identity annotation beside them.
	if sa := s.One(t, saType); !sa.Has(`metadata.annotations["plinth.dev/aws-pod-identity-role"]`) {
		t.Errorf("the service account lost its identity annotation: %v", sa.Value(t, "metadata.annotations"))
	}
}

// TestTheCanaryPassesTheGuardrailsInEveryTier: the Canary strategy's one
// canary pod (10%, or 1%) beside the stable track passes every mandatory
// guardrail in every tier; PL-X-002 once refused it outside dev.
func TestTheCanaryPassesTheGuardrailsInEveryTier(t *testing.T) {
	for _, tier := range []string{"dev", "staging", "prod"} {
		for _, percent := range []int{10, 1} {
			s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
				_, err := app.New(ctx, "web", app.Args{Image: pulumi.String(image), Tier: config.Tier(tier), Strategy: &app.StrategyArgs{
					Type: app.StrategyCanary, CanaryImage: pulumi.String(image), CanaryPercent: new(percent)}})
				return err
			}, plinthtest.WithStack(tier))
			if n := len(s.ByType(deployment)); n != 2 {
				t.Fatalf("%s: %d Deployments, want stable and canary", tier, n)
			}
			// The image policy is the stack's (PL-K8S-020 judges a whole stack).
			if err := policy.Evaluate(policy.Except(policy.Guardrails(), "PL-K8S-020"), s.PolicyResources(), policy.Context{Tier: tier}, nil).Err(); err != nil {
				t.Errorf("%s, %d%% canary: %v", tier, percent, err)
			}
		}
	}
}
