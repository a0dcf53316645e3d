package gcpnetwork

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

// TestDefaultedArgsValidate: the defaults, with only the required fields
// given, pass validation, and carve three non-empty ranges.
func TestDefaultedArgsValidate(t *testing.T) {
	a := Args{Project: "acme-platform", Region: "europe-west1"}
	if err := a.Validate("main"); err != nil {
		t.Fatal(err)
	}
	d := a.Defaults()
	if d.NodesCIDR == "" || d.ServicesCIDR == "" || d.PodsCIDR == "" {
		t.Fatalf("the default block carved no ranges: %+v", d)
	}
}
