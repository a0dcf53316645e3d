package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/components/gke"
	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/components/rollouts"
)

// Name is the Pulumi package name: type tokens are "plinth:<module>:<Type>".
const Name = "plinth"

// Version of the provider (and of the package its schema describes).
const Version = "0.2.0"

// component serves one library component under a type token: Construct
// runs the component's New with the inputs decoded into its Args, so a
// program in any language gets the same resources and the same
// validation (with the same messages) as a Go program.
type component[A any, R pulumi.ComponentResource] struct {
	module, name string
	newFn        func(*pulumi.Context, string, A, ...pulumi.ResourceOption) (R, error)
	// args and out are the Go types behind the schema, for descriptions.
	args, out reflect.Type
}

func serve[A any, R pulumi.ComponentResource](module, name string, fn func(*pulumi.Context, string, A, ...pulumi.ResourceOption) (R, error)) component[A, R] {
	return component[A, R]{module: module, name: name, newFn: fn, args: reflect.TypeFor[A](), out: reflect.TypeFor[R]()}
}

// Annotate sets the component's type token.
func (c component[A, R]) Annotate(a infer.Annotator) {
	if c.name != "" {
		a.SetToken(tokens.ModuleName(c.module), tokens.TypeName(c.name))
	}
}

// Construct creates the component.
func (c component[A, R]) Construct(ctx *pulumi.Context, name, _ string, args A, opts pulumi.ResourceOption) (R, error) {
	return c.newFn(ctx, name, args, opts)
}

func (c component[A, R]) token() string { return Name + ":" + c.module + ":" + c.name }

// described is what the schema's descriptions are filled from.
type described interface {
	token() string
	types() (args, out reflect.Type)
}

func (c component[A, R]) types() (reflect.Type, reflect.Type) { return c.args, c.out }

// The components, under the type tokens the Go library registers.
var (
	appC         = serve("kubernetes", "App", app.New)
	monitoringC  = serve("kubernetes", "Monitoring", monitoring.New)
	rolloutsC    = serve("kubernetes", "RolloutsController", rollouts.New)
	fluxC        = serve("kubernetes", "Flux", flux.New)
	imagePolicyC = serve("kubernetes", "ImagePolicy", imagepolicy.New)
	awsNetworkC  = serve("aws", "Network", awsnetwork.New)
	eksC         = serve("aws", "EksCluster", eks.New)
	ecsC         = serve("aws", "EcsService", ecs.New)
	gcpNetworkC  = serve("gcp", "Network", gcpnetwork.New)
	gkeC         = serve("gcp", "GkeCluster", gke.New)
	all          = []described{appC, monitoringC, rolloutsC, fluxC, imagePolicyC, awsNetworkC, eksC, ecsC, gcpNetworkC, gkeC}
)

// Provider returns the provider: the components, and a schema whose
// descriptions are the library's doc comments.
func Provider() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithNamespace("plinth-dev").
		WithDisplayName("plinth").
		WithDescription("Production-grade components for Kubernetes applications, progressive delivery, GitOps with Flux, signed images with Kyverno, monitoring, EKS, ECS and GKE: secure and reliable by default, every default written down, bad input refused before anything is created.").
		WithHomepage("https://github.com/plinth-dev/plinth").
		WithRepository("https://github.com/plinth-dev/plinth").
		WithLicense("Apache-2.0").
		WithKeywords("kubernetes", "aws", "eks", "ecs", "gcp", "gke", "monitoring", "gitops", "flux", "kyverno", "cosign", "category/infrastructure", "kind/component").
		WithComponents(
			infer.Component(appC), infer.Component(monitoringC), infer.Component(rolloutsC), infer.Component(fluxC), infer.Component(imagePolicyC),
			infer.Component(awsNetworkC), infer.Component(eksC), infer.Component(ecsC),
			infer.Component(gcpNetworkC), infer.Component(gkeC),
		).Build()
	if err != nil {
		return p.Provider{}, err
	}
	getSchema := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := getSchema(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = describe(resp.Schema)
		return resp, err
	}
	construct := prov.Construct
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		// An output where a plain value goes would fail in the SDK's
		// decoding with a message naming only the top-level property:
		// say which field, at any depth, before anything is registered.
		for _, c := range all {
			if c.token() != string(req.Urn.Type()) {
				continue
			}
			args, _ := c.types()
			if problems := plainOutputs(req.Inputs, args); len(problems) > 0 {
				prefix := fmt.Sprintf("%s %q: ", c.token(), req.Urn.Name())
				return p.ConstructResponse{}, errors.New(prefix + strings.Join(problems, "\n"+prefix))
			}
		}
		return construct(ctx, req)
	}
	return prov, nil
}

// describe fills the schema's descriptions from the library's doc
// comments (descriptions, generated from the source by gendocs): each
// component's description, its inputs' and outputs' descriptions, and
// those of every object type its arguments use.
func describe(schemaJSON string) (string, error) {
	var spec map[string]any
	if err := json.Unmarshal([]byte(schemaJSON), &spec); err != nil {
		return "", err
	}
	resources, _ := spec["resources"].(map[string]any)
	types, _ := spec["types"].(map[string]any)
	objects := map[string]reflect.Type{}
	for _, c := range all {
		args, out := c.types()
		r, ok := resources[c.token()].(map[string]any)
		if !ok {
			continue
		}
		setDescription(r, docOf(out, ""))
		describeProperties(r, "inputProperties", args)
		markPlain(r, "inputProperties", args)
		describeProperties(r, "properties", out)
		collectObjects(args, objects)
	}
	for token, t := range objects {
		if o, ok := types[token].(map[string]any); ok {
			setDescription(o, docOf(t, ""))
			describeProperties(o, "properties", t)
			markPlain(o, "properties", t)
		}
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	return string(b), err
}

// docOf returns the doc comment of type t ("") or its field.
func docOf(t reflect.Type, field string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	key := pkgName(t) + "." + t.Name()
	if field != "" {
		key += "." + field
	}
	return strings.TrimSpace(descriptions[key])
}

func pkgName(t reflect.Type) string {
	return path.Base(t.PkgPath())
}

func setDescription(m map[string]any, doc string) {
	if doc != "" {
		m["description"] = doc
	}
}

// describeProperties sets the description of each property of m[key]
// from the doc comment of the field of t whose pulumi tag names it.
func describeProperties(m map[string]any, key string, t reflect.Type) {
	props, _ := m[key].(map[string]any)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if prop, ok := props[name].(map[string]any); ok && name != "" {
			setDescription(prop, docOf(t, f.Name))
		}
	}
}

// collectObjects records the struct types reachable from t's tagged
// fields under the tokens infer gives them ("plinth:<package>:<Type>").
func collectObjects(t reflect.Type, into map[string]reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() == "" {
		return
	}
	for _, f := range reflect.VisibleFields(t) {
		if _, tagged := f.Tag.Lookup("pulumi"); !tagged {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.PkgPath() != "" && !strings.HasPrefix(ft.PkgPath(), "github.com/pulumi/") {
			token := Name + ":" + pkgName(ft) + ":" + ft.Name()
			if _, seen := into[token]; !seen {
				into[token] = ft
				collectObjects(ft, into)
			}
		}
	}
}

// Tokens returns the components' type tokens, sorted.
func Tokens() []string {
	var out []string
	for _, c := range all {
		out = append(out, c.token())
	}
	sort.Strings(out)
	return out
}
