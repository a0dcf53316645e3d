// Package inputtest checks that a component validates every field that
// takes a pulumi.Input both ways a value reaches it: a literal before
// anything is registered, an Output when it resolves, with one message.
// It imports the testing package, which pkg/plinthtest (linked into the
// stack program's gate) may not.
package inputtest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// Case is what one Input field of a component's Args refuses: the
// fields that take a value another resource may produce (pulumi.Input
// types, at any depth).
type Case[A any] struct {
	// Field is the field's path by its pulumi names: "clusterArn",
	// "serviceAccount.awsRoleArn"; a list or a map by its own name
	// ("adminRoleArns", "secrets"), whose first element (index 0, or the
	// first key of the good Args' map) is tried.
	Field string
	// Bad is a value the field refuses, and Want words of the message the
	// refusal must carry.
	Bad, Want string
	// Unchecked says, instead, why the field takes any string (a
	// password; an id only the cloud can judge).
	Unchecked string
	// Prepare, when set, makes the good Args ready for the field (sets
	// what must go with it, clears what it excludes). It gets a copy of
	// the top level: replace a pointed-to struct, do not change it.
	Prepare func(a *A)
}

var inputType = reflect.TypeFor[pulumi.Input]()

// Fields returns the paths of every field of A whose type is a
// pulumi.Input, or a list or map of them, at any depth (through pointers,
// structs and lists of structs, whose element is written [0]).
func Fields[A any]() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
			if name == "" || !f.IsExported() {
				continue
			}
			ft := f.Type
			switch {
			case isInput(ft), (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map) && isInput(ft.Elem()):
				out = append(out, prefix+name)
			case ft.Kind() == reflect.Slice:
				walk(ft.Elem(), prefix+name+"[0].")
			default:
				walk(ft, prefix+name+".")
			}
		}
	}
	walk(reflect.TypeFor[A](), "")
	return out
}

func isInput(t reflect.Type) bool { return t.Kind() == reflect.Interface && t.Implements(inputType) }

// Check runs every Input field of A (Fields) through both ways
// a value reaches it: as a literal, which must be refused before anything
// is registered, and as an Output (of another resource), which must fail
// the run when it resolves with the literal's message under the same
// field. A field with no case fails the test, so a new Input cannot skip
// it. good must deploy; prefix is the component's problem prefix
// (`ecs "api": `); create makes the component from Args.
func Check[A any](t *testing.T, good A, prefix string, create func(ctx *pulumi.Context, a A) error, cases []Case[A]) {
	t.Helper()
	if _, err := plinthtest.RunErr(func(ctx *pulumi.Context) error { return create(ctx, good) }); err != nil {
		t.Fatalf("the good Args fail: %v", err)
	}
	byField := map[string]Case[A]{}
	for _, c := range cases {
		byField[c.Field] = c
	}
	fields := Fields[A]()
	for _, f := range fields {
		if _, ok := byField[f]; !ok {
			t.Errorf("Input field %s has no case: give the value it refuses, or say why it takes any (Unchecked)", f)
		}
	}
	for _, c := range cases {
		if !slices.Contains(fields, c.Field) {
			t.Errorf("case %s names no Input field of %T (fields: %v)", c.Field, good, fields)
			continue
		}
		if c.Unchecked != "" {
			continue
		}
		if c.Bad == "" || c.Want == "" {
			t.Errorf("case %s has neither a bad value with its message nor a reason it is unchecked", c.Field)
			continue
		}
		t.Run(c.Field, func(t *testing.T) {
			for _, late := range []bool{false, true} {
				a := good
				if c.Prepare != nil {
					c.Prepare(&a)
				}
				path, err := setInput(reflect.ValueOf(&a).Elem(), c.Field, c.Bad, late)
				if err != nil {
					t.Fatal(err)
				}
				s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error { return create(ctx, a) })
				if !late {
					plinthtest.RequireProblem(t, err, prefix, path, c.Want)
					if len(s.Resources) != 0 {
						t.Fatalf("a literal %s = %q registered %d resources before it was refused", path, c.Bad, len(s.Resources))
					}
					continue
				}
				plinthtest.RequireProblemLine(t, err, prefix, path, c.Want)
				t.Logf("%s from an Output: refused when it resolved, after %d resources registered", path, len(s.Resources))
			}
		})
	}
}

// setInput sets the field at path (Fields' form) of v to bad, as a
// literal or an Output, and returns the path the component reports it
// under. It copies every pointer, list and map on the way, so the good
// Args are never changed.
func setInput(v reflect.Value, path, bad string, late bool) (string, error) {
	head, rest, nested := strings.Cut(path, ".")
	name, list := strings.CutSuffix(head, "[0]")
	f, ok := fieldByTag(v, name)
	if !ok {
		return "", fmt.Errorf("%s: no field %q in %s", path, name, v.Type())
	}
	if !nested {
		return head + setLeaf(f, bad, late), nil
	}
	switch {
	case list:
		// A list of structs: change a copy of its first element.
		n := reflect.MakeSlice(f.Type(), max(f.Len(), 1), max(f.Len(), 1))
		reflect.Copy(n, f)
		f.Set(n)
		p, err := setInput(n.Index(0), rest, bad, late)
		return name + "[0]." + p, err
	case f.Kind() == reflect.Pointer:
		n := reflect.New(f.Type().Elem())
		if !f.IsNil() {
			n.Elem().Set(f.Elem())
		}
		f.Set(n)
		p, err := setInput(n.Elem(), rest, bad, late)
		return head + "." + p, err
	default:
		p, err := setInput(f, rest, bad, late)
		return head + "." + p, err
	}
}

// setLeaf sets an Input field, or the first element of a list or map of
// them, and returns the element's suffix ("", "[0]" or ".<key>").
func setLeaf(f reflect.Value, bad string, late bool) string {
	str := func() reflect.Value {
		if late {
			return reflect.ValueOf(pulumi.String(bad).ToStringOutput())
		}
		return reflect.ValueOf(pulumi.String(bad))
	}
	t := f.Type()
	switch {
	case t.Kind() == reflect.Slice:
		n := reflect.MakeSlice(t, 1, 1)
		n.Index(0).Set(str())
		f.Set(n)
		return "[0]"
	case t.Kind() == reflect.Map:
		key := "VALUE"
		if keys := f.MapKeys(); len(keys) > 0 {
			names := make([]string, len(keys))
			for i, k := range keys {
				names[i] = k.String()
			}
			slices.Sort(names)
			key = names[0]
		}
		n := reflect.MakeMap(t)
		for _, k := range f.MapKeys() {
			n.SetMapIndex(k, f.MapIndex(k))
		}
		n.SetMapIndex(reflect.ValueOf(key), str())
		f.Set(n)
		return "." + key
	case reflect.TypeFor[pulumi.StringArray]().AssignableTo(t):
		if late {
			f.Set(reflect.ValueOf(pulumi.ToStringArray([]string{bad}).ToStringArrayOutput()))
		} else {
			f.Set(reflect.ValueOf(pulumi.StringArray{pulumi.String(bad)}))
		}
		return "[0]"
	default:
		f.Set(str())
		return ""
	}
}

func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("pulumi"), ","); tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}
