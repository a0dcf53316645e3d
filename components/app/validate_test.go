package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

func intp(v int) *int { return &v }

// progressive is a Progressive strategy with pr.
func progressive(pr *app.ProgressiveArgs) *app.StrategyArgs {
	return &app.StrategyArgs{Type: app.StrategyProgressive, Progressive: pr}
}

func TestBadInputIsRejectedBeforeAnythingRegisters(t *testing.T) {
	ok := func(mod func(a *app.Args)) app.Args {
		// Every nested argument is there to be modified.
		a := app.Args{Image: pulumi.String(image), Autoscaling: &app.AutoscalingArgs{}, Resources: &app.ResourcesArgs{},
			Probes:   &app.ProbesArgs{Readiness: &app.ProbeArgs{}, Liveness: &app.ProbeArgs{}, Startup: &app.ProbeArgs{}},
			Security: &app.SecurityArgs{}, ServiceAccount: &app.ServiceAccountArgs{}, Metrics: &app.MetricsArgs{},
			NetworkPolicy: &app.NetworkPolicyArgs{}, PDB: &app.PDBArgs{}, Strategy: &app.StrategyArgs{}}
		mod(&a)
		return a
	}
	tests := []struct {
		name     string
		appName  string
		args     app.Args
		wantPath string
		wantText string
	}{
		{"a missing image", "web", app.Args{}, "image", "is not set: pass the image to run"},
		{"an invalid image reference", "web", app.Args{Image: pulumi.String("ghcr.io/Acme/Web:1")}, "image", "is not a valid image reference"},
		{"the latest tag", "web", app.Args{Image: pulumi.String("nginx:latest")}, "image", `uses the mutable tag "latest"`},
		{"an image without a tag", "web", app.Args{Image: pulumi.String("nginx")}, "image", "has no tag or digest: pin a tag or a digest"},
		{"a name that is not DNS-1123", "Web_App", app.Args{Image: pulumi.String(image)}, "name", `"Web_App" is not a valid name`},
		{"a name too long for derived names", strings.Repeat("a", 60), app.Args{Image: pulumi.String(image)}, "name", "use at most 55"},
		{"min replicas above max", "web", ok(func(a *app.Args) { a.Autoscaling.MinReplicas, a.Autoscaling.MaxReplicas = new(5), new(3) }),
			"autoscaling.minReplicas", "(5) is greater than maxReplicas (3): make minReplicas ≤ maxReplicas"},
		{"a CPU target above 100", "web", ok(func(a *app.Args) { a.Autoscaling.TargetCPUPercent = new(150) }), "autoscaling.targetCpuPercent", "(150) is outside 1–100"},
		{"a negative CPU target", "web", ok(func(a *app.Args) { a.Autoscaling.TargetCPUPercent = new(-5) }), "autoscaling.targetCpuPercent", "(-5) is outside 1–100"},
		{"a port above 65535", "web", ok(func(a *app.Args) { a.Port = new(70000) }), "port", "(70000) is not a valid port"},
		{"a negative port", "web", ok(func(a *app.Args) { a.Port = new(-1) }), "port", "(-1) is not a valid port"},
		{"metrics on the app port", "web", ok(func(a *app.Args) { a.Metrics.Port = intp(8080) }), "metrics.port", "(8080) is the application port"},
		{"a probe path without a leading slash", "web", ok(func(a *app.Args) { a.Probes.Readiness.Path = "ready" }), "probes.readiness.path", `"ready" is not an absolute path`},
		{"liveness identical to readiness", "web", ok(func(a *app.Args) { a.Probes.Liveness.Path = "/ready" }), "probes.liveness.path", "is also the readiness path"},
		{"a negative probe period", "web", ok(func(a *app.Args) { a.Probes.Liveness.PeriodSeconds = new(-1) }), "probes.liveness.periodSeconds", "(-1) is below 1"},
		{"a negative initial delay", "web", ok(func(a *app.Args) { a.Probes.Startup.InitialDelaySeconds = -3 }), "probes.startup.initialDelaySeconds", "(-3) is negative"},
		{"a negative grace period", "web", ok(func(a *app.Args) { a.TerminationGracePeriodSeconds = new(-1) }), "terminationGracePeriodSeconds", "(-1) is negative"},
		{"a preStop delay longer than the grace period", "web", ok(func(a *app.Args) { a.PreStopSleepSeconds = intp(40) }), "preStopSleepSeconds", "(40) is not below terminationGracePeriodSeconds (30)"},
		{"a memory limit below the request", "web", ok(func(a *app.Args) { a.Resources.MemoryRequest, a.Resources.MemoryLimit = "1Gi", "512Mi" }),
			"resources.memoryLimit", "(512Mi) is below memoryRequest (1Gi)"},
		{"a malformed CPU request", "web", ok(func(a *app.Args) { a.Resources.CPURequest = "two cores" }), "resources.cpuRequest", "is not a Kubernetes quantity"},
		{"a zero memory request", "web", ok(func(a *app.Args) { a.Resources.MemoryRequest = "0" }), "resources.memoryRequest", "is zero"},
		{"a PDB that blocks every eviction", "web", ok(func(a *app.Args) { a.Tier = "prod"; a.PDB.MinAvailable = new(3) }),
			"pdb.minAvailable", "(3) is not below the minimum replica count (3): it would block every eviction"},
		{"a PDB with both fields", "web", ok(func(a *app.Args) { a.PDB = &app.PDBArgs{MinAvailable: new(1), MaxUnavailable: new(1)} }), "pdb", "sets both minAvailable and maxUnavailable"},
		{"progressive settings with another strategy", "web", ok(func(a *app.Args) { a.Strategy.Progressive = &app.ProgressiveArgs{} }),
			"strategy.progressive", "is set with type Rolling: set type Progressive, or remove it"},
		{"a progressive canary with a canary image", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyProgressive, CanaryImage: pulumi.String(nextImage)}
		}), "strategy", "sets greenImage or canaryImage with type Progressive: the Rollout deploys Image"},
		{"an unknown progressive mode", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{Mode: "Linear"}) }),
			"strategy.progressive.mode", `"Linear"`},
		{"a canary step of 100%", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{Steps: []int{10, 100}}) }),
			"strategy.progressive.steps[1]", "(100) is outside 1–99"},
		{"canary steps that do not rise", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{Steps: []int{25, 10}}) }),
			"strategy.progressive.steps[1]", "10 does not rise above the step before (25)"},
		{"no canary steps", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{Steps: []int{}}) }),
			"strategy.progressive.steps", "is empty: list the canary's traffic weights"},
		{"steps with blue-green", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Mode: app.ModeBlueGreen, Steps: []int{10}})
		}), "strategy.progressive.steps", "is set with mode BlueGreen, which has no steps"},
		{"a negative step pause", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{StepPauseSeconds: new(-1)}) }),
			"strategy.progressive.stepPauseSeconds", "is -1: hold each step between 0 and 900 seconds"},
		// A background analysis that cannot measure before promotion: a
		// canary turning bad at 25% was promoted unmeasured.
		{"a step pause shorter than the analysis interval", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{StepPauseSeconds: new(2), Analysis: &app.AnalysisArgs{Interval: "5s"}})
		}), "strategy.progressive.stepPauseSeconds", "shorter than the analysis interval (5s)"},
		{"no pause with steps", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{StepPauseSeconds: new(0)}) }),
			"strategy.progressive.stepPauseSeconds", "hold each step at least 60 seconds"},
		{"a pause of an hour", "web", ok(func(a *app.Args) { a.Strategy = progressive(&app.ProgressiveArgs{StepPauseSeconds: new(3600)}) }),
			"strategy.progressive.stepPauseSeconds", "between 0 and 900 seconds"},
		{"no request needed", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{MinRequests: new(0)}})
		}), "strategy.progressive.analysis.minRequests", "at least one request"},
		{"an analysis interval that is not a duration", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{Interval: "every minute"}})
		}), "strategy.progressive.analysis.interval", `"every minute" is not a positive duration`},
		{"an analysis window that is not a Prometheus duration", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{Window: "2 minutes"}})
		}), "strategy.progressive.analysis.window", `"2 minutes" is not a positive Prometheus duration`},
		{"no analysis measurement", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{Count: new(0)}})
		}), "strategy.progressive.analysis.count", "is 0: measure at least once"},
		{"a Prometheus address without a scheme", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{PrometheusAddress: "prometheus:9090"}})
		}), "strategy.progressive.analysis.prometheusAddress", "prometheus:9090"},
		{"a metric name with a dash", "web", ok(func(a *app.Args) {
			a.Strategy = progressive(&app.ProgressiveArgs{Analysis: &app.AnalysisArgs{RequestsMetric: "http-requests"}})
		}), "strategy.progressive.analysis.requestsMetric", `"http-requests" is not a Prometheus metric name`},
		{"a progressive app without metrics", "web", ok(func(a *app.Args) { a.Strategy = progressive(nil); a.Metrics.Port = intp(0) }),
			"metrics", "the Progressive strategy measures the new version's requests"},
		{"a progressive app without a ServiceMonitor", "web", ok(func(a *app.Args) { a.Strategy = progressive(nil); a.Metrics.DisableServiceMonitor = true }),
			"metrics", "turn metrics and the ServiceMonitor on"},
		{"blue-green without a second image", "web", ok(func(a *app.Args) { a.Strategy.Type = app.StrategyBlueGreen }), "strategy.greenImage", "is empty: blue-green needs the green color's image"},
		{"an unknown active color", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyBlueGreen, GreenImage: pulumi.String(nextImage), ActiveColor: "red"}
		}),
			"strategy.activeColor", `"red" is not one of "blue", "green"`},
		{"a canary without an image", "web", ok(func(a *app.Args) { a.Strategy.Type = app.StrategyCanary }), "strategy.canaryImage", "is empty: a canary needs the image"},
		{"a canary share of 100 %", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(100)}
		}),
			"strategy.canaryPercent", "(100) is outside 1–99"},
		{"an unknown strategy", "web", ok(func(a *app.Args) { a.Strategy.Type = "Recreate" }), "strategy.type", `"Recreate" is not one of "Rolling", "BlueGreen", "Canary"`},
		{"an unknown tier", "web", ok(func(a *app.Args) { a.Tier = "production" }), "tier", `"production" is not a tier`},
		{"a system namespace", "web", ok(func(a *app.Args) { a.Namespace = pulumi.String("kube-system") }), "namespace", "is a system namespace"},
		{"an invalid environment variable", "web", ok(func(a *app.Args) { a.Env = map[string]string{"1BAD": "x"} }), "env.1BAD", "is not a valid environment variable name"},
		{"a variable set twice", "web", ok(func(a *app.Args) {
			a.Env = map[string]string{"TOKEN": "x"}
			a.SecretEnv = []app.SecretKeyRef{{Name: "TOKEN", Secret: "s", Key: "k"}}
		}), "secretEnv[0].name", `"TOKEN" is set twice`},
		{"a secret ref without a key", "web", ok(func(a *app.Args) { a.SecretEnv = []app.SecretKeyRef{{Name: "TOKEN", Secret: "s"}} }), "secretEnv[0].key", "is empty"},
		{"an external secret without a store", "web", ok(func(a *app.Args) {
			a.ExternalSecrets = &app.ExternalSecretArgs{Data: []app.ExternalSecretData{{Name: "A", RemoteKey: "k"}}}
		}), "externalSecrets.store", "is empty"},
		{"root", "web", ok(func(a *app.Args) { a.Security.RunAsUser = new(-1) }), "security.runAsUser", "is root or invalid"},
		{"a malformed IRSA role", "web", ok(func(a *app.Args) { a.ServiceAccount.AWSRoleARN = pulumi.String("arn:aws:iam::123:user/x") }), "serviceAccount.awsRoleArn", "is not an IAM role ARN"},
		{"both cloud identities", "web", ok(func(a *app.Args) {
			a.ServiceAccount.AWSRoleARN = pulumi.String("arn:aws:iam::123456789012:role/web")
			a.ServiceAccount.GCPServiceAccount = pulumi.String("web-sa@acme-platform.iam.gserviceaccount.com")
		}), "serviceAccount", "sets awsRoleArn and gcpServiceAccount: give the pods one cloud identity"},
		{"Pod Identity and IRSA", "web", ok(func(a *app.Args) {
			a.ServiceAccount.PodIdentityRoleARN = pulumi.String("arn:aws:iam::123456789012:role/web")
			a.ServiceAccount.AWSRoleARN = pulumi.String("arn:aws:iam::123456789012:role/web")
		}), "serviceAccount", "sets podIdentityRoleArn and awsRoleArn"},
		{"a Pod Identity role that is a user", "web", ok(func(a *app.Args) {
			a.ServiceAccount.PodIdentityRoleARN = pulumi.String("arn:aws:iam::123456789012:user/web")
		}),
			"serviceAccount.podIdentityRoleArn", "is not an IAM role ARN"},
		{"an ingress without a host", "web", ok(func(a *app.Args) { a.Ingress = &app.IngressArgs{} }), "ingress.host", "is empty"},
		{"an ingress without its controller's namespace", "web", ok(func(a *app.Args) { a.Ingress = &app.IngressArgs{Host: pulumi.String("web.example.com")} }),
			"networkPolicy.ingressNamespace", "is empty with an Ingress"},
		{"a route without a gateway", "web", ok(func(a *app.Args) { a.Route = &app.RouteArgs{GatewayNamespace: pulumi.String("gateway")} }), "route.gateway", "is not a Gateway name"},
		{"a route without the gateway's namespace", "web", ok(func(a *app.Args) { a.Route = &app.RouteArgs{Gateway: "shared"} }), "route.gatewayNamespace", "is empty"},
		{"a route hostname with a scheme", "web", ok(func(a *app.Args) {
			a.Route = &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("https://web.example.com")}}
		}), "route.hostnames[0]", "is not a hostname"},
		{"an ingress host with a scheme", "web", ok(func(a *app.Args) { a.Ingress = &app.IngressArgs{Host: pulumi.String("https://web.example.com")} }), "ingress.host", "is not a DNS name"},
		{"an invalid egress CIDR", "web", ok(func(a *app.Args) { a.NetworkPolicy.Egress = []app.EgressRule{{CIDR: "10.0.0.0/40"}} }), "networkPolicy.egress[0].cidr", "is not a CIDR block"},
		{"a negative replica count", "web", ok(func(a *app.Args) { a.Autoscaling.Disabled = true; a.Replicas = intp(-1) }), "replicas", "(-1) is negative"},
		{"a scale-down window over an hour", "web", ok(func(a *app.Args) { a.Autoscaling.ScaleDownStabilizationSeconds = intp(7200) }),
			"autoscaling.scaleDownStabilizationSeconds", "(7200) is outside 0–3600"},
		{"open egress with a list of destinations", "web", ok(func(a *app.Args) {
			a.NetworkPolicy.AllowAllEgress, a.NetworkPolicy.AllowToNamespaces = true, []string{"payments"}
		}), "networkPolicy.allowAllEgress", "is true with egress destinations listed"},
		{"an egress namespace that is not one", "web", ok(func(a *app.Args) { a.NetworkPolicy.AllowToNamespaces = []string{"Pay Ments"} }),
			"networkPolicy.allowToNamespaces[0]", "is not a valid name"},
		// Credentials in plain variables, by name and by value.
		{"a password in a plain variable", "web", ok(func(a *app.Args) { a.Env = map[string]string{"DB_PASSWORD": "hunter2"} }),
			"env.DB_PASSWORD", "holds a credential in the clear (its name says it holds a credential (password)): pass it in secretValues"},
		{"a vendor key", "web", ok(func(a *app.Args) { a.Env = map[string]string{"STRIPE_KEY": "x"} }), "env.STRIPE_KEY", "its name says it holds a key"},
		{"a camel-case token", "web", ok(func(a *app.Args) { a.Env = map[string]string{"githubToken": "x"} }), "env.githubToken", "(token)"},
		{"a connection URL with a password", "web", ok(func(a *app.Args) { a.Env = map[string]string{"DATABASE_URL": "postgres://app:s3cret@db:5432/app"} }),
			"env.DATABASE_URL", "it is a URL with a password in it"},
		{"a Stripe key under an innocent name", "web", ok(func(a *app.Args) { a.Env = map[string]string{"PAYMENTS": "sk_live_" + strings.Repeat("a", 24)} }),
			"env.PAYMENTS", "its value is a Stripe secret key"},
		{"a private key in a variable", "web", ok(func(a *app.Args) { a.Env = map[string]string{"TLS": "-----BEGIN EC PRIVATE KEY-----\nMHc"} }),
			"env.TLS", "its value is a PEM private key"},
		{"an allowance without a reason", "web", ok(func(a *app.Args) {
			a.Env, a.AllowPlaintextEnv = map[string]string{"CACHE_TOKEN": "v1"}, map[string]string{"CACHE_TOKEN": ""}
		}), "allowPlaintextEnv.CACHE_TOKEN", "is empty: say why the value is not a secret"},
		{"an allowance for no variable", "web", ok(func(a *app.Args) { a.AllowPlaintextEnv = map[string]string{"GONE": "removed"} }),
			"allowPlaintextEnv.GONE", "names no variable of env"},
		// An explicit zero is not "unset": where it is invalid it is refused,
		// never replaced by the default.
		{"a canary share of 0 %", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(0)}
		}), "strategy.canaryPercent", "(0) is outside 1–99"},
		{"a CPU target of 0", "web", ok(func(a *app.Args) { a.Autoscaling.TargetCPUPercent = new(0) }), "autoscaling.targetCpuPercent", "(0) is outside 1–100"},
		{"port 0", "web", ok(func(a *app.Args) { a.Port = new(0) }), "port", "(0) is not a valid port"},
		{"a minimum of 0 replicas", "web", ok(func(a *app.Args) { a.Autoscaling.MinReplicas = new(0) }), "autoscaling.minReplicas", "(0) is below 1"},
		{"a maximum of 0 replicas", "web", ok(func(a *app.Args) { a.Autoscaling.MaxReplicas = new(0) }), "autoscaling.minReplicas", "(2) is greater than maxReplicas (0)"},
		{"a probe every 0 seconds", "web", ok(func(a *app.Args) { a.Probes.Readiness.PeriodSeconds = new(0) }), "probes.readiness.periodSeconds", "(0) is below 1"},
		{"a probe timeout of 0", "web", ok(func(a *app.Args) { a.Probes.Liveness.TimeoutSeconds = new(0) }), "probes.liveness.timeoutSeconds", "(0) is below 1"},
		{"a failure threshold of 0", "web", ok(func(a *app.Args) { a.Probes.Startup.FailureThreshold = new(0) }), "probes.startup.failureThreshold", "(0) is below 1"},
		{"a probe on port 0", "web", ok(func(a *app.Args) { a.Probes.Startup.Port = new(0) }), "probes.startup.port", "(0) is not a valid port"},
		{"a progress deadline of 0", "web", ok(func(a *app.Args) { a.ProgressDeadlineSeconds = new(0) }), "progressDeadlineSeconds", "(0) is below 1"},
		{"running as UID 0", "web", ok(func(a *app.Args) { a.Security.RunAsUser = new(0) }), "security.runAsUser", "(0) is root or invalid"},
		{"GID 0", "web", ok(func(a *app.Args) { a.Security.RunAsGroup = new(0) }), "security.runAsGroup", "(0) is root or invalid"},
		{"fsGroup 0", "web", ok(func(a *app.Args) { a.Security.FSGroup = new(0) }), "security.fsGroup", "(0) is root or invalid"},
		{"a PDB with maxUnavailable 0", "web", ok(func(a *app.Args) { a.PDB.MaxUnavailable = new(0) }), "pdb.maxUnavailable", "(0) is below 1: it would block every eviction"},
		{"a negative minAvailable", "web", ok(func(a *app.Args) { a.PDB.MinAvailable = new(-1) }), "pdb.minAvailable", "(-1) is negative"},
		{"a grace period of 0 with a preStop delay", "web", ok(func(a *app.Args) { a.TerminationGracePeriodSeconds, a.PreStopSleepSeconds = new(0), new(5) }),
			"preStopSleepSeconds", "(5) is not below terminationGracePeriodSeconds (0)"},
	}
	if len(tests) < 20 {
		t.Fatalf("only %d bad inputs", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := app.New(ctx, tt.appName, tt.args)
				return err
			})
			if err == nil {
				t.Fatalf("app.New accepted it")
			}
			if len(s.Resources) != 0 {
				t.Fatalf("registered %d resources before failing:\n%s", len(s.Resources), s.Inventory())
			}
			plinthtest.RequireProblem(t, tt.args.Validate(tt.appName), `app "`+tt.appName+`": `, tt.wantPath, tt.wantText)
		})
	}
}

// TestValidEdgeCasesAreAccepted are values at the edges of what the rules
// allow: validation is proven not to refuse everything.
func TestValidEdgeCasesAreAccepted(t *testing.T) {
	for _, tt := range []struct {
		name    string
		appName string
		args    app.Args
	}{
		{"a name of 55 characters", strings.Repeat("a", 55), app.Args{Image: pulumi.String(image)}},
		{"port 1 and 65535", "web", app.Args{Image: pulumi.String(image), Port: new(1), Metrics: &app.MetricsArgs{Port: new(65535)}}},
		{"a CPU target of 1 and of 100", "web", app.Args{Image: pulumi.String(image), Autoscaling: &app.AutoscalingArgs{TargetCPUPercent: new(100), TargetMemoryPercent: 1}}},
		{"one replica, fixed", "web", app.Args{Image: pulumi.String(image), Replicas: new(1), Autoscaling: &app.AutoscalingArgs{Disabled: true}}},
		{"a canary of 1 %", "web", app.Args{Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(1)}}},
		{"a canary of 99 %", "web", app.Args{Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(99)}}},
		{"no preStop delay", "web", app.Args{Image: pulumi.String(image), PreStopSleepSeconds: new(0)}},
		{"a preStop delay one second under the grace period", "web", app.Args{Image: pulumi.String(image), PreStopSleepSeconds: new(29)}},
		{"a PDB of maxUnavailable 1 on one replica", "web", app.Args{Image: pulumi.String(image), PDB: &app.PDBArgs{MaxUnavailable: new(1)}}},
		{"names that only look secret", "web", app.Args{Image: pulumi.String(image), Env: map[string]string{"AUTHOR": "x", "TOKEN_URL": "https://idp.example.com/token", "PUBLIC_KEY": "ssh-ed25519 AAAA"}}},
		{"a URL whose password comes from another variable", "web", app.Args{Image: pulumi.String(image), Env: map[string]string{"DATABASE_URL": "postgres://app:$(DB_PASSWORD)@db/app"}}},
		{"a digest-pinned image", "web", app.Args{Image: pulumi.String("ghcr.io/acme/web@sha256:" + strings.Repeat("c", 64))}},
		{"a registry on localhost with a port", "web", app.Args{Image: pulumi.String("localhost:5000/web:1.0")}},
		{"a route for every subdomain", "web", app.Args{Image: pulumi.String(image), Route: &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("*.example.com")}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.args.Validate(tt.appName); err != nil {
				t.Fatalf("refused: %v", err)
			}
			s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
				_, err := app.New(ctx, tt.appName, tt.args)
				return err
			})
			if len(s.ByType("kubernetes:apps/v1:Deployment")) == 0 {
				t.Fatalf("no Deployment registered:\n%s", s.Inventory())
			}
		})
	}
}

// TestPullPolicyFollowsPinning: a tag is pulled again on every start (it
// can be pushed again), a digest never needs to be.
func TestPullPolicyFollowsPinning(t *testing.T) {
	for ref, want := range map[string]string{
		image: "Always",
		"ghcr.io/acme/web@sha256:" + strings.Repeat("c", 64): "IfNotPresent",
	} {
		s, _ := deploy(t, app.Args{Image: pulumi.String(ref)})
		if got := s.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment").String(t, "spec.template.spec.containers[0].imagePullPolicy"); got != want {
			t.Errorf("%s: imagePullPolicy %q, want %q", ref, got, want)
		}
	}
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), ImagePullPolicy: "IfNotPresent"})
	if got := s.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment").String(t, "spec.template.spec.containers[0].imagePullPolicy"); got != "IfNotPresent" {
		t.Errorf("an explicit policy was replaced: %q", got)
	}
}

// TestValidZerosAreHonoured: where 0 is a valid value it is used, not
// replaced by the default.
func TestValidZerosAreHonoured(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), TerminationGracePeriodSeconds: new(0), PDB: &app.PDBArgs{MinAvailable: new(0)},
		Autoscaling: &app.AutoscalingArgs{ScaleDownStabilizationSeconds: new(0)}})
	d := s.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment")
	if got := d.Number(t, "spec.template.spec.terminationGracePeriodSeconds"); got != 0 {
		t.Fatalf("terminationGracePeriodSeconds = %v, want 0", got)
	}
	// The preStop delay defaults off when the grace period leaves no time for it.
	if d.Has("spec.template.spec.containers[0].lifecycle.preStop") {
		t.Fatalf("a preStop hook with a grace period of 0: %v", d.Value(t, "spec.template.spec.containers[0].lifecycle"))
	}
	pdb := s.Get(t, "kubernetes:policy/v1:PodDisruptionBudget", "web-pdb")
	if !pdb.Has("spec.minAvailable") || pdb.Number(t, "spec.minAvailable") != 0 || pdb.Has("spec.maxUnavailable") {
		t.Fatalf("PDB spec = %v, want minAvailable 0 only", pdb.Value(t, "spec"))
	}
	hpa := s.Get(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa")
	if got := hpa.Number(t, "spec.behavior.scaleDown.stabilizationWindowSeconds"); got != 0 {
		t.Fatalf("scale-down window = %v, want 0", got)
	}
}

// TestAnAllowedPlaintextVariableIsKept: an allowance with a reason lets a
// variable that looks like a credential through, as a plain variable.
func TestAnAllowedPlaintextVariableIsKept(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Env: map[string]string{"SESSION_TOKEN_PREFIX": "web", "CACHE_TOKEN": "v1"},
		AllowPlaintextEnv: map[string]string{"CACHE_TOKEN": "a cache-busting version, not a credential"}})
	d := s.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment")
	if got := fmt.Sprint(d.Value(t, "spec.template.spec.containers[0].env")); !strings.Contains(got, "CACHE_TOKEN") || !strings.Contains(got, "SESSION_TOKEN_PREFIX") {
		t.Fatalf("env = %s, want CACHE_TOKEN and SESSION_TOKEN_PREFIX", got)
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	err := app.Args{Image: pulumi.String("nginx"), Port: new(70000), Autoscaling: &app.AutoscalingArgs{MinReplicas: new(4), MaxReplicas: new(2)}}.Validate("web")
	got := problem.Paths(err)
	for _, want := range []string{"image", "port", "autoscaling.minReplicas"} {
		if !slices.Contains(got, want) {
			t.Fatalf("paths = %v, want image, port and autoscaling.minReplicas", got)
		}
	}
}
