package policy

import "testing"

// TestFluxRulesPassWhatTheyShould: the cases each Flux rule must let
// through, beside the compliant fixtures: a kustomize-controller that
// refuses remote bases, a loopback repository over http on the local
// tier, an ssh URL with its user, and prune off outside prod.
func TestFluxRulesPassWhatTheyShould(t *testing.T) {
	k := k8sGood()
	for _, c := range []struct {
		rule, tier string
		r          Resource
	}{
		{"PL-FLUX-005", "prod", edit(edit(k[tDeployment], "spec.template.spec.containers[0].image", "registry.example.com/fluxcd/kustomize-controller:v1.9.6"),
			"spec.template.spec.containers[0].args", []any{"--watch-all-namespaces", "--no-remote-bases=true"})},
		{"PL-FLUX-002", "local", edit(k[tGitRepository], "spec.url", "http://127.0.0.1:39001/deploy.git")},
		{"PL-FLUX-003", "prod", edit(k[tGitRepository], "spec.url", "ssh://git@git.example.com/acme/deploy.git")},
		{"PL-FLUX-001", "staging", edit(k[tKustomization], "spec.prune", false)},
	} {
		rule := ruleByID(t, Rules(), c.rule)
		if got := Evaluate([]*Rule{rule}, []Resource{c.r}, Context{Tier: c.tier}, nil); len(got.Findings) > 0 {
			t.Errorf("%s on the %s tier: %v", c.rule, c.tier, got.Findings[0].Message)
		}
	}
	// And what they must not: http to a loopback host outside local.
	if got := Evaluate([]*Rule{ruleByID(t, Rules(), "PL-FLUX-002")}, []Resource{edit(k[tGitRepository], "spec.url", "http://127.0.0.1:39001/deploy.git")}, Context{Tier: "prod"}, nil); len(got.Findings) != 1 {
		t.Errorf("http to loopback in prod: %d findings", len(got.Findings))
	}
}

// TestCanaryTrackIsCarriedByItsStable: the app component's Canary
// strategy runs one canary pod beside a redundant stable track; PL-X-002
// accepts it in prod, and refuses a canary whose stable track is not
// redundant (the rule's mistake: a single pod serving alone).
func TestCanaryTrackIsCarriedByItsStable(t *testing.T) {
	k := k8sGood()
	labels := func(track string) map[string]any {
		return map[string]any{"app.kubernetes.io/name": "web", "plinth.dev/track": track}
	}
	stable := edit(edit(k[tDeployment], "spec.template.metadata.labels", labels("stable")), "spec.replicas", 3.0)
	canary := edit(edit(edit(k[tDeployment], "spec.template.metadata.labels", labels("canary")), "spec.replicas", 1.0), "metadata.name", "web-canary")
	canary.Name = "web-canary-deployment"
	rule := ruleByID(t, Rules(), "PL-X-002")
	if got := Evaluate([]*Rule{rule}, []Resource{stable, canary}, Context{Tier: "prod"}, nil); len(got.Findings) != 0 {
		t.Fatalf("a canary beside 3 stable replicas: %v", got.Findings[0].Message)
	}
	lone := edit(stable, "spec.replicas", 1.0)
	if got := Evaluate([]*Rule{rule}, []Resource{lone, canary}, Context{Tier: "prod"}, nil); len(got.Findings) != 2 {
		t.Fatalf("a canary beside one stable replica: %d findings, want both Deployments", len(got.Findings))
	}
}
