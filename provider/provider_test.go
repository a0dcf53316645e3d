package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/provider/internal/gendocs"
)

var update = flag.Bool("update", false, "rewrite schema.json from the provider")

func server(t *testing.T, rec *plinthtest.Recorder) integration.Server {
	t.Helper()
	prov, err := Provider()
	if err != nil {
		t.Fatal(err)
	}
	opts := []integration.ServerOption{integration.WithProvider(prov)}
	if rec != nil {
		opts = append(opts, integration.WithMocks(rec))
	}
	s, err := integration.NewServer(context.Background(), Name, semver.MustParse(Version), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaIsCurrent compares the schema the provider serves (what
// `pulumi package get-schema` prints) with the checked-in schema.json.
func TestSchemaIsCurrent(t *testing.T) {
	resp, err := server(t, nil).GetSchema(p.GetSchemaRequest{Version: 0})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, []byte(resp.Schema), "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteString("\n")
	if *update {
		if err := os.WriteFile("schema.json", got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("schema.json is stale: run `make provider-schema` (go test ./provider -run TestSchemaIsCurrent -update) and commit it")
	}
	var spec struct {
		Resources map[string]struct {
			Description     string                    `json:"description"`
			IsComponent     bool                      `json:"isComponent"`
			InputProperties map[string]map[string]any `json:"inputProperties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(got.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for tok, r := range spec.Resources {
		tokens = append(tokens, tok)
		if !r.IsComponent || r.Description == "" {
			t.Errorf("%s: component %v, description %q", tok, r.IsComponent, r.Description)
		}
		for name, prop := range r.InputProperties {
			if prop["description"] == nil {
				t.Errorf("%s input %s has no description: document the Args field", tok, name)
			}
		}
	}
	slices.Sort(tokens)
	if !slices.Equal(tokens, Tokens()) {
		t.Fatalf("schema resources %v, want %v", tokens, Tokens())
	}
}

// TestDescriptionsAreCurrent regenerates descriptions.go from the
// library's doc comments.
func TestDescriptionsAreCurrent(t *testing.T) {
	want, err := gendocs.Generate("..")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("descriptions.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("descriptions.go is stale: run `go generate ./...` in provider/")
	}
}

func construct(t *testing.T, typ, name string, inputs map[string]property.Value) (*plinthtest.Stack, error) {
	t.Helper()
	rec := plinthtest.NewRecorder("yaml-program", "dev")
	_, err := server(t, rec).Construct(p.ConstructRequest{
		Urn:    presource.URN("urn:pulumi:dev::yaml-program::" + typ + "::" + name),
		Inputs: property.NewMap(inputs),
	})
	return rec.Stack(), err
}

// TestConstructRunsTheLibrary constructs an App the way any language's
// program would: the library creates its objects, and refuses bad input
// with the library's message before anything is registered.
func TestConstructRunsTheLibrary(t *testing.T) {
	s, err := construct(t, "plinth:kubernetes:App", "web", map[string]property.Value{
		"image":       property.New("registry.example.com/plinth/web:1.0.0"),
		"tier":        property.New("local"),
		"autoscaling": property.New(map[string]property.Value{"minReplicas": property.New(2.0), "maxReplicas": property.New(4.0)}),
		"env":         property.New(map[string]property.Value{"LOG_LEVEL": property.New("info")}),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RequireCounts(t, map[string]int{
		"plinth:kubernetes:App": 1, "kubernetes:apps/v1:Deployment": 1, "kubernetes:core/v1:Service": 1,
		"kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1, "kubernetes:policy/v1:PodDisruptionBudget": 1,
	})
	s.Get(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa").Expect(t, map[string]any{"spec.minReplicas": 2.0, "spec.maxReplicas": 4.0})
	s.RequireRestrictedPods(t)

	s, err = construct(t, "plinth:kubernetes:App", "web", map[string]property.Value{"image": property.New("ACME/web")})
	if err == nil || !strings.Contains(err.Error(), `app "web": image:`) {
		t.Fatalf("a bad image: err = %v, want the library's message naming image", err)
	}
	if len(s.Resources) != 0 {
		t.Fatalf("a bad image registered %d resources:\n%s", len(s.Resources), s.Inventory())
	}
}
