package plinthtest

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Lookup returns the input at path, a property path as Pulumi writes them
// (resource.ParsePropertyPath), e.g. "spec.template.spec.containers[0].image"
// or `metadata.labels["app.kubernetes.io/name"]`. Secret wrappers on the
// way are stepped through; secret reports whether any was. A malformed
// path finds nothing.
func (r Resource) Lookup(path string) (v resource.PropertyValue, secret, ok bool) {
	return lookup(resource.NewObjectProperty(r.Inputs), path)
}

func lookup(v resource.PropertyValue, path string) (resource.PropertyValue, bool, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return resource.PropertyValue{}, false, false
	}
	secret := false
	unwrap := func() {
		for v.IsSecret() {
			secret = true
			v = v.SecretValue().Element
		}
	}
	for _, key := range p {
		unwrap()
		next, ok := resource.PropertyPath{key}.Get(v)
		if !ok {
			return resource.PropertyValue{}, secret, false
		}
		v = next
	}
	unwrap()
	return v, secret, true
}

// Has reports whether an input is set at path.
func (r Resource) Has(path string) bool {
	_, _, ok := r.Lookup(path)
	return ok
}

// Value returns the plain Go value at path (see Plain), or fails the test.
func (r Resource) Value(t T, path string) any {
	t.Helper()
	v, _, ok := r.Lookup(path)
	if !ok {
		t.Fatalf("%s %q has no input %s; inputs:\n%s", r.Type, r.Name, path, r.JSON())
	}
	return Plain(v)
}

// Expect checks the plain value (see Value) at each path of want, and
// reports every path whose value differs. Values compare with ==, so want
// holds what Plain returns: string, float64, bool or nil.
func (r Resource) Expect(t T, want map[string]any) {
	t.Helper()
	for path, w := range want {
		if got := r.Value(t, path); got != w {
			t.Errorf("%s %q: %s = %#v, want %#v", r.Type, r.Name, path, got, w)
		}
	}
}

// String returns the string at path, or fails the test.
func (r Resource) String(t T, path string) string {
	t.Helper()
	return valueAs[string](t, r, path, "a string")
}

// Number returns the number at path, or fails the test.
func (r Resource) Number(t T, path string) float64 {
	t.Helper()
	return valueAs[float64](t, r, path, "a number")
}

// Bool returns the boolean at path, or fails the test.
func (r Resource) Bool(t T, path string) bool {
	t.Helper()
	return valueAs[bool](t, r, path, "a boolean")
}

// valueAs returns the plain value at path as a V, or fails the test
// saying it wanted what.
func valueAs[V any](t T, r Resource, path, what string) V {
	t.Helper()
	v := r.Value(t, path)
	x, ok := v.(V)
	if !ok {
		t.Fatalf("%s %q input %s = %#v, want %s", r.Type, r.Name, path, v, what)
	}
	return x
}

// IsSecret reports whether the input at path is (or sits inside) a secret.
func (r Resource) IsSecret(path string) bool {
	_, secret, _ := r.Lookup(path)
	return secret
}

// Plain returns the inputs as plain Go values (see Plain).
func (r Resource) Plain() map[string]any {
	return Plain(resource.NewObjectProperty(r.Inputs)).(map[string]any)
}

// JSON returns the inputs as indented JSON, secrets unwrapped; for
// failure messages and for decoding into API types.
func (r Resource) JSON() string {
	b, err := json.MarshalIndent(r.Plain(), "", "  ")
	if err != nil {
		return fmt.Sprintf("<inputs not JSON: %v>", err)
	}
	return string(b)
}

// Decode decodes the inputs at path ("" for all) into dst through JSON,
// e.g. a pod template into a k8s.io/api core/v1 PodTemplateSpec.
func (r Resource) Decode(t T, path string, dst any) {
	t.Helper()
	var v any = r.Plain()
	if path != "" {
		v = r.Value(t, path)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s %q: %v", r.Type, r.Name, err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		t.Fatalf("%s %q input %s does not decode into %T: %v", r.Type, r.Name, path, dst, err)
	}
}

// Plain converts a property value into plain Go values (map[string]any,
// []any, string, float64, bool, nil): secrets are unwrapped, unknown values
// become nil, resource references become their URN.
func Plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Plain(v.SecretValue().Element)
	case v.IsComputed():
		return nil
	case v.IsOutput():
		if o := v.OutputValue(); o.Known {
			return Plain(o.Element)
		}
		return nil
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsObject():
		m := map[string]any{}
		for k, e := range v.ObjectValue() {
			m[string(k)] = Plain(e)
		}
		return m
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = Plain(e)
		}
		return out
	case v.IsAsset(), v.IsArchive():
		return fmt.Sprint(v.V)
	default:
		return v.V
	}
}
