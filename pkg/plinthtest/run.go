package plinthtest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Default project and stack names of a run.
const (
	DefaultProject = "plinth"
	DefaultStack   = "test"
)

type options struct {
	project, stack string
	config         map[string]string
	secretKeys     []string
	preview        bool
	overrides      map[string]OutputsFunc
	calls          map[string]func(resource.PropertyMap) resource.PropertyMap
	stackRefs      map[string]map[string]any
}

// Option configures a run.
type Option func(*options)

// WithProject sets the project name. Default: "plinth".
func WithProject(p string) Option { return func(o *options) { o.project = p } }

// WithStack sets the stack name. Default: "test".
func WithStack(s string) Option { return func(o *options) { o.stack = s } }

// WithConfig sets config values, keyed "namespace:key" as Pulumi passes
// them ("plinth:tier"); structured values are JSON. Several calls merge.
func WithConfig(cfg map[string]string) Option {
	return func(o *options) { maps.Copy(o.config, cfg) }
}

// WithSecretConfig sets config values and marks them secret, as
// `pulumi config set --secret` does.
func WithSecretConfig(cfg map[string]string) Option {
	return func(o *options) {
		for k, v := range cfg {
			o.config[k] = v
			o.secretKeys = append(o.secretKeys, k)
		}
	}
}

// WithPreview runs the program as a preview (dry run): outputs of
// resources may be unknown, as in `pulumi preview`.
func WithPreview() Option { return func(o *options) { o.preview = true } }

// WithOutputs replaces the mocked outputs of every resource of type typ.
func WithOutputs(typ string, f OutputsFunc) Option {
	return func(o *options) { o.overrides[typ] = f }
}

// WithStackReference gives the stack reference name (e.g.
// "acme/build/prod") these outputs, as another stack would.
func WithStackReference(name string, outputs map[string]any) Option {
	return func(o *options) { o.stackRefs[name] = outputs }
}

// WithCall answers the provider function token with f.
func WithCall(token string, f func(args resource.PropertyMap) resource.PropertyMap) Option {
	return func(o *options) { o.calls[token] = f }
}

// Stack is what one run registered.
type Stack struct {
	// Project and Name are the project and stack the run used.
	Project, Name string
	// Resources are every resource registered, in registration order.
	Resources []Resource
	// Invokes are every provider function called, in order.
	Invokes []Invoke
}

// RunErr runs program under mocks and returns what it registered, along
// with the program's error (if any): a failed run still returns the
// resources registered before the error, so tests can assert that nothing
// was.
func RunErr(program pulumi.RunFunc, opts ...Option) (*Stack, error) {
	o := options{
		project: DefaultProject, stack: DefaultStack, config: map[string]string{},
		overrides: map[string]OutputsFunc{}, calls: map[string]func(resource.PropertyMap) resource.PropertyMap{},
		stackRefs: map[string]map[string]any{},
	}
	for _, opt := range opts {
		opt(&o)
	}
	region := Region
	if r := o.config["aws:region"]; r != "" {
		region = r
	}
	m := &mocks{project: o.project, stack: o.stack, region: region, overrides: o.overrides, calls: o.calls, stackRefs: o.stackRefs}
	err := pulumi.RunErr(program,
		pulumi.WithMocks(o.project, o.stack, m),
		func(info *pulumi.RunInfo) {
			info.Config = o.config
			info.ConfigSecretKeys = o.secretKeys
			info.DryRun = o.preview
		})
	m.mu.Lock()
	defer m.mu.Unlock()
	return &Stack{Project: o.project, Name: o.stack, Resources: m.resources, Invokes: m.invokes}, err
}

// Run is RunErr that fails the test when the program fails.
func Run(t T, program pulumi.RunFunc, opts ...Option) *Stack {
	t.Helper()
	s, err := RunErr(program, opts...)
	if err != nil {
		t.Fatalf("program failed under mocks: %v", err)
	}
	return s
}

// ByType returns the resources of type typ, in registration order.
func (s *Stack) ByType(typ string) []Resource {
	return s.where(func(r Resource) bool { return r.Type == typ })
}

// Find returns the resource of type typ with logical name name.
func (s *Stack) Find(typ, name string) (Resource, bool) {
	for _, r := range s.Resources {
		if r.Type == typ && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// Get returns the resource of type typ named name, or fails the test
// listing what of that type was registered.
func (s *Stack) Get(t T, typ, name string) Resource {
	t.Helper()
	r, ok := s.Find(typ, name)
	if !ok {
		t.Fatalf("no %s named %q was registered; registered of that type: %v", typ, name, names(s.ByType(typ)))
	}
	return r
}

// One returns the only resource of type typ, or fails the test.
func (s *Stack) One(t T, typ string) Resource {
	t.Helper()
	rs := s.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d: %v", typ, len(rs), names(rs))
	}
	return rs[0]
}

// Children returns the resources whose parent is urn.
func (s *Stack) Children(urn string) []Resource {
	return s.where(func(r Resource) bool { return r.Parent == urn })
}

// where returns the resources keep accepts, in registration order.
func (s *Stack) where(keep func(Resource) bool) []Resource {
	var out []Resource
	for _, r := range s.Resources {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// Counts returns the number of resources of each type.
func (s *Stack) Counts() map[string]int {
	out := map[string]int{}
	for _, r := range s.Resources {
		out[r.Type]++
	}
	return out
}

// RequireCounts reports every type in want whose number of registered
// resources differs, with the whole inventory. Types not in want are not
// checked.
func (s *Stack) RequireCounts(t T, want map[string]int) {
	t.Helper()
	counts := s.Counts()
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%d %s, want %d; registered:\n%s", counts[typ], typ, n, s.Inventory())
		}
	}
}

// Inventory returns "type=count" lines, sorted, for readable failures.
func (s *Stack) Inventory() string {
	counts := s.Counts()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d\n", k, counts[k])
	}
	return b.String()
}

func names(rs []Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// Value is a resolved output.
type Value struct {
	// Value is the output's value; nil when unknown.
	Value any
	// Known is false when the value is unknown (in a preview).
	Known bool
	// Secret is true when the output is a Pulumi secret.
	Secret bool
}

// Await blocks until out resolves and returns its value, whether it is
// known and whether it is secret. Pointer values (from Ptr outputs) are
// dereferenced. Call it inside or after a run.
func Await(t T, out pulumi.Output) Value {
	t.Helper()
	r, err := internals.UnsafeAwaitOutput(context.Background(), out)
	if err != nil {
		t.Fatalf("output failed: %v", err)
	}
	v := r.Value
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		v = nil
		if !rv.IsNil() {
			v = rv.Elem().Interface()
		}
	}
	return Value{Value: v, Known: r.Known, Secret: r.Secret}
}
