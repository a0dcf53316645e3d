package policy

import (
	"strings"
	"testing"
)

// TestImagePolicyGuardrail feeds PL-K8S-020 the supply-chain mistakes it
// names, each on the compliant stack, and the cases it must accept.
func TestImagePolicyGuardrail(t *testing.T) {
	k := k8sGood()
	rule := []*Rule{ruleByID(t, Rules(), "PL-K8S-020")}
	with := func(edits ...Resource) []Resource {
		var out []Resource
		for _, r := range goodStack() {
			replaced := false
			for _, e := range edits {
				replaced = replaced || (e.Type == r.Type && e.Name == r.Name)
			}
			if !replaced {
				out = append(out, r)
			}
		}
		return append(out, edits...)
	}
	without := func(typ string) []Resource {
		var out []Resource
		for _, r := range goodStack() {
			if r.Type != typ {
				out = append(out, r)
			}
		}
		return out
	}
	policy := k[tClusterPolicy]
	waived := edit(edit(policy, "spec.rules[0].verifyImages[0].skipImageReferences", []any{"registry.example.com/acme/web:*"}),
		`metadata.annotations`, map[string]any{"plinth.dev/waivers": `[{"image":"registry.example.com/acme/web:*","reason":"CVE fix shipped before the signing key came back; until 2026-12-31"}]`})
	for _, tt := range []struct {
		name  string
		stack []Resource
		tier  string
		want  string // "" when the stack passes
	}{
		{"prod without any image policy", without(tClusterPolicy), "prod", `image "registry.example.com/acme/web:1.4.2" runs unverified: no image policy`},
		{"GitOps prod without any image policy", without(tClusterPolicy), "prod", "Flux applies workloads in prod and no image policy verifies their images"},
		{"a policy left in Audit", with(edit(policy, "spec.rules[0].verifyImages[0].failureAction", "Audit")), "prod", "is in Audit"},
		{"Audit from the deprecated policy-wide field", with(edit(edit(policy, "spec.rules[0].verifyImages[0].failureAction", nil), "spec.validationFailureAction", "Audit")), "prod", "is in Audit"},
		{"a webhook that fails open", with(edit(policy, "spec.webhookConfiguration.failurePolicy", "Ignore")), "prod", "fails open"},
		{"an app image outside the policy's references", with(edit(policy, "spec.rules[0].verifyImages[0].imageReferences", []any{"registry.example.com/other/*"})), "prod",
			`image "registry.example.com/acme/web:1.4.2" is covered by no image policy in Enforce`},
		{"an image skipped with no waiver reason", with(edit(policy, "spec.rules[0].verifyImages[0].skipImageReferences", []any{"registry.example.com/acme/web:*"})), "prod", "with no waiver reason"},
		{"an image skipped by a waiver with its reason", with(waived), "prod", ""},
		{"the compliant stack", goodStack(), "prod", ""},
		{"dev may run Audit", with(edit(policy, "spec.rules[0].verifyImages[0].failureAction", "Audit")), "dev", ""},
		{"an image known only at deploy", with(edit(policy, "spec.rules[0].verifyImages[0].imageReferences", []any{"registry.example.com/other/*"}),
			edit(k[tDeployment], "spec.template.spec.containers[0].image", nil)), "prod", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := Evaluate(rule, tt.stack, Context{Tier: tt.tier}, nil)
			var msgs []string
			for _, f := range rep.Findings {
				msgs = append(msgs, f.Resource+": "+f.Message)
			}
			got := strings.Join(msgs, "\n")
			switch {
			case tt.want == "" && got != "":
				t.Fatalf("findings on a stack that passes:\n%s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Fatalf("findings:\n%s\nwant one containing %q", got, tt.want)
			}
		})
	}
}

func TestKyvernoWildcards(t *testing.T) {
	for _, tt := range []struct {
		pattern, image string
		want           bool
	}{
		{"registry.example.com/shop/*", "registry.example.com/shop/web:1.0", true},
		{"registry.example.com/shop/*", "registry.example.com/shop/team/web@sha256:ab", true},
		{"registry.example.com/shop/*", "registry.example.com/shopping/web:1.0", false},
		{"registry.example.com/shop/web:1.?", "registry.example.com/shop/web:1.2", true},
		{"docker.io/library/*", "nginx:1.27", true},
		{"registry.example.com/shop.web", "registry.example.com/shopxweb", false},
	} {
		if got := matchesAny([]string{tt.pattern}, tt.image); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.pattern, tt.image, got, tt.want)
		}
	}
}
