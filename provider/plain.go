package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A component's Args field is either a pulumi Input, which may take
// another resource's output, or plain: a value the component needs when
// the program runs (a replica count, a tier, a list of CIDRs that decide
// which resources exist). One reflection of the Args decides both where
// the schema says "plain" (so a generated SDK refuses an Output there
// when the program is compiled) and where Construct refuses an output
// with a message naming the field at any depth. infer marks only the
// top-level primitives plain.

var inputIface = reflect.TypeFor[pulumi.Input]()

// isInput reports whether a field of type t takes outputs.
func isInput(t reflect.Type) bool { return t.Implements(inputIface) }

// deref strips pointers.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// isObject reports whether t (after pointers) is one of the library's
// structs, a schema object type.
func isObject(t reflect.Type) bool {
	t = deref(t)
	return t.Kind() == reflect.Struct && t.PkgPath() != "" && !isInput(t)
}

// markPlain sets "plain" on the properties of m[key] whose field of t is
// not an Input, and on the items of a plain list or map.
func markPlain(m map[string]any, key string, t reflect.Type) {
	props, _ := m[key].(map[string]any)
	for _, f := range reflect.VisibleFields(deref(t)) {
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		prop, ok := props[name].(map[string]any)
		if !ok || name == "" || isInput(f.Type) {
			continue
		}
		prop["plain"] = true
		ft := deref(f.Type)
		for _, inner := range []string{"items", "additionalProperties"} {
			if el, ok := prop[inner].(map[string]any); ok && (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map) && !isInput(ft.Elem()) {
				el["plain"] = true
			}
		}
	}
}

// plainOutputs returns a problem for each value in inputs that is
// another resource's output (or unknown, or a secret) where the Args
// type t takes a plain value, at its path ("networkPolicy.allowFromNamespaces[0]").
// Objects are walked into: their own dependencies are those of what they
// hold.
func plainOutputs(inputs property.Map, t reflect.Type) []string {
	var out []string
	var walk func(v property.Value, t reflect.Type, path string)
	walk = func(v property.Value, t reflect.Type, path string) {
		if v.IsNull() || isInput(t) {
			return
		}
		t = deref(t)
		switch {
		case isObject(t) && v.IsMap():
			fields := map[string]reflect.Type{}
			for _, f := range reflect.VisibleFields(t) {
				if name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); name != "" {
					fields[name] = f.Type
				}
			}
			for k, e := range v.AsMap().AllStable {
				if ft, ok := fields[k]; ok {
					walk(e, ft, join(path, k))
				}
			}
		case t.Kind() == reflect.Slice && v.IsArray():
			// A list's own dependencies are its elements' (the engine
			// merges them up to the top-level property): the elements
			// decide.
			for i, e := range v.AsArray().All {
				walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		case t.Kind() == reflect.Map && v.IsMap():
			for k, e := range v.AsMap().AllStable {
				walk(e, t.Elem(), join(path, k))
			}
		case v.IsComputed() || len(v.Dependencies()) > 0 || v.Secret():
			out = append(out, fmt.Sprintf("%s takes a value known when the program runs, not another resource's output or a secret: pass a literal (the fields that take outputs are listed as inputs in the schema)", path))
		}
	}
	for k, v := range inputs.AllStable {
		for _, f := range reflect.VisibleFields(deref(t)) {
			if name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); name == k {
				walk(v, f.Type, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
