package naming

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestPhysical(t *testing.T) {
	long := strings.Repeat("payments", 10)
	tests := []struct {
		name  string
		max   int
		parts []string
		want  string
	}{
		{"joins parts with dashes", 63, []string{"plinth", "prod", "web"}, "plinth-prod-web"},
		{"lowercases and replaces invalid characters", 63, []string{"Plinth", "Prod_EU", "web.api"}, "plinth-prod-eu-web-api"},
		{"skips empty parts", 63, []string{"plinth", "", "web"}, "plinth-web"},
		{"collapses runs and trims dashes", 63, []string{"--a--", "__b__"}, "a-b"},
		{"keeps a name that fits exactly", 15, []string{"plinth", "prod", "web"}, "plinth-prod-web"},
		{"cuts a long ALB name and appends a hash", 32, []string{"plinth", "production", "payments-gateway"}, "plinth-production-payment-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Physical(tt.max, tt.parts...)
			if len(got) > tt.max {
				t.Fatalf("Physical(%d, %q) = %q: %d characters, want at most %d", tt.max, tt.parts, got, len(got), tt.max)
			}
			if strings.HasSuffix(tt.want, "-") {
				if !strings.HasPrefix(got, tt.want) || len(got) != len(tt.want)+hashLen {
					t.Fatalf("Physical(%d, %q) = %q, want prefix %q then a %d-character hash", tt.max, tt.parts, got, tt.want, hashLen)
				}
			} else if got != tt.want {
				t.Fatalf("Physical(%d, %q) = %q, want %q", tt.max, tt.parts, got, tt.want)
			}
			if errs := validation.IsDNS1123Label(got); len(errs) > 0 && tt.max <= 63 {
				t.Fatalf("Physical(%d, %q) = %q is not a DNS-1123 label: %v", tt.max, tt.parts, got, errs)
			}
		})
	}

	t.Run("is stable and tells apart long names with a shared prefix", func(t *testing.T) {
		a := Physical(MaxLoadBalancerName, long, "a")
		b := Physical(MaxLoadBalancerName, long, "b")
		if a == b {
			t.Fatalf("two different long names cut to the same %q", a)
		}
		if again := Physical(MaxLoadBalancerName, long, "a"); again != a {
			t.Fatalf("Physical is not stable: %q then %q", a, again)
		}
	})
}

func TestGCP(t *testing.T) {
	if got := GCP(MaxGCPName, "1st", "net"); got != "p-1st-net" {
		t.Fatalf("GCP name starting with a digit = %q, want %q", got, "p-1st-net")
	}
	if got := GCP(MaxGCPName, "plinth", "net"); got != "plinth-net" {
		t.Fatalf("GCP(plinth, net) = %q, want plinth-net", got)
	}
}

func TestChild(t *testing.T) {
	if got := Child("web", "deployment"); got != "web-deployment" {
		t.Fatalf("Child = %q, want web-deployment", got)
	}
	if got := Child("web", ""); got != "web" {
		t.Fatalf("Child with empty kind = %q, want web", got)
	}
}

func TestTags(t *testing.T) {
	got := Tags(TagInput{
		Project: "plinth", Stack: "prod", Environment: "prod", Owner: "payments",
		Extra: map[string]string{"team": "core", TagManagedBy: "terraform", TagCostCenter: "spoofed"},
	})
	want := map[string]string{
		"environment": "prod", "stack": "prod", "project": "plinth", "managed-by": "plinth",
		"owner": "payments", "team": "core",
	}
	if len(got) != len(want) {
		t.Fatalf("Tags = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("Tags[%q] = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestGCPLabels(t *testing.T) {
	got := GCPLabels(TagInput{Project: "plinth", Stack: "gcp-prod", Environment: "Prod", CostCenter: "CC/42"})
	for k, v := range got {
		for _, s := range []string{k, v} {
			if strings.ToLower(s) != s || strings.ContainsAny(s, "/.: ") {
				t.Fatalf("GCP label %q=%q has characters GCP rejects", k, v)
			}
		}
	}
	if got["environment"] != "prod" || got["cost-center"] != "cc_42" {
		t.Fatalf("GCPLabels = %v, want environment=prod and cost-center=cc_42", got)
	}
}

func TestLabels(t *testing.T) {
	l := AppLabels{Name: "web", Instance: "prod", Version: "sha256:" + strings.Repeat("ab", 32), PartOf: "plinth"}
	got := Labels(l)
	for k, v := range got {
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			t.Fatalf("label %s=%q is invalid: %v", k, v, errs)
		}
	}
	if got[LabelManagedBy] != "plinth" || got[LabelName] != "web" || got[LabelInstance] != "prod" || got[LabelPartOf] != "plinth" {
		t.Fatalf("Labels = %v, want name/instance/part-of/managed-by set", got)
	}
	if _, ok := got[LabelComponent]; ok {
		t.Fatalf("Labels set an empty component: %v", got)
	}
	sel := Selector(l)
	if len(sel) != 2 || sel[LabelVersion] != "" {
		t.Fatalf("Selector = %v, want only name and instance", sel)
	}
}

func TestLabelValue(t *testing.T) {
	tests := map[string]string{
		"1.2.3":                 "1.2.3",
		"v1+build":              "v1-build",
		"-x-":                   "x",
		strings.Repeat("a", 70): strings.Repeat("a", 63),
		"sha256:abc":            "sha256-abc",
		"":                      "",
	}
	for in, want := range tests {
		if got := LabelValue(in); got != want {
			t.Errorf("LabelValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzPhysical(f *testing.F) {
	for _, s := range []string{"web", "Prod_EU", strings.Repeat("x", 80), "--", "ü"} {
		f.Add(s, 32)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 300 {
			return
		}
		got := Physical(max, "p", s)
		if len(got) > max && len(got) > hashLen+2 {
			t.Fatalf("Physical(%d, %q) = %q is too long", max, s, got)
		}
		if got != "" && len(validation.IsDNS1123Label(got)) > 0 && len(got) <= 63 {
			t.Fatalf("Physical(%d, %q) = %q is not a DNS-1123 label", max, s, got)
		}
	})
}

func TestCheckELBName(t *testing.T) {
	tests := []struct {
		name      string
		autoNamed bool
		wantErr   string
	}{
		{"api-alb", true, ""},
		{"plinth-prod-api", false, ""},
		{"internal-alb", true, `starts with "internal-"`},
		{"a-very-long-service-name-alb", true, "with the 8 the provider appends"},
		{"-api", false, "not starting or ending with a hyphen"},
		{"api_alb", false, "use letters, digits and hyphens"},
		{strings.Repeat("a", 33), false, "ELBv2 allows 32"},
	}
	for _, tt := range tests {
		err := CheckELBName(tt.name, tt.autoNamed)
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("CheckELBName(%q, %v) = %v, want %q", tt.name, tt.autoNamed, err, tt.wantErr)
		}
	}
}

func TestGCPServiceAccountID(t *testing.T) {
	for _, tt := range []struct {
		parts []string
		want  string
	}{
		{[]string{"qa", "ui"}, "qa-ui-sa"},
		{[]string{"plinth", "gcp-prod", "web"}, "plinth-gcp-prod-web"},
		{[]string{"9a", "x"}, "p-9a-x"},
	} {
		got := GCPServiceAccountID(tt.parts...)
		if got != tt.want {
			t.Errorf("GCPServiceAccountID(%q) = %q, want %q", tt.parts, got, tt.want)
		}
		if err := CheckGCPServiceAccountID(got); err != nil {
			t.Errorf("GCPServiceAccountID(%q) = %q, which the IAM API refuses: %v", tt.parts, got, err)
		}
	}
	long := GCPServiceAccountID("plinth", "production-europe", "payments-gateway")
	if err := CheckGCPServiceAccountID(long); err != nil || len(long) > MaxGCPServiceAccount {
		t.Errorf("long id %q: %v", long, err)
	}
	if err := CheckGCPServiceAccountID("qa-ui"); err == nil {
		t.Error("a 5-character id was accepted")
	}
}
