package app_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/podsecurity"
)

const (
	image      = "ghcr.io/acme/web:1.4.2"
	nextImage  = "ghcr.io/acme/web:1.5.0"
	deployment = "kubernetes:apps/v1:Deployment"
	service    = "kubernetes:core/v1:Service"
	hpaType    = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	pdbType    = "kubernetes:policy/v1:PodDisruptionBudget"
	npType     = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	smType     = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
	saType     = "kubernetes:core/v1:ServiceAccount"
	nsType     = "kubernetes:core/v1:Namespace"
	secretType = "kubernetes:core/v1:Secret"
	ingType    = "kubernetes:networking.k8s.io/v1:Ingress"
	routeType  = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
)

// deploy runs app.New("web", args) under mocks and returns what it
// registered and the component.
func deploy(t *testing.T, args app.Args, opts ...pulumi.ResourceOption) (*plinthtest.Stack, *app.App) {
	t.Helper()
	var web *app.App
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		web, err = app.New(ctx, "web", args, opts...)
		return err
	}, plinthtest.WithStack("prod"))
	return s, web
}

func TestProdRollingDefaults(t *testing.T) {
	s, web := deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod"})

	comp := s.One(t, app.TypeToken)
	for _, r := range s.Resources {
		if r.Type != app.TypeToken && r.Parent != comp.URN {
			t.Errorf("%s %q is parented to %q, want the component", r.Type, r.Name, r.Parent)
		}
	}
	wantCounts := map[string]int{
		app.TypeToken: 1, nsType: 1, saType: 1, deployment: 1, service: 1, hpaType: 1, pdbType: 1, npType: 1, smType: 1,
	}
	if got := s.Counts(); !reflect.DeepEqual(got, wantCounts) {
		t.Fatalf("inventory:\n%s want %v", s.Inventory(), wantCounts)
	}

	ns := s.Get(t, nsType, "web-namespace")
	for k, v := range map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"} {
		if got := ns.String(t, fmt.Sprintf("metadata.labels[%q]", k)); got != v {
			t.Errorf("namespace label %s = %q, want %q", k, got, v)
		}
	}

	d := s.Get(t, deployment, "web-deployment")
	if d.Has("spec.replicas") {
		t.Errorf("an autoscaled Deployment sets spec.replicas (%v): the HPA must own it", d.Value(t, "spec.replicas"))
	}
	checks := map[string]any{
		"metadata.name":                                                     "web",
		"metadata.namespace":                                                "web",
		"spec.strategy.type":                                                "RollingUpdate",
		"spec.strategy.rollingUpdate.maxSurge":                              1.0,
		"spec.strategy.rollingUpdate.maxUnavailable":                        0.0,
		"spec.revisionHistoryLimit":                                         5.0,
		"spec.progressDeadlineSeconds":                                      600.0,
		`spec.selector.matchLabels["app.kubernetes.io/name"]`:               "web",
		`spec.selector.matchLabels["app.kubernetes.io/instance"]`:           "prod",
		`spec.selector.matchLabels["plinth.dev/track"]`:                     "stable",
		`spec.template.metadata.labels["app.kubernetes.io/version"]`:        "1.4.2",
		"spec.template.spec.serviceAccountName":                             "web",
		"spec.template.spec.automountServiceAccountToken":                   false,
		"spec.template.spec.terminationGracePeriodSeconds":                  30.0,
		"spec.template.spec.securityContext.runAsNonRoot":                   true,
		"spec.template.spec.securityContext.runAsUser":                      10001.0,
		"spec.template.spec.securityContext.fsGroup":                        10001.0,
		"spec.template.spec.securityContext.seccompProfile.type":            "RuntimeDefault",
		"spec.template.spec.topologySpreadConstraints[0].topologyKey":       "topology.kubernetes.io/zone",
		"spec.template.spec.topologySpreadConstraints[1].topologyKey":       "kubernetes.io/hostname",
		"spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable": "ScheduleAnyway",
		"spec.template.spec.volumes[0].name":                                "tmp",
		"spec.template.spec.volumes[0].emptyDir.sizeLimit":                  "256Mi",
	}
	c := "spec.template.spec.containers[0]."
	for k, v := range map[string]any{
		"image":                                    image,
		"imagePullPolicy":                          "Always", // a tag, not a digest
		"ports[0].containerPort":                   8080.0,
		"ports[0].name":                            "http",
		"ports[1].name":                            "metrics",
		"ports[1].containerPort":                   9090.0,
		"readinessProbe.httpGet.path":              "/ready",
		"readinessProbe.httpGet.port":              8080.0,
		"livenessProbe.httpGet.path":               "/health",
		"startupProbe.httpGet.path":                "/health",
		"startupProbe.failureThreshold":            30.0,
		"resources.requests.cpu":                   "250m",
		"resources.requests.memory":                "256Mi",
		"resources.limits.cpu":                     "1",
		"resources.limits.memory":                  "512Mi",
		"securityContext.allowPrivilegeEscalation": false,
		"securityContext.readOnlyRootFilesystem":   true,
		"securityContext.runAsNonRoot":             true,
		"securityContext.capabilities.drop[0]":     "ALL",
		"securityContext.seccompProfile.type":      "RuntimeDefault",
		"lifecycle.preStop.sleep.seconds":          5.0,
		"volumeMounts[0].mountPath":                "/tmp",
	} {
		checks[c+k] = v
	}
	d.Expect(t, checks)

	svc := s.Get(t, service, "web-service")
	svc.Expect(t, map[string]any{
		"spec.type": "ClusterIP", "spec.ports[0].port": 80.0, "spec.ports[0].targetPort": "http",
		"spec.ports[1].name": "metrics", `spec.selector["app.kubernetes.io/name"]`: "web",
	})
	if svc.String(t, `metadata.annotations["pulumi.com/skipAwait"]`) != "true" {
		t.Errorf("the Service is awaited; the Deployment await already proves its pods ready")
	}
	if svc.Has(`metadata.labels["app.kubernetes.io/version"]`) || !d.Has(`metadata.labels["app.kubernetes.io/version"]`) {
		t.Errorf("the version label belongs on the Deployment and its pods only")
	}
	if svc.Has(`spec.selector["plinth.dev/track"]`) {
		t.Errorf("the Service of a rolling app selects one track only")
	}

	hpa := s.Get(t, hpaType, "web-hpa")
	hpa.Expect(t, map[string]any{
		"spec.minReplicas": 3.0, "spec.maxReplicas": 10.0,
		"spec.scaleTargetRef.kind": "Deployment", "spec.scaleTargetRef.name": "web",
		"spec.metrics[0].resource.name":                      "cpu",
		"spec.metrics[0].resource.target.averageUtilization": 70.0,
		"spec.behavior.scaleDown.stabilizationWindowSeconds": 300.0,
	})
	if hpa.Has("spec.metrics[1]") {
		t.Errorf("HPA has a memory metric without TargetMemoryPercent")
	}

	pdb := s.Get(t, pdbType, "web-pdb")
	if pdb.Number(t, "spec.maxUnavailable") != 1 || pdb.Has("spec.minAvailable") || pdb.String(t, "spec.unhealthyPodEvictionPolicy") != "AlwaysAllow" {
		t.Errorf("PDB spec = %v, want maxUnavailable 1 and AlwaysAllow", pdb.Value(t, "spec"))
	}

	np := s.Get(t, npType, "web-networkpolicy")
	// Egress is limited by default: DNS and the application's own pods.
	if got := np.Value(t, "spec.policyTypes"); !reflect.DeepEqual(got, []any{"Ingress", "Egress"}) {
		t.Errorf("NetworkPolicy policyTypes = %v, want [Ingress Egress]", got)
	}
	if rules := np.Value(t, "spec.egress").([]any); len(rules) != 2 ||
		np.Number(t, "spec.egress[0].ports[0].port") != 53 || np.String(t, `spec.egress[1].to[0].podSelector.matchLabels["app.kubernetes.io/name"]`) != "web" {
		t.Errorf("NetworkPolicy egress = %v, want DNS and the app's own pods", rules)
	}
	if rules := np.Value(t, "spec.ingress").([]any); len(rules) != 1 {
		t.Errorf("NetworkPolicy has %d ingress rules, want only the monitoring one: %v", len(rules), rules)
	}
	if got := np.String(t, `spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]`); got != "monitoring" {
		t.Errorf("metrics rule allows namespace %q, want monitoring", got)
	}
	if got := np.String(t, "spec.ingress[0].ports[0].port"); got != "metrics" {
		t.Errorf("metrics rule port = %q, want metrics", got)
	}

	sm := s.Get(t, smType, "web-servicemonitor")
	if sm.String(t, "spec.endpoints[0].port") != "metrics" || sm.String(t, "spec.endpoints[0].path") != "/metrics" || sm.String(t, "spec.endpoints[0].interval") != "30s" {
		t.Errorf("ServiceMonitor endpoints = %v", sm.Value(t, "spec.endpoints"))
	}
	if sm.String(t, `spec.selector.matchLabels["app.kubernetes.io/name"]`) != "web" {
		t.Errorf("ServiceMonitor selector = %v", sm.Value(t, "spec.selector"))
	}
	if sm.Has(`metadata.labels["release"]`) {
		t.Errorf("ServiceMonitor carries a release label; plinth's Prometheus selects all monitors")
	}

	sa := s.Get(t, saType, "web-serviceaccount")
	if sa.Bool(t, "automountServiceAccountToken") {
		t.Errorf("ServiceAccount automounts its token")
	}

	for out, want := range map[pulumi.Output]any{
		web.NamespaceName:   "web",
		web.ServiceName:     "web",
		web.DNSName:         "web.web.svc.cluster.local",
		web.URL:             "http://web.web.svc.cluster.local",
		web.DeploymentNames: []string{"web"},
		web.HPANames:        []string{"web"},
	} {
		if got := plinthtest.Await(t, out); !reflect.DeepEqual(got.Value, want) || got.Secret {
			t.Errorf("output = %#v (secret %v), want %#v", got.Value, got.Secret, want)
		}
	}
}

func TestDevDefaultsAreSmall(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image)})
	hpa := s.Get(t, hpaType, "web-hpa")
	// Two pods even in dev: the PodDisruptionBudget then protects one.
	if hpa.Number(t, "spec.minReplicas") != 2 || hpa.Number(t, "spec.maxReplicas") != 3 {
		t.Fatalf("dev HPA = %v, want 2–3", hpa.Value(t, "spec"))
	}
	if n := len(s.ByType(pdbType)); n != 1 {
		t.Fatalf("%d PodDisruptionBudgets, want 1", n)
	}
	// One pod, by choice: no budget, which could only hold a drain.
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), Autoscaling: &app.AutoscalingArgs{MinReplicas: new(1)}})
	if n := len(s.ByType(pdbType)); n != 0 {
		t.Fatalf("a single-pod minimum got %d PodDisruptionBudgets, want none", n)
	}
	d := s.Get(t, deployment, "web-deployment")
	if got := d.String(t, "spec.template.spec.containers[0].resources.requests.cpu"); got != "100m" {
		t.Fatalf("dev CPU request = %q, want 100m", got)
	}
}

// TestAutoscalingOwnsReplicas records the replicas decision: with an HPA
// the Deployment never sets spec.replicas (so `pulumi up` cannot reset the
// HPA's count); without one it does and no HPA exists.
func TestAutoscalingOwnsReplicas(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod"})
	d := s.Get(t, deployment, "web-deployment")
	if d.Has("spec.replicas") || len(d.IgnoreChanges) != 0 {
		t.Fatalf("autoscaled Deployment: replicas set=%v ignoreChanges=%v, want neither", d.Has("spec.replicas"), d.IgnoreChanges)
	}

	s, _ = deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod", Autoscaling: &app.AutoscalingArgs{Disabled: true}})
	d = s.Get(t, deployment, "web-deployment")
	if d.Number(t, "spec.replicas") != 3 {
		t.Fatalf("fixed prod Deployment replicas = %v, want 3", d.Value(t, "spec.replicas"))
	}
	if n := len(s.ByType(hpaType)); n != 0 {
		t.Fatalf("%d HPAs with autoscaling disabled", n)
	}
	two := 2
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), Replicas: &two, Autoscaling: &app.AutoscalingArgs{Disabled: true}})
	if d := s.Get(t, deployment, "web-deployment"); d.Number(t, "spec.replicas") != 2 {
		t.Fatalf("replicas = %v, want 2", d.Value(t, "spec.replicas"))
	}
}

// restricted evaluates every pod template registered with the upstream
// Pod Security evaluator at level restricted.
func restricted(t *testing.T, s *plinthtest.Stack) {
	t.Helper()
	deps := s.ByType(deployment)
	if len(deps) == 0 {
		t.Fatalf("no Deployment registered")
	}
	for _, d := range deps {
		res, err := podsecurity.EvaluateJSON(podsecurity.Restricted, d.Value(t, "spec.template"))
		if err != nil {
			t.Fatalf("Deployment %q: %v", d.Name, err)
		}
		if !res.Allowed {
			t.Errorf("Deployment %q pod template is not allowed at restricted: %s", d.Name, res)
		}
	}
}

func TestEveryPodTemplateIsRestricted(t *testing.T) {
	cases := map[string]app.Args{
		"rolling":                            {Image: pulumi.String(image), Tier: "prod"},
		"bluegreen":                          {Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyBlueGreen, GreenImage: pulumi.String(nextImage)}},
		"canary":                             {Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage)}},
		"net-bind-service and writable root": {Image: pulumi.String(image), Security: &app.SecurityArgs{AddNetBindService: true, WritableRootFilesystem: true}},
		"env from everywhere": {Image: pulumi.String(image), SecretEnv: []app.SecretKeyRef{{Name: "A", Secret: "s", Key: "k"}},
			EnvFromSecrets: []string{"more"}, SecretValues: map[string]pulumi.StringInput{"B": pulumi.String("x")}},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			s, _ := deploy(t, args)
			restricted(t, s)
		})
	}
}

// TestRestrictedCheckCanFail makes sure the evaluator used above rejects a
// template when the component's hardening is removed.
func TestRestrictedCheckCanFail(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image)})
	tmpl := s.Get(t, deployment, "web-deployment").Value(t, "spec.template").(map[string]any)
	c := tmpl["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	delete(c["securityContext"].(map[string]any), "allowPrivilegeEscalation")
	res, err := podsecurity.EvaluateJSON(podsecurity.Restricted, tmpl)
	if err != nil || res.Allowed || !strings.Contains(res.String(), "allowPrivilegeEscalation") {
		t.Fatalf("tampered template: %v %v, want forbidden for allowPrivilegeEscalation", res, err)
	}
}

func TestBlueGreen(t *testing.T) {
	args := app.Args{Image: pulumi.String(image), Tier: "prod", Strategy: &app.StrategyArgs{Type: app.StrategyBlueGreen, GreenImage: pulumi.String(nextImage)}}
	s, web := deploy(t, args)
	blue := s.Get(t, deployment, "web-blue-deployment")
	green := s.Get(t, deployment, "web-green-deployment")
	if blue.String(t, "spec.template.spec.containers[0].image") != image || green.String(t, "spec.template.spec.containers[0].image") != nextImage {
		t.Fatalf("blue/green images wrong")
	}
	for _, d := range []plinthtest.Resource{blue, green} {
		color := strings.TrimSuffix(strings.TrimPrefix(d.Name, "web-"), "-deployment")
		if got := d.String(t, `spec.selector.matchLabels["plinth.dev/color"]`); got != color {
			t.Errorf("%s selector color = %q", d.Name, got)
		}
	}
	live := s.Get(t, service, "web-service")
	preview := s.Get(t, service, "web-preview-service")
	if live.String(t, `spec.selector["plinth.dev/color"]`) != "blue" || preview.String(t, `spec.selector["plinth.dev/color"]`) != "green" {
		t.Fatalf("selectors live=%v preview=%v, want blue live and green preview", live.Value(t, "spec.selector"), preview.Value(t, "spec.selector"))
	}
	if n := len(s.ByType(hpaType)); n != 2 {
		t.Fatalf("%d HPAs, want one per color", n)
	}
	if n := len(s.ByType(pdbType)); n != 2 {
		t.Fatalf("%d PDBs, want one per color", n)
	}
	if got := plinthtest.Await(t, web.DeploymentNames).Value; !reflect.DeepEqual(got, []string{"web-blue", "web-green"}) {
		t.Fatalf("DeploymentNames = %v", got)
	}

	// Promotion flips only the Service selectors; the Deployments are
	// unchanged, so the previous color stays up for an instant rollback.
	args.Strategy.ActiveColor = app.ColorGreen
	flipped, _ := deploy(t, args)
	if got := flipped.Get(t, service, "web-service").String(t, `spec.selector["plinth.dev/color"]`); got != "green" {
		t.Fatalf("after promotion the live Service selects %q, want green", got)
	}
	if got := flipped.Get(t, service, "web-preview-service").String(t, `spec.selector["plinth.dev/color"]`); got != "blue" {
		t.Fatalf("after promotion the preview Service selects %q, want blue", got)
	}
	for _, name := range []string{"web-blue-deployment", "web-green-deployment"} {
		before, after := s.Get(t, deployment, name).JSON(), flipped.Get(t, deployment, name).JSON()
		if before != after {
			t.Fatalf("promotion changed Deployment %s:\nbefore %s\nafter %s", name, before, after)
		}
	}
	restricted(t, flipped)
}

func TestCanary(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod", Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(20)}})
	stable := s.Get(t, deployment, "web-deployment")
	canary := s.Get(t, deployment, "web-canary-deployment")
	if canary.String(t, "spec.template.spec.containers[0].image") != nextImage || stable.String(t, "spec.template.spec.containers[0].image") != image {
		t.Fatalf("canary/stable images wrong")
	}
	// 20 % of the prod minimum of 3 replicas, rounded up: 1 canary pod.
	if canary.Number(t, "spec.replicas") != 1 || stable.Has("spec.replicas") {
		t.Fatalf("canary replicas = %v, stable replicas set = %v; want 1 and unset (HPA)", canary.Value(t, "spec.replicas"), stable.Has("spec.replicas"))
	}
	if canary.String(t, `spec.selector.matchLabels["plinth.dev/track"]`) != "canary" || stable.String(t, `spec.selector.matchLabels["plinth.dev/track"]`) != "stable" {
		t.Fatalf("track selectors overlap")
	}
	svc := s.Get(t, service, "web-service")
	if svc.Has(`spec.selector["plinth.dev/track"]`) {
		t.Fatalf("without an Ingress the Service must select both tracks (traffic by replica ratio)")
	}
	if n := len(s.ByType(hpaType)); n != 1 {
		t.Fatalf("%d HPAs, want one for the stable track only", n)
	}

	// With a route, the Gateway splits the requests by weight between the
	// stable and canary Services.
	s, web := deploy(t, app.Args{Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(25)},
		Route: &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("web.example.com")}}})
	if got := s.Get(t, service, "web-service").String(t, `spec.selector["plinth.dev/track"]`); got != "stable" {
		t.Fatalf("with a route the live Service selects track %q, want stable", got)
	}
	if got := s.Get(t, service, "web-canary-service").String(t, `spec.selector["plinth.dev/track"]`); got != "canary" {
		t.Fatalf("canary Service selects track %q", got)
	}
	route := s.Get(t, routeType, "web-httproute")
	route.Expect(t, map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"spec.parentRefs[0].name": "shared", "spec.parentRefs[0].namespace": "gateway",
		"spec.hostnames[0]": "web.example.com", "spec.rules[0].matches[0].path.value": "/",
		"spec.rules[0].backendRefs[0].name": "web", "spec.rules[0].backendRefs[0].weight": 75.0,
		"spec.rules[0].backendRefs[1].name": "web-canary", "spec.rules[0].backendRefs[1].weight": 25.0,
	})
	if got := plinthtest.Await(t, web.URL).Value; got != "https://web.example.com/" {
		t.Fatalf("URL = %v", got)
	}
	// With an Ingress (no controller assumed), the requests follow the
	// replica ratio: one Service over both tracks, no canary annotations.
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), Strategy: &app.StrategyArgs{Type: app.StrategyCanary, CanaryImage: pulumi.String(nextImage), CanaryPercent: new(25)},
		Ingress: &app.IngressArgs{Host: pulumi.String("web.example.com")}, NetworkPolicy: &app.NetworkPolicyArgs{IngressNamespace: pulumi.String("ingress")}})
	if s.Get(t, service, "web-service").Has(`spec.selector["plinth.dev/track"]`) || len(s.ByType(ingType)) != 1 {
		t.Fatalf("with an Ingress: %d Ingresses, live Service selecting one track: want one Ingress over both tracks", len(s.ByType(ingType)))
	}
	if ann := s.Get(t, ingType, "web-ingress").Value(t, "metadata.annotations").(map[string]any); len(ann) != 1 || ann["pulumi.com/patchFieldManager"] == nil {
		t.Fatalf("controller-specific annotations on the Ingress: %v, want only the field manager", ann)
	}
}

// TestRouteAttachesToTheGateway: the default way to expose an app.
func TestRouteAttachesToTheGateway(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Route: &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), SectionName: "https", Path: "/api"}})
	route := s.Get(t, routeType, "web-httproute")
	route.Expect(t, map[string]any{
		"spec.parentRefs[0].sectionName": "https", "spec.rules[0].matches[0].path.type": "PathPrefix",
		"spec.rules[0].matches[0].path.value": "/api", "spec.rules[0].backendRefs[0].name": "web", "spec.rules[0].backendRefs[0].port": 80.0,
	})
	if route.Has("spec.hostnames") || len(route.Value(t, "spec.rules[0].backendRefs").([]any)) != 1 {
		t.Fatalf("route spec = %v, want one backend and the listener's hostnames", route.Value(t, "spec"))
	}
	// The gateway's pods may reach the application port.
	np := s.Get(t, npType, "web-networkpolicy")
	if got := fmt.Sprint(np.Value(t, "spec.ingress")); !strings.Contains(got, "gateway") {
		t.Fatalf("NetworkPolicy ingress = %s, want the gateway's namespace admitted", got)
	}
}

// TestRouteBesideIngress: moving from an Ingress to a route serves both
// at once (docs/migrations.md), and the NetworkPolicy admits the ingress
// controller's and the gateway's namespaces.
func TestRouteBesideIngress(t *testing.T) {
	s, web := deploy(t, app.Args{Image: pulumi.String(image),
		Route:         &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("web.example.com")}},
		Ingress:       &app.IngressArgs{Host: pulumi.String("web.example.com")},
		NetworkPolicy: &app.NetworkPolicyArgs{IngressNamespace: pulumi.String("ingress")}})
	s.Get(t, routeType, "web-httproute").Expect(t, map[string]any{"spec.rules[0].backendRefs[0].name": "web"})
	s.Get(t, ingType, "web-ingress").Expect(t, map[string]any{"spec.rules[0].http.paths[0].backend.service.name": "web"})
	got := fmt.Sprint(s.Get(t, npType, "web-networkpolicy").Value(t, "spec.ingress"))
	for _, ns := range []string{"ingress", "gateway"} {
		if !strings.Contains(got, "map[kubernetes.io/metadata.name:"+ns+"]") {
			t.Errorf("NetworkPolicy ingress = %s, want namespace %s admitted", got, ns)
		}
	}
	if got := plinthtest.Await(t, web.URL).Value; got != "https://web.example.com/" {
		t.Fatalf("URL = %v, want the route's", got)
	}
}

func TestSecretValuesStaySecret(t *testing.T) {
	const password = "hunter2-not-in-state"
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), SecretValues: map[string]pulumi.StringInput{
		"DB_PASSWORD": pulumi.String(password), // even a plain string is stored as a secret
	}})
	sec := s.Get(t, secretType, "web-env")
	if !sec.IsSecret("stringData.DB_PASSWORD") || sec.String(t, "stringData.DB_PASSWORD") != password {
		t.Fatalf("the env Secret does not hold the value as a Pulumi secret")
	}
	d := s.Get(t, deployment, "web-deployment")
	env := d.Value(t, "spec.template.spec.containers[0].env").([]any)
	last := env[len(env)-1].(map[string]any)
	if last["name"] != "DB_PASSWORD" || last["valueFrom"].(map[string]any)["secretKeyRef"].(map[string]any)["name"] != "web-env" {
		t.Fatalf("DB_PASSWORD env = %v, want a secretKeyRef to web-env", last)
	}
	for _, r := range s.Resources {
		if r.Name != "web-env" && strings.Contains(r.JSON(), password) {
			t.Fatalf("%s %q holds the secret value in its inputs", r.Type, r.Name)
		}
	}
}

func TestEnvOrderAndSources(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image),
		Env:            map[string]string{"B": "2", "A": "1"},
		SecretEnv:      []app.SecretKeyRef{{Name: "TOKEN", Secret: "api", Key: "token"}},
		ConfigMapEnv:   []app.ConfigMapKeyRef{{Name: "MODE", ConfigMap: "settings", Key: "mode"}},
		EnvFromSecrets: []string{"bulk"},
	})
	d := s.Get(t, deployment, "web-deployment")
	env := d.Value(t, "spec.template.spec.containers[0].env").([]any)
	var names []string
	for _, e := range env {
		names = append(names, e.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"A", "B", "TOKEN", "MODE"}) {
		t.Fatalf("env order = %v, want A B TOKEN MODE", names)
	}
	if got := d.String(t, "spec.template.spec.containers[0].env[3].valueFrom.configMapKeyRef.name"); got != "settings" {
		t.Fatalf("MODE configMapKeyRef = %q", got)
	}
	if got := d.String(t, "spec.template.spec.containers[0].envFrom[0].secretRef.name"); got != "bulk" {
		t.Fatalf("envFrom = %q", got)
	}
}

func TestExternalSecret(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), ExternalSecrets: &app.ExternalSecretArgs{
		Store: "aws-secrets", Data: []app.ExternalSecretData{{Name: "DB_URL", RemoteKey: "prod/db", Property: "url"}},
	}})
	es := s.Get(t, "kubernetes:external-secrets.io/v1:ExternalSecret", "web-externalsecret")
	es.Expect(t, map[string]any{
		"spec.secretStoreRef.name": "aws-secrets", "spec.secretStoreRef.kind": "ClusterSecretStore",
		"spec.target.name": "web-external", "spec.refreshInterval": "1h",
		"spec.data[0].secretKey": "DB_URL", "spec.data[0].remoteRef.key": "prod/db", "spec.data[0].remoteRef.property": "url",
	})
	d := s.Get(t, deployment, "web-deployment")
	if got := d.String(t, "spec.template.spec.containers[0].envFrom[0].secretRef.name"); got != "web-external" {
		t.Fatalf("envFrom = %q, want the synced Secret", got)
	}
	if !slices.Contains(d.Dependencies, es.URN) {
		t.Fatalf("the Deployment does not depend on the ExternalSecret")
	}
}

func TestCloudIdentity(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/web"
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: &app.ServiceAccountArgs{AWSRoleARN: pulumi.String(role)}})
	if got := s.Get(t, saType, "web-serviceaccount").String(t, `metadata.annotations["eks.amazonaws.com/role-arn"]`); got != role {
		t.Fatalf("IRSA annotation = %q", got)
	}
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: &app.ServiceAccountArgs{PodIdentityRoleARN: pulumi.String(role)}})
	sa := s.Get(t, saType, "web-serviceaccount")
	if got := sa.String(t, `metadata.annotations["plinth.dev/aws-pod-identity-role"]`); got != role || sa.Has(`metadata.annotations["eks.amazonaws.com/role-arn"]`) {
		t.Fatalf("Pod Identity: annotations %v, want the role recorded and no IRSA annotation", sa.Value(t, "metadata.annotations"))
	}
	const gsa = "web-sa@acme-platform.iam.gserviceaccount.com"
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: &app.ServiceAccountArgs{GCPServiceAccount: pulumi.String(gsa)}})
	if got := s.Get(t, saType, "web-serviceaccount").String(t, `metadata.annotations["iam.gke.io/gcp-service-account"]`); got != gsa {
		t.Fatalf("Workload Identity annotation = %q", got)
	}
	// The pod template names the mechanism, so switching one rolls the
	// pods (EKS injects credentials when a pod is created).
	const key = `spec.template.metadata.annotations["plinth.dev/cloud-identity"]`
	for _, tc := range []struct {
		sa   *app.ServiceAccountArgs
		want string
	}{
		{&app.ServiceAccountArgs{AWSRoleARN: pulumi.String(role)}, "irsa"},
		{&app.ServiceAccountArgs{PodIdentityRoleARN: pulumi.String(role)}, "pod-identity"},
		{&app.ServiceAccountArgs{GCPServiceAccount: pulumi.String(gsa)}, "workload-identity"},
	} {
		s, _ := deploy(t, app.Args{Image: pulumi.String(image), ServiceAccount: tc.sa})
		if got := s.Get(t, deployment, "web-deployment").String(t, key); got != tc.want {
			t.Errorf("identity annotation = %q, want %q", got, tc.want)
		}
	}
	if s, _ := deploy(t, app.Args{Image: pulumi.String(image)}); s.Get(t, deployment, "web-deployment").Has(key) {
		t.Errorf("an app without a cloud identity names one")
	}
}

func TestExistingNamespaceAndServiceAccount(t *testing.T) {
	no := false
	s, web := deploy(t, app.Args{Image: pulumi.String(image), Namespace: pulumi.String("shop"), CreateNamespace: &no, ServiceAccount: &app.ServiceAccountArgs{Name: "shop-web"}})
	if len(s.ByType(nsType)) != 0 || len(s.ByType(saType)) != 0 {
		t.Fatalf("created a namespace or service account although given existing ones:\n%s", s.Inventory())
	}
	d := s.Get(t, deployment, "web-deployment")
	if d.String(t, "metadata.namespace") != "shop" || d.String(t, "spec.template.spec.serviceAccountName") != "shop-web" {
		t.Fatalf("Deployment namespace/serviceAccount = %v/%v", d.Value(t, "metadata.namespace"), d.Value(t, "spec.template.spec.serviceAccountName"))
	}
	if web.Namespace != nil || web.ServiceAccount != nil {
		t.Fatalf("component exposes objects it did not create")
	}
	for _, r := range s.Resources {
		if r.DeletedWith != "" {
			t.Errorf("%s %q is deleted with %q, but the component created no namespace", r.Type, r.Name, r.DeletedWith)
		}
	}
}

// A destroy leaves the objects to the namespace the component created,
// except the Deployments, which are deleted before it so that no pod is
// left when the namespace controller empties it.
func TestChildrenAreDeletedWithTheirNamespace(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image), Tier: "prod"})
	checkDeletedWith(t, s, s.One(t, nsType).URN)
}

// The same with a namespace the caller created and passed.
func TestChildrenAreDeletedWithTheCallersNamespace(t *testing.T) {
	no := false
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		ns, err := corev1.NewNamespace(ctx, "shop", &corev1.NamespaceArgs{})
		if err != nil {
			return err
		}
		_, err = app.New(ctx, "web", app.Args{Image: pulumi.String(image), Namespace: pulumi.String("shop"), CreateNamespace: &no, NamespaceObject: ns})
		return err
	}, plinthtest.WithStack("prod"))
	checkDeletedWith(t, s, s.One(t, nsType).URN)

	// With a namespace of its own besides, the component would not know
	// which one its objects live in.
	var err error
	plinthtest.Run(t, func(ctx *pulumi.Context) error {
		ns, nerr := corev1.NewNamespace(ctx, "shop", &corev1.NamespaceArgs{})
		if nerr != nil {
			return nerr
		}
		_, err = app.New(ctx, "web", app.Args{Image: pulumi.String(image), Namespace: pulumi.String("shop"), NamespaceObject: ns})
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "namespaceObject") || !strings.Contains(err.Error(), "createNamespace false") {
		t.Fatalf("a namespace object with createNamespace true: %v, want an error naming namespaceObject and the fix", err)
	}
}

func checkDeletedWith(t *testing.T, s *plinthtest.Stack, nsURN string) {
	t.Helper()
	n := 0
	for _, r := range s.Resources {
		switch r.Type {
		case app.TypeToken, nsType, deployment:
			if r.DeletedWith != "" {
				t.Errorf("%s %q is deleted with %q: it must be deleted on its own", r.Type, r.Name, r.DeletedWith)
			}
		default:
			n++
			if r.DeletedWith != nsURN {
				t.Errorf("%s %q is deleted with %q, want the namespace %s", r.Type, r.Name, r.DeletedWith, nsURN)
			}
		}
	}
	if n < 6 {
		t.Fatalf("only %d children besides the namespace and Deployments:\n%s", n, s.Inventory())
	}
}

func TestNetworkPolicySources(t *testing.T) {
	s, _ := deploy(t, app.Args{Image: pulumi.String(image),
		NetworkPolicy: &app.NetworkPolicyArgs{
			AllowFromNamespaces: []pulumi.StringInput{pulumi.String("frontend")},
			AllowFromPods:       map[string]string{"role": "worker"},
			Egress:              []app.EgressRule{{CIDR: "10.0.0.0/8", Ports: []int{5432}}},
			AllowToNamespaces:   []string{"payments"},
			IngressNamespace:    pulumi.String("ingress-system"),
		},
		Ingress: &app.IngressArgs{Host: pulumi.String("web.example.com"), TLSSecret: "web-tls"},
	})
	np := s.Get(t, npType, "web-networkpolicy")
	var spec struct {
		PolicyTypes []string `json:"policyTypes"`
		Ingress     []struct {
			From []map[string]map[string]map[string]string `json:"from"`
			Port []map[string]any                          `json:"ports"`
		} `json:"ingress"`
		Egress []json.RawMessage `json:"egress"`
	}
	np.Decode(t, "spec", &spec)
	if !slices.Equal(spec.PolicyTypes, []string{"Ingress", "Egress"}) {
		t.Fatalf("policyTypes = %v", spec.PolicyTypes)
	}
	from := spec.Ingress[0].From
	if len(from) != 3 || from[0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] != "frontend" ||
		from[1]["podSelector"]["matchLabels"]["role"] != "worker" ||
		from[2]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] != "ingress-system" {
		t.Fatalf("app-port sources = %v, want frontend, role=worker, ingress-system", from)
	}
	if len(spec.Egress) != 4 || !strings.Contains(string(spec.Egress[0]), `"port":53`) || !strings.Contains(string(spec.Egress[1]), `"podSelector"`) ||
		!strings.Contains(string(spec.Egress[2]), `"payments"`) || !strings.Contains(string(spec.Egress[3]), `"cidr":"10.0.0.0/8"`) {
		t.Fatalf("egress = %s, want DNS, own pods, payments, then 10.0.0.0/8", spec.Egress)
	}

	// The opt-out leaves egress open.
	s, _ = deploy(t, app.Args{Image: pulumi.String(image), NetworkPolicy: &app.NetworkPolicyArgs{AllowAllEgress: true}})
	np = s.Get(t, npType, "web-networkpolicy")
	if got := np.Value(t, "spec.policyTypes"); !reflect.DeepEqual(got, []any{"Ingress"}) || np.Has("spec.egress") {
		t.Fatalf("with allowAllEgress: policyTypes %v, egress present %v; want Ingress only", got, np.Has("spec.egress"))
	}
}

func TestIngress(t *testing.T) {
	s, web := deploy(t, app.Args{Image: pulumi.String(image), Ingress: &app.IngressArgs{Host: pulumi.String("web.example.com"), TLSSecret: "web-tls", ClassName: "public"},
		NetworkPolicy: &app.NetworkPolicyArgs{IngressNamespace: pulumi.String("ingress")}})
	ing := s.Get(t, ingType, "web-ingress")
	ing.Expect(t, map[string]any{
		"spec.ingressClassName": "public", "spec.rules[0].host": "web.example.com",
		"spec.rules[0].http.paths[0].path": "/", "spec.rules[0].http.paths[0].backend.service.name": "web",
		"spec.tls[0].secretName": "web-tls",
	})
	if got := plinthtest.Await(t, web.URL).Value; got != "https://web.example.com/" {
		t.Fatalf("URL = %v", got)
	}
}

func TestProviderReachesEveryChild(t *testing.T) {
	var web *app.App
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		p, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		web, err = app.New(ctx, "web", app.Args{Image: pulumi.String(image)}, pulumi.Provider(p))
		return err
	})
	p := s.One(t, "pulumi:providers:kubernetes")
	for _, r := range s.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") && !strings.HasPrefix(r.Provider, p.URN+"::") {
			t.Errorf("%s %q uses provider %q, want %s", r.Type, r.Name, r.Provider, p.URN)
		}
	}
	_ = web
}

func TestNothingRegisteredOnBadInput(t *testing.T) {
	s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := app.New(ctx, "web", app.Args{Image: pulumi.String("nginx")})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), `app "web": image: "nginx" has no tag or digest: pin a tag or a digest`) {
		t.Fatalf("err = %v", err)
	}
	if len(s.Resources) != 0 {
		t.Fatalf("registered %d resources before failing:\n%s", len(s.Resources), s.Inventory())
	}
}

// TestImageFromAnOutput passes the image as another stack's output: a
// pinned one deploys (the version label follows it), an unpinned one
// fails the run naming the field, as a literal would.
func TestImageFromAnOutput(t *testing.T) {
	run := func(img string) (*plinthtest.Stack, error) {
		return plinthtest.RunErr(func(ctx *pulumi.Context) error {
			build, err := pulumi.NewStackReference(ctx, "acme/web-build/main", nil)
			if err != nil {
				return err
			}
			_, err = app.New(ctx, "web", app.Args{Image: build.GetStringOutput(pulumi.String("image"))})
			return err
		}, plinthtest.WithStackReference("acme/web-build/main", map[string]any{"image": img}))
	}
	s, err := run("ghcr.io/acme/web:2.0.0")
	if err != nil {
		t.Fatalf("a pinned image from an output failed: %v", err)
	}
	d := s.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment")
	d.Expect(t, map[string]any{
		"spec.template.spec.containers[0].image":                     "ghcr.io/acme/web:2.0.0",
		`metadata.labels["app.kubernetes.io/version"]`:               "2.0.0",
		`spec.template.metadata.labels["app.kubernetes.io/version"]`: "2.0.0",
	})
	_, err = run("ghcr.io/acme/web")
	if err == nil || !strings.Contains(err.Error(), `app "web": image: "ghcr.io/acme/web" has no tag or digest`) {
		t.Fatalf("an unpinned image from an output: err = %v, want the message naming image", err)
	}
}

// Another resource's outputs go straight into nested fields, with no
// ApplyT: a second App's namespace into the NetworkPolicy, a DNS name
// from a stack reference into the route.
func TestOutputsWireIntoNestedFields(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		shop, err := app.New(ctx, "shop", app.Args{Image: pulumi.String(image)})
		if err != nil {
			return err
		}
		dns, err := pulumi.NewStackReference(ctx, "acme/dns/prod", nil)
		if err != nil {
			return err
		}
		_, err = app.New(ctx, "web", app.Args{Image: pulumi.String(image),
			NetworkPolicy: &app.NetworkPolicyArgs{AllowFromNamespaces: []pulumi.StringInput{shop.NamespaceName}},
			Route: &app.RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"),
				Hostnames: []pulumi.StringInput{dns.GetStringOutput(pulumi.String("webHost"))}},
		})
		return err
	}, plinthtest.WithStack("prod"), plinthtest.WithStackReference("acme/dns/prod", map[string]any{"webHost": "web.example.com"}))
	np := s.Get(t, npType, "web-networkpolicy")
	if got := np.String(t, `spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]`); got != "shop" {
		t.Fatalf("the NetworkPolicy admits namespace %q, want shop's", got)
	}
	if got := s.Get(t, routeType, "web-httproute").String(t, "spec.hostnames[0]"); got != "web.example.com" {
		t.Fatalf("the route serves %q, want the stack reference's web.example.com", got)
	}
}
