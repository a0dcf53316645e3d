package plinthtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// CheckDocumentedDefaults compares the defaults written on struct fields in
// the Go files of dir with a defaulted value, the house rule that every
// default is written once in code and documented once on its field.
//
// A field documents its default in one of two forms, ending its comment:
// "Default: <Go literal>." (checked against the value) or
// "Default: - <behaviour>." (not checked: it depends on other fields).
// Every exported field reached from defaulted must have a doc comment.
// Nested structs, and pointers to them, are walked.
func CheckDocumentedDefaults(t testing.TB, dir string, defaulted any) {
	t.Helper()
	docs, err := fieldDocs(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		typ := v.Type()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() || f.Anonymous {
				continue
			}
			fv := v.Field(i)
			fpath := path + "." + f.Name
			doc, ok := docs[typ.Name()+"."+f.Name]
			if !ok {
				t.Errorf("%s has no doc comment in %s: document it (and its default)", fpath, dir)
				continue
			}
			if lit, has := literalDefault(doc); has {
				checked++
				if got := render(fv); got != lit {
					t.Errorf("%s documents \"Default: %s.\" but the defaulted value is %s", fpath, lit, got)
				}
			}
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct && fv.Type().PkgPath() == typ.PkgPath() {
				walk(fv, fpath)
			}
		}
	}
	v := reflect.ValueOf(defaulted)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	walk(v, v.Type().Name())
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

// fieldDocs returns the doc comment of every struct field declared in the
// non-test Go files of dir, keyed "Type.Field".
func fieldDocs(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				for _, id := range field.Names {
					if field.Doc != nil {
						docs[ts.Name.Name+"."+id.Name] = field.Doc.Text()
					}
				}
			}
			return true
		})
	}
	return docs, nil
}
