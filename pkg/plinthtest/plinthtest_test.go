package plinthtest

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

type widget struct {
	pulumi.ResourceState
	Namespace *corev1.Namespace
}

// program registers a component with two children, one of which is
// parented to the other, and a secret built from config.
func program(w **widget) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		c := &widget{}
		if err := ctx.RegisterComponentResource("plinth:test:Widget", "w", c); err != nil {
			return err
		}
		ns, err := corev1.NewNamespace(ctx, "w-ns", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:   pulumi.String("apps"),
				Labels: pulumi.StringMap{"app.kubernetes.io/name": pulumi.String("w")},
			},
		}, pulumi.Parent(c), pulumi.IgnoreChanges([]string{"metadata.annotations"}))
		if err != nil {
			return err
		}
		c.Namespace = ns
		_, err = corev1.NewSecret(ctx, "w-secret", &corev1.SecretArgs{
			Metadata:   &metav1.ObjectMetaArgs{Namespace: ns.Metadata.Name(), Name: pulumi.String("creds")},
			StringData: pulumi.StringMap{"password": config.RequireSecret(ctx, "plinth:password")},
		}, pulumi.Parent(ns))
		if err != nil {
			return err
		}
		*w = c
		return ctx.RegisterResourceOutputs(c, pulumi.Map{})
	}
}

func TestRecordsComponentChildrenAndParents(t *testing.T) {
	var w *widget
	s := Run(t, program(&w), WithSecretConfig(map[string]string{"plinth:password": "hunter2"}))

	comp := s.One(t, "plinth:test:Widget")
	if comp.Custom || comp.ID != "" {
		t.Fatalf("component recorded as custom=%v id=%q, want a component without id", comp.Custom, comp.ID)
	}
	if !strings.HasSuffix(comp.Parent, "::pulumi:pulumi:Stack::plinth-test") {
		t.Fatalf("component parent = %q, want the stack", comp.Parent)
	}
	ns := s.Get(t, "kubernetes:core/v1:Namespace", "w-ns")
	if ns.Parent != comp.URN {
		t.Fatalf("namespace parent = %q, want the component %q", ns.Parent, comp.URN)
	}
	if want := "urn:pulumi:test::plinth::plinth:test:Widget$kubernetes:core/v1:Namespace::w-ns"; ns.URN != want {
		t.Fatalf("namespace URN = %q, want %q", ns.URN, want)
	}
	sec := s.Get(t, "kubernetes:core/v1:Secret", "w-secret")
	if sec.Parent != ns.URN {
		t.Fatalf("secret parent = %q, want the namespace %q", sec.Parent, ns.URN)
	}
	if want := "urn:pulumi:test::plinth::plinth:test:Widget$kubernetes:core/v1:Namespace$kubernetes:core/v1:Secret::w-secret"; sec.URN != want {
		t.Fatalf("secret URN = %q, want %q", sec.URN, want)
	}
	if got := s.Children(comp.URN); len(got) != 1 || got[0].Name != "w-ns" {
		t.Fatalf("children of the component = %v, want only w-ns", names(got))
	}
	if len(ns.IgnoreChanges) != 1 || ns.IgnoreChanges[0] != "metadata.annotations" {
		t.Fatalf("IgnoreChanges = %v, want [metadata.annotations]", ns.IgnoreChanges)
	}
	if got := ns.String(t, `metadata.labels["app.kubernetes.io/name"]`); got != "w" {
		t.Fatalf("label lookup = %q, want w", got)
	}
	if ns.ID != "apps" {
		t.Fatalf("namespace mock id = %q, want its name", ns.ID)
	}
	if got := sec.String(t, "metadata.namespace"); got != "apps" {
		t.Fatalf("secret namespace = %q, want the namespace output \"apps\"", got)
	}
	if !sec.IsSecret("stringData.password") || sec.String(t, "stringData.password") != "hunter2" {
		t.Fatalf("stringData.password secret=%v value=%q, want a secret hunter2", sec.IsSecret("stringData.password"), sec.String(t, "stringData.password"))
	}
	if ns.IsSecret("metadata.name") {
		t.Fatalf("a plain input reported as secret")
	}

	got := Await(t, w.Namespace.Metadata.Name())
	if !got.Known || got.Secret || got.Value != "apps" {
		t.Fatalf("Await(namespace name) = %+v, want known, not secret, apps", got)
	}
	if s.Counts()["kubernetes:core/v1:Namespace"] != 1 || !strings.Contains(s.Inventory(), "kubernetes:core/v1:Secret=1") {
		t.Fatalf("inventory = %s", s.Inventory())
	}
}

func TestAwaitReportsSecrets(t *testing.T) {
	var got Value
	Run(t, func(ctx *pulumi.Context) error {
		got = Await(t, config.RequireSecret(ctx, "plinth:password"))
		return nil
	}, WithSecretConfig(map[string]string{"plinth:password": "hunter2"}))
	if !got.Secret || got.Value != "hunter2" {
		t.Fatalf("Await = %+v, want secret hunter2", got)
	}
}

func TestPreviewLeavesComputedOutputsUnknown(t *testing.T) {
	var w *widget
	s := Run(t, program(&w), WithPreview(), WithSecretConfig(map[string]string{"plinth:password": "x"}))
	if len(s.Resources) != 3 {
		t.Fatalf("preview registered %d resources, want 3:\n%s", len(s.Resources), s.Inventory())
	}
}

func TestRunErrKeepsWhatWasRegistered(t *testing.T) {
	s, err := RunErr(func(ctx *pulumi.Context) error {
		_, err := corev1.NewNamespace(ctx, "first", &corev1.NamespaceArgs{})
		if err != nil {
			return err
		}
		return errString("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("RunErr error = %v, want boom", err)
	}
	if len(s.ByType("kubernetes:core/v1:Namespace")) != 1 {
		t.Fatalf("RunErr lost the resources registered before the error")
	}
}

func TestOverridesAndCalls(t *testing.T) {
	s := Run(t, func(ctx *pulumi.Context) error {
		_, err := corev1.NewNamespace(ctx, "n", &corev1.NamespaceArgs{})
		return err
	}, WithOutputs("kubernetes:core/v1:Namespace", func(r Resource, out resource.PropertyMap) resource.PropertyMap {
		out["status"] = resource.NewPropertyValue(map[string]any{"phase": "Active"})
		return out
	}))
	n := s.One(t, "kubernetes:core/v1:Namespace")
	if n.Outputs["status"].ObjectValue()["phase"].StringValue() != "Active" {
		t.Fatalf("override not applied: %v", n.Outputs)
	}
}

func TestLookup(t *testing.T) {
	r := Resource{Inputs: resource.NewPropertyMapFromMap(map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "web"}},
		"x":        []any{"a", "b", map[string]any{"y": "z"}},
	})}
	r.Inputs["s"] = resource.MakeSecret(resource.NewPropertyValue(map[string]any{"k": []any{"v"}}))
	for path, want := range map[string]any{
		`metadata.labels["app.kubernetes.io/name"]`: "web",
		"x[1]":    "b",
		"x[2].y":  "z",
		"s.k[0]":  "v",
		"x[3]":    nil, // out of range
		"x.y":     nil, // a key on a list
		`x["0"]`:  nil, // a key on a list
		"x[0":     nil, // malformed: no panic, nothing found
		"missing": nil,
	} {
		v, _, ok := r.Lookup(path)
		if want == nil {
			if ok {
				t.Errorf("Lookup(%s) found %v, want nothing", path, v)
			}
			continue
		}
		if !ok || Plain(v) != want {
			t.Errorf("Lookup(%s) = %v, %v; want %v", path, Plain(v), ok, want)
		}
	}
	if !r.IsSecret("s.k[0]") || r.IsSecret("x[1]") {
		t.Errorf("IsSecret: s.k[0] %v, x[1] %v; want true, false", r.IsSecret("s.k[0]"), r.IsSecret("x[1]"))
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestPlaintextFindsValuesOutsideSecrets(t *testing.T) {
	var w *widget
	s := Run(t, program(&w), WithSecretConfig(map[string]string{"plinth:password": "hunter2"}))
	if got := s.Plaintext("hunter2"); len(got) != 0 {
		t.Fatalf("a secret input reported as plaintext: %v", got)
	}
	if got := s.Plaintext("apps"); len(got) == 0 || got[0] != "kubernetes:core/v1:Namespace w-ns metadata.name" {
		t.Fatalf("Plaintext(apps) = %v, want the namespace name first", got)
	}
}

// recorder is a testing.TB that keeps the errors it is given.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestExpectReportsEveryMismatch(t *testing.T) {
	r := Resource{Type: "test:Thing", Name: "x", Inputs: resource.NewPropertyMapFromMap(map[string]any{
		"spec": map[string]any{"replicas": 3, "name": "web"},
	})}
	rec := &recorder{TB: t}
	r.Expect(rec, map[string]any{"spec.replicas": 3.0, "spec.name": "web"})
	if len(rec.errors) != 0 {
		t.Fatalf("matching values reported: %v", rec.errors)
	}
	r.Expect(rec, map[string]any{"spec.replicas": 2.0, "spec.name": "api"})
	if len(rec.errors) != 2 || !strings.Contains(strings.Join(rec.errors, "\n"), `spec.replicas = 3, want 2`) {
		t.Fatalf("want both mismatches reported, got %v", rec.errors)
	}
}

func TestRequireRestrictedPodsReportsAPrivilegedPod(t *testing.T) {
	s := Run(t, func(ctx *pulumi.Context) error {
		_, err := appsv1.NewDeployment(ctx, "root", &appsv1.DeploymentArgs{
			Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String("root")}},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: pulumi.StringMap{"app": pulumi.String("root")}},
					Spec: &corev1.PodSpecArgs{Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name: pulumi.String("app"), Image: pulumi.String("registry.example.com/app:1"),
						SecurityContext: &corev1.SecurityContextArgs{Privileged: pulumi.Bool(true)},
					}}},
				},
			},
		})
		return err
	})
	rec := &recorder{TB: t}
	s.RequireRestrictedPods(rec)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], `Deployment "root" is not restricted`) {
		t.Fatalf("want the privileged Deployment reported, got %v", rec.errors)
	}
	empty := &recorder{TB: t}
	(&Stack{}).RequireRestrictedPods(empty)
	if len(empty.errors) != 1 || !strings.Contains(empty.errors[0], "checked nothing") {
		t.Fatalf("a run without workloads passed the check: %v", empty.errors)
	}
}

func TestRequireCountsReportsEveryDifference(t *testing.T) {
	s := &Stack{Resources: []Resource{{Type: "a:b:C"}, {Type: "a:b:C"}, {Type: "a:b:D"}}}
	rec := &recorder{TB: t}
	s.RequireCounts(rec, map[string]int{"a:b:C": 2, "a:b:D": 1})
	if len(rec.errors) != 0 {
		t.Fatalf("matching counts reported: %v", rec.errors)
	}
	s.RequireCounts(rec, map[string]int{"a:b:C": 1, "a:b:E": 1})
	if len(rec.errors) != 2 {
		t.Fatalf("want 2 differences reported, got %v", rec.errors)
	}
}
