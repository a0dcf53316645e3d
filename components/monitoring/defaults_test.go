package monitoring

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.Defaults())
}

func TestDefaultedArgsValidate(t *testing.T) {
	for _, tier := range config.Tiers {
		install := Args{Tier: tier, Chart: &ChartArgs{Repository: "https://charts.example.com/prometheus-community"},
			Grafana: &GrafanaArgs{AdminPassword: pulumi.String("x")}}
		if err := install.Validate("monitoring"); err != nil {
			t.Errorf("tier %s, install mode: %v", tier, err)
		}
		if err := (Args{Tier: tier, Mode: ModeOperator}).Validate("monitoring"); err != nil {
			t.Errorf("tier %s, operator mode: %v", tier, err)
		}
	}
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{"HighErrorRate": "high-error-rate", "HPAAtMaxReplicas": "hpa-at-max-replicas", "PodCrashLooping": "pod-crash-looping", "X": "x"} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}
