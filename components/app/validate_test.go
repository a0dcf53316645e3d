package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

func intp(v int) *int { return &v }

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
		{"min replicas above max", "web", ok(func(a *app.Args) { a.Autoscaling.MinReplicas, a.Autoscaling.MaxReplicas = 5, 3 }),
			"autoscaling.minReplicas", "(5) is greater than maxReplicas (3): make minReplicas ≤ maxReplicas"},
		{"a CPU target above 100", "web", ok(func(a *app.Args) { a.Autoscaling.TargetCPUPercent = 150 }), "autoscaling.targetCpuPercent", "(150) is outside 1–100"},
		{"a negative CPU target", "web", ok(func(a *app.Args) { a.Autoscaling.TargetCPUPercent = -5 }), "autoscaling.targetCpuPercent", "(-5) is outside 1–100"},
		{"a port above 65535", "web", ok(func(a *app.Args) { a.Port = 70000 }), "port", "(70000) is not a valid port"},
		{"a negative port", "web", ok(func(a *app.Args) { a.Port = -1 }), "port", "(-1) is not a valid port"},
		{"metrics on the app port", "web", ok(func(a *app.Args) { a.Metrics.Port = intp(8080) }), "metrics.port", "(8080) is the application port"},
		{"a probe path without a leading slash", "web", ok(func(a *app.Args) { a.Probes.Readiness.Path = "ready" }), "probes.readiness.path", `"ready" is not an absolute path`},
		{"liveness identical to readiness", "web", ok(func(a *app.Args) { a.Probes.Liveness.Path = "/ready" }), "probes.liveness.path", "is also the readiness path"},
		{"a negative probe period", "web", ok(func(a *app.Args) { a.Probes.Liveness.PeriodSeconds = -1 }), "probes.liveness.periodSeconds", "(-1) is below 1"},
		{"a negative initial delay", "web", ok(func(a *app.Args) { a.Probes.Startup.InitialDelaySeconds = -3 }), "probes.startup.initialDelaySeconds", "(-3) is negative"},
		{"a negative grace period", "web", ok(func(a *app.Args) { a.TerminationGracePeriodSeconds = -1 }), "terminationGracePeriodSeconds", "(-1) is negative"},
		{"a preStop delay longer than the grace period", "web", ok(func(a *app.Args) { a.PreStopSleepSeconds = intp(40) }), "preStopSleepSeconds", "(40) is not below terminationGracePeriodSeconds (30)"},
		{"a memory limit below the request", "web", ok(func(a *app.Args) { a.Resources.MemoryRequest, a.Resources.MemoryLimit = "1Gi", "512Mi" }),
			"resources.memoryLimit", "(512Mi) is below memoryRequest (1Gi)"},
		{"a malformed CPU request", "web", ok(func(a *app.Args) { a.Resources.CPURequest = "two cores" }), "resources.cpuRequest", "is not a Kubernetes quantity"},
		{"a zero memory request", "web", ok(func(a *app.Args) { a.Resources.MemoryRequest = "0" }), "resources.memoryRequest", "is zero"},
		{"a PDB that blocks every eviction", "web", ok(func(a *app.Args) { a.Tier = "prod"; a.PDB.MinAvailable = 3 }),
			"pdb.minAvailable", "(3) is not below the minimum replica count (3): it would block every eviction"},
		{"a PDB with both fields", "web", ok(func(a *app.Args) { a.PDB = &app.PDBArgs{MinAvailable: 1, MaxUnavailable: 1} }), "pdb", "sets both minAvailable and maxUnavailable"},
		{"blue-green without a second image", "web", ok(func(a *app.Args) { a.Strategy.Type = app.StrategyBlueGreen }), "strategy.greenImage", "is empty: blue-green needs the green color's image"},
		{"an unknown active color", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyBlueGreen, GreenImage: pulumi.String(nextImage), ActiveColor: "red"}
		}),
			"strategy.activeColor", `"red" is not one of "blue", "green"`},
		{"a canary without an image", "web", ok(func(a *app.Args) { a.Strategy.Type = app.StrategyCanary }), "strategy.canaryImage", "is empty: a canary needs the image"},
		{"a canary share of 100 %", "web", ok(func(a *app.Args) {
			a.Strategy = &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: 100}
		}),
			"strategy.canaryPercent", "(100) is outside 1–99"},
		{"an unknown strategy", "web", ok(func(a *app.Args) { a.Strategy.Type = "Recreate" }), "strategy.type", `"Recreate" is not one of "Rolling", "BlueGreen", "Canary"`},
		{"an unknown tier", "web", ok(func(a *app.Args) { a.Tier = "production" }), "tier", `"production" is not a tier`},
		{"a system namespace", "web", ok(func(a *app.Args) { a.Namespace = "kube-system" }), "namespace", "is a system namespace"},
		{"an invalid environment variable", "web", ok(func(a *app.Args) { a.Env = map[string]string{"1BAD": "x"} }), "env.1BAD", "is not a valid environment variable name"},
		{"a variable set twice", "web", ok(func(a *app.Args) {
			a.Env = map[string]string{"TOKEN": "x"}
			a.SecretEnv = []app.SecretKeyRef{{Name: "TOKEN", Secret: "s", Key: "k"}}
		}), "secretEnv[0].name", `"TOKEN" is set twice`},
		{"a secret ref without a key", "web", ok(func(a *app.Args) { a.SecretEnv = []app.SecretKeyRef{{Name: "TOKEN", Secret: "s"}} }), "secretEnv[0].key", "is empty"},
		{"an external secret without a store", "web", ok(func(a *app.Args) {
			a.ExternalSecrets = &app.ExternalSecretArgs{Data: []app.ExternalSecretData{{Name: "A", RemoteKey: "k"}}}
		}), "externalSecrets.store", "is empty"},
		{"root", "web", ok(func(a *app.Args) { a.Security.RunAsUser = -1 }), "security.runAsUser", "is root or invalid"},
		{"a malformed IRSA role", "web", ok(func(a *app.Args) { a.ServiceAccount.AWSRoleARN = pulumi.String("arn:aws:iam::123:user/x") }), "serviceAccount.awsRoleArn", "is not an IAM role ARN"},
		{"both cloud identities", "web", ok(func(a *app.Args) {
			a.ServiceAccount.AWSRoleARN = pulumi.String("arn:aws:iam::123456789012:role/web")
			a.ServiceAccount.GCPServiceAccount = pulumi.String("web-sa@acme-platform.iam.gserviceaccount.com")
		}), "serviceAccount", "sets both awsRoleArn and gcpServiceAccount"},
		{"an ingress without a host", "web", ok(func(a *app.Args) { a.Ingress = &app.IngressArgs{} }), "ingress.host", "is empty"},
		{"an ingress host with a scheme", "web", ok(func(a *app.Args) { a.Ingress = &app.IngressArgs{Host: "https://web.example.com"} }), "ingress.host", "is not a DNS name"},
		{"an invalid egress CIDR", "web", ok(func(a *app.Args) { a.NetworkPolicy.Egress = []app.EgressRule{{CIDR: "10.0.0.0/40"}} }), "networkPolicy.egress[0].cidr", "is not a CIDR block"},
		{"a negative replica count", "web", ok(func(a *app.Args) { a.Autoscaling.Disabled = true; a.Replicas = intp(-1) }), "replicas", "(-1) is negative"},
		{"a scale-down window over an hour", "web", ok(func(a *app.Args) { a.Autoscaling.ScaleDownStabilizationSeconds = intp(7200) }),
			"autoscaling.scaleDownStabilizationSeconds", "(7200) is outside 0–3600"},
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

func TestValidationReportsEveryProblem(t *testing.T) {
	err := app.Args{Image: pulumi.String("nginx"), Port: 70000, Autoscaling: &app.AutoscalingArgs{MinReplicas: 4, MaxReplicas: 2}}.Validate("web")
	got := problem.Paths(err)
	for _, want := range []string{"image", "port", "autoscaling.minReplicas"} {
		if !slices.Contains(got, want) {
			t.Fatalf("paths = %v, want image, port and autoscaling.minReplicas", got)
		}
	}
}
