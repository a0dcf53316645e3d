package plinthtest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/godoc"
)

// CheckDocumentedDefaults compares the defaults written on struct fields in
// the Go files of dir with a defaulted value, the house rule that every
// default is written once in code and documented once on its field. It
// also checks that every field carries a `pulumi:"<name>"` tag: the
// component provider serves the Args to every Pulumi language through
// those tags, and a field without one would silently not exist there.
//
// A field documents its default in one of two forms, ending its comment:
// "Default: <Go literal>." (checked against the value) or
// "Default: - <behaviour>." (not checked: it depends on other fields).
// Every exported field reached from defaulted must have a doc comment.
// Nested structs, and pointers to them, are walked.
func CheckDocumentedDefaults(t T, dir string, defaulted any) {
	t.Helper()
	docs, err := godoc.Structs(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	seen := map[reflect.Type]bool{}
	// walk checks v's fields; a zero value standing in for a list's
	// elements (tagsOnly) has no defaults to compare.
	var walk func(v reflect.Value, path string, tagsOnly bool)
	walk = func(v reflect.Value, path string, tagsOnly bool) {
		typ := v.Type()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() || f.Anonymous {
				continue
			}
			fv := v.Field(i)
			fpath := path + "." + f.Name
			// A resource handle (pulumi.Resource, or a list of them) cannot
			// cross languages: it is a Go-only argument, with no name in the
			// provider.
			goOnly := f.Type == resourceType || f.Type.Kind() == reflect.Slice && f.Type.Elem() == resourceType
			if _, tagged := f.Tag.Lookup("pulumi"); !tagged && !goOnly {
				t.Errorf("%s has no pulumi tag: name it for the component provider, e.g. `pulumi:\"%s,optional\"`", fpath, lowerFirst(f.Name))
			}
			doc, ok := docs[typ.Name()+"."+f.Name]
			if !ok {
				t.Errorf("%s has no doc comment in %s: document it (and its default)", fpath, dir)
				continue
			}
			if lit, has := literalDefault(doc); has && !tagsOnly {
				checked++
				if got := render(fv); got != lit {
					t.Errorf("%s documents \"Default: %s.\" but the defaulted value is %s", fpath, lit, got)
				}
			}
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct && fv.Type().PkgPath() == typ.PkgPath() {
				walk(fv, fpath, tagsOnly)
			}
			// A list's element type: its first defaulted element, or a
			// zero value for the tags only.
			if k := fv.Kind(); k == reflect.Slice || k == reflect.Map {
				et := fv.Type().Elem()
				for et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct && et.PkgPath() == typ.PkgPath() && !seen[et] {
					seen[et] = true
					if k == reflect.Slice && fv.Len() > 0 {
						walk(reflect.Indirect(fv.Index(0)), fpath+"[0]", tagsOnly)
					} else {
						walk(reflect.New(et).Elem(), fpath+"[]", true)
					}
				}
			}
		}
	}
	v := reflect.ValueOf(defaulted)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	walk(v, v.Type().Name(), false)
	if checked == 0 {
		t.Errorf("no field in %s documents a literal default: the check checked nothing", dir)
	}
}

// literalDefault returns the literal of a "Default: <literal>." comment.
func literalDefault(doc string) (string, bool) {
	doc = strings.Join(strings.Fields(doc), " ")
	i := strings.LastIndex(doc, "Default: ")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimSuffix(strings.TrimSpace(doc[i+len("Default: "):]), ".")
	if strings.HasPrefix(rest, "- ") || rest == "-" {
		return "", false
	}
	return rest, true
}

func render(v reflect.Value) string {
	// A literal Input (pulumi.String) renders as its value.
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "nil"
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	default:
		return fmt.Sprintf("%v", v.Interface())
	}
}

// resourceType is the pulumi.Resource interface.
var resourceType = reflect.TypeOf((*pulumi.Resource)(nil)).Elem()

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
