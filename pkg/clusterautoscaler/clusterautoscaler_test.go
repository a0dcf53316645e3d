package clusterautoscaler

import (
	"fmt"
	"strings"
	"testing"
)

func TestTableRowsFit(t *testing.T) {
	for _, r := range Releases {
		if probs := Check(r.Chart, r.Image, r.Minor); len(probs) != 0 {
			t.Errorf("row %s: %+v", r.Minor, probs)
		}
	}
}

// TestCheck feeds the rule the mistakes it names.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name, chart, image, minor, field, want string
	}{
		{"the reported mistake: chart 9.46.6 with autoscaler 1.35", "9.46.6", "v1.35.0", "1.35", "chartVersion", `"9.46.6" predates chart 9.54.0`},
		{"an image for another minor", "9.59.0", "v1.34.5", "1.35", "imageTag", `is for Kubernetes 1.34, but the cluster runs 1.35`},
		{"a tag that is not a version", "9.59.0", "latest", "1.35", "imageTag", "is not a Cluster Autoscaler image tag"},
		{"an older image needs no DRA rules", "9.46.6", "v1.34.5", "1.34", "", ""},
		{"the first chart with the rules is enough", "9.54.0", "v1.36.1", "1.36", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := fmt.Sprint(Check(tt.chart, tt.image, tt.minor))
			if tt.want == "" {
				if got != "[]" {
					t.Fatalf("Check = %s, want none", got)
				}
				return
			}
			if !strings.Contains(got, tt.field) || !strings.Contains(got, tt.want) {
				t.Fatalf("Check = %s, want %s: %q", got, tt.field, tt.want)
			}
		})
	}
}
