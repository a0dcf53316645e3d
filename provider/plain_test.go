package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/urn"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// fromResource is a value another resource produced: known, with that
// resource as its dependency, as the engine sends an output.
func fromResource(v string) property.Value {
	return property.New(v).WithDependencies([]urn.URN{"urn:pulumi:dev::yaml-program::plinth:kubernetes:App::shop"})
}

// An output reaches the nested fields that take one (the NetworkPolicy's
// namespaces, the route's hostnames) and the component is built; where a
// plain value goes, the construct fails naming the field at its depth,
// before anything is registered.
func TestOutputsInNestedFields(t *testing.T) {
	s, err := construct(t, "plinth:kubernetes:App", "web", map[string]property.Value{
		"image": property.New("registry.example.com/plinth/web:1.0.0"),
		"networkPolicy": property.New(map[string]property.Value{
			"allowFromNamespaces": property.New([]property.Value{fromResource("shop")}),
			"monitoringNamespace": fromResource("monitoring"),
		}),
		"route": property.New(map[string]property.Value{
			"gateway": property.New("shared"), "gatewayNamespace": fromResource("gateway"),
			"hostnames": property.New([]property.Value{fromResource("web.example.com")}),
		}),
	})
	if err != nil {
		t.Fatalf("outputs in Input fields: %v", err)
	}
	np := s.Get(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "web-networkpolicy")
	if got := np.String(t, `spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]`); got != "shop" {
		t.Fatalf("the NetworkPolicy admits %q, want shop", got)
	}

	for path, inputs := range map[string]map[string]property.Value{
		"networkPolicy.allowFromPods.team": {"networkPolicy": property.New(map[string]property.Value{
			"allowFromPods": property.New(map[string]property.Value{"team": fromResource("shop")})})},
		"networkPolicy.egress[0].cidr": {"networkPolicy": property.New(map[string]property.Value{
			"egress": property.New([]property.Value{property.New(map[string]property.Value{"cidr": fromResource("10.0.0.0/16")})})})},
		"replicas": {"replicas": property.New(2.0).WithDependencies([]urn.URN{"urn:pulumi:dev::yaml-program::plinth:kubernetes:App::shop"})},
	} {
		inputs["image"] = property.New("registry.example.com/plinth/web:1.0.0")
		s, err := construct(t, "plinth:kubernetes:App", "web", inputs)
		want := `plinth:kubernetes:App "web": ` + path + ` takes a value known when the program runs`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("an output at %s: err = %v, want %q", path, err, want)
		}
		if len(s.Resources) != 0 {
			t.Errorf("an output at %s registered %d resources", path, len(s.Resources))
		}
	}
}

// The schema marks plain every field that is not an Input, at any depth,
// so a generated SDK refuses an Output there when the program compiles;
// an Input field is not plain.
func TestSchemaMarksPlainFields(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Types map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	np := spec.Types["plinth:app:NetworkPolicyArgs"].Properties
	for name, plain := range map[string]bool{"monitoringNamespace": false, "allowFromPods": true, "egress": true, "disabled": true} {
		if got := np[name]["plain"] == true; got != plain {
			t.Errorf("NetworkPolicyArgs.%s plain = %v, want %v", name, got, plain)
		}
	}
	// A list of Inputs is a plain list whose items take outputs.
	if items, _ := np["allowFromNamespaces"]["items"].(map[string]any); items == nil || items["plain"] == true {
		t.Errorf("NetworkPolicyArgs.allowFromNamespaces items %v: want Inputs", np["allowFromNamespaces"])
	}
	total, marked := 0, 0
	for _, t := range spec.Types {
		for _, p := range t.Properties {
			total++
			if p["plain"] == true {
				marked++
			}
		}
	}
	t.Logf("%d of %d nested properties are plain", marked, total)
	if marked == 0 || marked == total {
		t.Fatalf("%d of %d nested properties plain: want the non-Input ones only", marked, total)
	}
}
