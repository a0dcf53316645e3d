//go:build e2e

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/podsecurity"
)

// TestE2ERenderedManifestsCarryTheHardenedDefaults renders the local
// stack with the real kubernetes provider and checks what a manifest
// checker looks at, on every workload: non-root IDs above 10000, the
// restricted Pod Security level, pulls that follow pinning, an egress
// policy, and at least two pods wherever a disruption budget exists.
func TestE2ERenderedManifestsCarryTheHardenedDefaults(t *testing.T) {
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "manifests")
	log := &bytes.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Setenv("PULUMI_HOME", filepath.Join(t.TempDir(), "home"))
	if err := (&Driver{Root: root, Stack: "local", Out: log, Err: log}).Render(ctx, out); err != nil {
		t.Fatalf("render: %v\n%s", err, log.String())
	}
	var (
		deployments []appsv1.Deployment
		hpas        []autoscalingv2.HorizontalPodAutoscaler
		pdbs        []policyv1.PodDisruptionBudget
		policies    []networkingv1.NetworkPolicy
	)
	files, _ := filepath.Glob(filepath.Join(out, "*", "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal(b, &meta); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		decode := func(v any) {
			if err := yaml.UnmarshalStrict(b, v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		switch meta.Kind {
		case "Deployment":
			var d appsv1.Deployment
			decode(&d)
			deployments = append(deployments, d)
		case "HorizontalPodAutoscaler":
			var h autoscalingv2.HorizontalPodAutoscaler
			decode(&h)
			hpas = append(hpas, h)
		case "PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			decode(&p)
			pdbs = append(pdbs, p)
		case "NetworkPolicy":
			var n networkingv1.NetworkPolicy
			decode(&n)
			policies = append(policies, n)
		}
	}
	if len(deployments) < 3 {
		t.Fatalf("rendered %d Deployments, want the local stack's (web, checkout blue and green)", len(deployments))
	}
	for _, d := range deployments {
		name := d.Namespace + "/" + d.Name
		tmpl := d.Spec.Template
		sc := tmpl.Spec.SecurityContext
		if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser < 10000 || sc.RunAsGroup == nil || *sc.RunAsGroup < 10000 || sc.FSGroup == nil || *sc.FSGroup < 10000 {
			t.Errorf("%s: pod IDs %+v, want UID, GID and fsGroup of 10000 or more", name, sc)
		}
		if res, err := podsecurity.Evaluate(podsecurity.Restricted, &tmpl); err != nil || !res.Allowed {
			t.Errorf("%s: not restricted: %v %v", name, res, err)
		}
		for _, c := range tmpl.Spec.Containers {
			want := "Always"
			if strings.Contains(c.Image, "@sha256:") {
				want = "IfNotPresent"
			}
			if string(c.ImagePullPolicy) != want {
				t.Errorf("%s container %s: imagePullPolicy %s for %s, want %s", name, c.Name, c.ImagePullPolicy, c.Image, want)
			}
		}
		pods := labels.Set(tmpl.Labels)
		egress := false
		for _, p := range policies {
			sel, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
			if p.Namespace == d.Namespace && sel.Matches(pods) {
				for _, pt := range p.Spec.PolicyTypes {
					egress = egress || pt == networkingv1.PolicyTypeEgress
				}
			}
		}
		if !egress {
			t.Errorf("%s: no NetworkPolicy limits its egress", name)
		}
		for _, p := range pdbs {
			sel, _ := metav1.LabelSelectorAsSelector(p.Spec.Selector)
			if p.Namespace != d.Namespace || !sel.Matches(pods) {
				continue
			}
			least := int32(1)
			if d.Spec.Replicas != nil {
				least = *d.Spec.Replicas
			}
			for _, h := range hpas {
				if h.Namespace == d.Namespace && h.Spec.ScaleTargetRef.Name == d.Name && h.Spec.MinReplicas != nil {
					least = *h.Spec.MinReplicas
				}
			}
			if least < 2 {
				t.Errorf("%s: the PodDisruptionBudget %s covers a minimum of %d pod(s), want 2 or more", name, p.Name, least)
			}
		}
	}
	t.Logf("%d Deployments, %d HPAs, %d PodDisruptionBudgets, %d NetworkPolicies checked", len(deployments), len(hpas), len(pdbs), len(policies))
}
