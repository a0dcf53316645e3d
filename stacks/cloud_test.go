//go:build !plinthlocal

package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/components/rollouts"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// standIns are the stand-in secret values runStack gives a stack's
// encrypted config keys.
func standIns(t *testing.T, stack string) []string {
	_, secrets, err := StackFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range secrets {
		out = append(out, v)
	}
	return out
}

func TestCloudStacks(t *testing.T) {
	for _, stack := range []string{"dev", "staging", "prod", "gcp-prod"} {
		t.Run(stack, func(t *testing.T) {
			s, outs := runStack(t, stack)
			s.RequireRestrictedPods(t)
			if leaks := s.Plaintext(standIns(t, stack)...); len(leaks) != 0 {
				t.Fatalf("secret config in plaintext inputs:\n%s", strings.Join(leaks, "\n"))
			}
			if kc := outs["kubeconfig"]; !kc.Secret || !strings.Contains(kc.Value.(string), "client.authentication.k8s.io/v1beta1") {
				t.Fatalf("kubeconfig output = %+v, want an exec kubeconfig as a secret", kc)
			}
			for _, k := range []string{"clusterName", "appUrls", "grafanaUrl", "alerts"} {
				if v, ok := outs[k]; !ok || v.Value == nil {
					t.Errorf("output %s missing", k)
				}
			}
			if got := outs["grafanaUrl"].Value; got != "http://kube-prometheus-stack-grafana.monitoring.svc.cluster.local:80" {
				t.Errorf("grafanaUrl = %v", got)
			}
			want := map[string]int{
				"plinth:kubernetes:Monitoring": 1, "kubernetes:helm.sh/v4:Chart": 1, "plinth:kubernetes:App": 2,
				"pulumi:providers:kubernetes": 1,
			}
			if !strings.HasPrefix(stack, "gcp") {
				want["kubernetes:helm.sh/v4:Chart"]++ // the Cluster Autoscaler
			}
			if strings.HasSuffix(stack, "prod") {
				// web is Progressive: the stack installs the Argo Rollouts
				// controller, and the app hands its pods to a Rollout that
				// the analysis against the stack's own Prometheus gates.
				want["kubernetes:helm.sh/v4:Chart"]++
				want[rollouts.TypeToken], want["kubernetes:argoproj.io/v1alpha1:Rollout"] = 1, 1
				tmpl := s.Get(t, "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate", "web-analysistemplate")
				if got := tmpl.String(t, "spec.metrics[0].provider.prometheus.address"); got != "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090" {
					t.Errorf("web's analysis queries %q, want the stack's Prometheus", got)
				}
				if ns := s.Get(t, "kubernetes:core/v1:Namespace", "rollouts-namespace"); ns.String(t, "metadata.name") != "argo-rollouts" {
					t.Errorf("the controller runs in %q", ns.String(t, "metadata.name"))
				}
				// Only signed images run: Kyverno from its chart, pinned,
				// in a restricted namespace, three admission controllers,
				// and the policy in Enforce after it; the apps wait for it.
				want["kubernetes:helm.sh/v4:Chart"]++
				want[imagepolicy.TypeToken], want["kubernetes:kyverno.io/v1:ClusterPolicy"] = 1, 1
				s.Get(t, "kubernetes:helm.sh/v4:Chart", "signed-images-kyverno").Expect(t, map[string]any{
					"chart": "kyverno", "version": imagepolicy.DefaultChartVersion, "namespace": "kyverno",
					"values.admissionController.replicas": 3.0,
				})
				s.Get(t, "kubernetes:core/v1:Namespace", "signed-images-namespace").Expect(t, map[string]any{
					`metadata.labels["pod-security.kubernetes.io/enforce"]`: "restricted",
				})
				pol := s.Get(t, "kubernetes:kyverno.io/v1:ClusterPolicy", "signed-images-policy")
				pol.Expect(t, map[string]any{
					"spec.rules[0].verifyImages[0].failureAction":                          "Enforce",
					"spec.webhookConfiguration.failurePolicy":                              "Fail",
					"spec.rules[0].verifyImages[0].imageReferences[0]":                     "registry.example.com/plinth/*",
					"spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.issuer": "https://token.actions.githubusercontent.com",
				})
				for _, r := range s.Resources {
					if r.Type == "plinth:kubernetes:App" && !slices.Contains(r.Dependencies, pol.URN) {
						t.Errorf("app %s does not wait for the image policy", r.Name)
					}
				}
			}
			if strings.HasPrefix(stack, "gcp") {
				want["plinth:gcp:Network"], want["plinth:gcp:GkeCluster"] = 1, 1
				want["gcp:serviceaccount/iAMMember:IAMMember"] = 1 // Workload Identity for web
				sa := s.Get(t, "kubernetes:core/v1:ServiceAccount", "web-serviceaccount")
				if gsa := sa.String(t, `metadata.annotations["iam.gke.io/gcp-service-account"]`); !strings.Contains(gsa, "@acme-platform.iam.gserviceaccount.com") {
					t.Errorf("web's service account acts as %q, want its Workload Identity account", gsa)
				}
			} else {
				want["plinth:aws:Network"], want["plinth:aws:EksCluster"], want["plinth:aws:EcsService"] = 1, 1, 1
				if _, ok := outs["albDnsName"]; !ok {
					t.Errorf("albDnsName output missing")
				}
			}
			s.RequireCounts(t, want)
			for _, r := range s.Resources {
				if strings.HasPrefix(r.Type, "kubernetes:") && !strings.Contains(r.Provider, "pulumi:providers:kubernetes::main-k8s::") {
					t.Errorf("%s %q does not use the cluster's provider (%q)", r.Type, r.Name, r.Provider)
				}
			}
		})
	}
}

// TestDevAndProdDifferWhereTheirConfigSays compares the two AWS stacks:
// the differences are the tier's (zones, NAT, sizes, retention,
// protection) and what Pulumi.prod.yaml sets (a spot node group, a public
// ALB, a blue-green app, its own VPC block).
func TestDevAndProdDifferWhereTheirConfigSays(t *testing.T) {
	dev, _ := runStack(t, "dev")
	prod, _ := runStack(t, "prod")
	count := func(s *plinthtest.Stack, typ string) int { return len(s.ByType(typ)) }
	for _, c := range []struct {
		what      string
		typ       string
		dev, prod int
	}{
		{"NAT gateways (single vs per zone)", "aws:ec2/natGateway:NatGateway", 1, 3},
		{"subnets (2 vs 3 zones)", "aws:ec2/subnet:Subnet", 4, 6},
		{"node groups (general vs general + batch)", "aws:eks/nodeGroup:NodeGroup", 1, 2},
		{"Deployments (checkout is blue-green in prod)", "kubernetes:apps/v1:Deployment", 2, 3},
	} {
		if d, p := count(dev, c.typ), count(prod, c.typ); d != c.dev || p != c.prod {
			t.Errorf("%s: dev %d, prod %d; want %d and %d", c.what, d, p, c.dev, c.prod)
		}
	}
	cl := func(s *plinthtest.Stack) plinthtest.Resource { return s.One(t, "aws:eks/cluster:Cluster") }
	if cl(dev).Protect || !cl(prod).Protect {
		t.Errorf("cluster protection: dev %v, prod %v", cl(dev).Protect, cl(prod).Protect)
	}
	if !cl(dev).Bool(t, "vpcConfig.endpointPublicAccess") || cl(prod).Bool(t, "vpcConfig.endpointPublicAccess") {
		t.Errorf("dev lists public CIDRs and prod does not: public endpoint dev %v, prod %v",
			cl(dev).Value(t, "vpcConfig.endpointPublicAccess"), cl(prod).Value(t, "vpcConfig.endpointPublicAccess"))
	}
	vpc := func(s *plinthtest.Stack) string { return s.One(t, "aws:ec2/vpc:Vpc").String(t, "cidrBlock") }
	if vpc(dev) != "10.0.0.0/16" || vpc(prod) != "10.64.0.0/16" {
		t.Errorf("VPC blocks dev %s, prod %s", vpc(dev), vpc(prod))
	}
	hpa := func(s *plinthtest.Stack) float64 {
		return s.Get(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa").Number(t, "spec.minReplicas")
	}
	if hpa(dev) != 2 || hpa(prod) != 3 {
		t.Errorf("web HPA min: dev %v, prod %v; want 2 and 3", hpa(dev), hpa(prod))
	}
	alb := func(s *plinthtest.Stack) bool {
		return s.One(t, "aws:lb/loadBalancer:LoadBalancer").Bool(t, "internal")
	}
	if !alb(dev) || alb(prod) {
		t.Errorf("ALB internal: dev %v, prod %v", alb(dev), alb(prod))
	}
	ret := func(s *plinthtest.Stack) float64 {
		return s.Get(t, "aws:cloudwatch/logGroup:LogGroup", "main-control-plane-logs").Number(t, "retentionInDays")
	}
	if ret(dev) != 30 || ret(prod) != 365 {
		t.Errorf("control-plane log retention dev %v, prod %v", ret(dev), ret(prod))
	}
	spot := prod.Get(t, "aws:eks/nodeGroup:NodeGroup", "main-batch")
	if spot.String(t, "capacityType") != "SPOT" || spot.String(t, "taints[0].effect") != "NO_SCHEDULE" {
		t.Errorf("batch group = %s", spot.JSON())
	}
	// cloudIdentity: an IAM role through EKS Pod Identity (the default).
	sa := prod.Get(t, "kubernetes:core/v1:ServiceAccount", "web-serviceaccount")
	if !strings.HasSuffix(sa.String(t, `metadata.annotations["plinth.dev/aws-pod-identity-role"]`), ":role/plinth-prod-pod-web") || sa.Has(`metadata.annotations["eks.amazonaws.com/role-arn"]`) {
		t.Errorf("web's service account has no Pod Identity role: %s", sa.JSON())
	}
	assoc := prod.Get(t, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "main-pod-identity-web")
	assoc.Expect(t, map[string]any{"namespace": "web", "serviceAccount": "web"})
	// EKS gives a pod credentials only if the association exists when the
	// pod is created: the service account, and so the pods, wait for it.
	if !slices.Contains(sa.Dependencies, assoc.URN) {
		t.Errorf("web's service account does not wait for its Pod Identity association: %v", sa.Dependencies)
	}
	if got := prod.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment").String(t, `spec.template.metadata.annotations["plinth.dev/cloud-identity"]`); got != "pod-identity" {
		t.Errorf("web's pods name identity %q", got)
	}
}

// TestEveryStackPassesTheGuardrails runs the guardrails on every stack
// file: no mandatory finding, advisories printed.
func TestEveryStackPassesTheGuardrails(t *testing.T) {
	for _, stack := range []string{"local", "dev", "staging", "prod", "gcp-prod"} {
		t.Run(stack, func(t *testing.T) { requireGatePasses(t, stack, nil) })
	}
}

// TestTheDocumentedAlternativesPassTheGuardrails turns on the
// alternatives the stack files show in comments: EKS Auto Mode for prod
// and GKE Autopilot for gcp-prod.
func TestTheDocumentedAlternativesPassTheGuardrails(t *testing.T) {
	t.Run("prod with EKS Auto Mode", func(t *testing.T) {
		requireGatePasses(t, "prod", func(values map[string]string) {
			values["plinth:cluster"] = `{"privateAccessCidrs":["10.100.0.0/24"],"adminRoleArns":["arn:aws:iam::123456789012:role/platform-admin"],"autoMode":{"enabled":true}}`
		})
	})
	t.Run("gcp-prod with Autopilot", func(t *testing.T) {
		requireGatePasses(t, "gcp-prod", func(values map[string]string) {
			values["plinth:cluster"] = `{"authorizedNetworks":["203.0.113.0/24"],"autopilot":true}`
		})
	})
}

// stackEnv parses a stack's file, after edit, with its secrets as
// stand-in values.
func stackEnv(t *testing.T, stack string, edit func(values map[string]string)) *config.Environment {
	t.Helper()
	values, secrets, err := StackFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(values)
	}
	all := map[string]string{}
	maps.Copy(all, values)
	maps.Copy(all, secrets)
	env, err := config.Parse(all, stack)
	if err != nil {
		t.Fatal(err)
	}
	env.Secrets = map[string]pulumi.StringOutput{}
	for k, v := range secrets {
		env.Secrets[strings.TrimPrefix(k, "plinth:")] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
	}
	return env
}

// requireGatePasses runs the guardrails and deployability rules on a
// stack's file, after edit, and fails on a blocking finding.
func requireGatePasses(t *testing.T, stack string, edit func(values map[string]string)) {
	t.Helper()
	rep, err := Gate(stackEnv(t, stack, edit), "plinth", stack)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	if rep.Checked < 50 {
		t.Fatalf("only %d checks ran", rep.Checked)
	}
	t.Logf("stack %s: %d checks, %d advisory findings:\n%s", stack, rep.Checked, len(rep.Advisories()), rep.Table())
}
