package podsecurity

import (
	"strings"
	"testing"
)

func restrictedTemplate() map[string]any {
	return map[string]any{
		"spec": map[string]any{
			"securityContext": map[string]any{
				"runAsNonRoot":   true,
				"seccompProfile": map[string]any{"type": "RuntimeDefault"},
			},
			"containers": []any{map[string]any{
				"name":  "web",
				"image": "nginx:1.27",
				"securityContext": map[string]any{
					"allowPrivilegeEscalation": false,
					"capabilities":             map[string]any{"drop": []any{"ALL"}},
				},
			}},
		},
	}
}

func TestEvaluateJSON(t *testing.T) {
	ok, err := EvaluateJSON(Restricted, restrictedTemplate())
	if err != nil || !ok.Allowed {
		t.Fatalf("restricted template: %v %v, want allowed", ok, err)
	}

	bad := restrictedTemplate()
	spec := bad["spec"].(map[string]any)
	spec["hostNetwork"] = true
	c := spec["containers"].([]any)[0].(map[string]any)
	c["securityContext"] = map[string]any{"privileged": true}
	got, err := EvaluateJSON(Restricted, bad)
	if err != nil {
		t.Fatal(err)
	}
	if got.Allowed {
		t.Fatalf("privileged host-network pod allowed at restricted")
	}
	for _, want := range []string{"host namespaces", "privileged", "allowPrivilegeEscalation != false", "unrestricted capabilities"} {
		if !strings.Contains(got.String(), want) {
			t.Fatalf("reasons %q lack %q", got.String(), want)
		}
	}
	base, _ := EvaluateJSON(Baseline, bad)
	if base.Allowed || strings.Contains(base.String(), "allowPrivilegeEscalation") {
		t.Fatalf("baseline result %q: want forbidden for privileged/host network only", base.String())
	}
}

func TestEvaluateJSONRejectsUnknownFields(t *testing.T) {
	tmpl := restrictedTemplate()
	tmpl["spec"].(map[string]any)["hostNetwrok"] = true
	if _, err := EvaluateJSON(Restricted, tmpl); err == nil || !strings.Contains(err.Error(), "hostNetwrok") {
		t.Fatalf("err = %v, want an unknown-field error", err)
	}
}
