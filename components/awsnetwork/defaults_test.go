package awsnetwork

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

func TestDefaultedArgsValidate(t *testing.T) {
	for _, tier := range config.Tiers {
		if err := (Args{Tier: tier}).Validate("main"); err != nil {
			t.Errorf("tier %s: %v", tier, err)
		}
	}
}
