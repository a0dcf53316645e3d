package app

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestDocumentedDefaults checks every "Default: <value>." written on a
// field of Args against Defaults.
func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{Image: pulumi.String("ghcr.io/acme/web:1.4.2")}.Defaults("web"))
	// The Progressive strategy's arguments exist only with it.
	progressive := Args{Image: pulumi.String("ghcr.io/acme/web:1.4.2"), Strategy: &StrategyArgs{Type: StrategyProgressive}}.Defaults("web")
	plinthtest.CheckDocumentedDefaults(t, ".", *progressive.Strategy.Progressive)
}

// TestDefaultedArgsValidate checks that defaults alone never fail
// validation, for every tier and strategy.
func TestDefaultedArgsValidate(t *testing.T) {
	strategies := []StrategyArgs{
		{},
		{Type: StrategyBlueGreen, GreenImage: pulumi.String("ghcr.io/acme/web:1.5.0")},
		{Type: StrategyCanary, CanaryImage: pulumi.String("ghcr.io/acme/web:1.5.0")},
		{Type: StrategyProgressive},
		{Type: StrategyProgressive, Progressive: &ProgressiveArgs{Mode: ModeBlueGreen}},
	}
	for _, tier := range config.Tiers {
		for _, st := range strategies {
			a := Args{Image: pulumi.String("ghcr.io/acme/web:1.4.2"), Tier: tier, Strategy: &st}
			if err := a.Validate("web"); err != nil {
				t.Errorf("tier %s, strategy %q: defaulted args fail validation: %v", tier, st.Type, err)
			}
		}
	}
}

// TestWithDefaultsDoesNotChangeTheCaller guards against defaults leaking
// into the caller's maps and pointers.
func TestWithDefaultsDoesNotChangeTheCaller(t *testing.T) {
	in := &IngressArgs{Host: pulumi.String("web.example.com")}
	r := &RouteArgs{Gateway: "shared", GatewayNamespace: pulumi.String("gateway"), Hostnames: []pulumi.StringInput{pulumi.String("web.example.com")}}
	a := Args{Image: pulumi.String("ghcr.io/acme/web:1.4.2"), Ingress: in, Route: r}
	d := a.Defaults("web")
	if in.Path != "" || r.Path != "" {
		t.Fatalf("Defaults changed the caller's IngressArgs or RouteArgs: %+v %+v", *in, *r)
	}
	d.Route.Hostnames[0] = pulumi.String("changed.example.com")
	if r.Hostnames[0] != pulumi.String("web.example.com") {
		t.Fatal("the defaulted RouteArgs share the caller's hostnames")
	}
}
