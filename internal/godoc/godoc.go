// Package godoc reads the doc comments of the struct types in a package's
// source: plinth documents every Args field once, on the field, and the
// tests (documented defaults) and the component provider (schema
// descriptions) both read them from there.
package godoc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// Structs returns the doc comment of every exported struct type declared
// in the non-test Go files of dir, keyed "Type", and of its exported
// fields, keyed "Type.Field": the documentation a user of the package
// sees. Comments are returned as go/ast gives them (lines joined with
// newlines).
func Structs(dir string) (map[string]string, error) {
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
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok || !ts.Name.IsExported() {
					continue
				}
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if doc != nil {
					docs[ts.Name.Name] = doc.Text()
				}
				for _, field := range st.Fields.List {
					for _, id := range field.Names {
						if field.Doc != nil && id.IsExported() {
							docs[ts.Name.Name+"."+id.Name] = field.Doc.Text()
						}
					}
				}
			}
		}
	}
	return docs, nil
}
