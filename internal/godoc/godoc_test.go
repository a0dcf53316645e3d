package godoc

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestStructsReadsWhatAUserSees(t *testing.T) {
	dir := t.TempDir()
	src := `package p

// Args configure a thing.
type Args struct {
	// Name names it.
	Name string
	// secret is an implementation detail.
	secret string
	// Size, Count are sized.
	Size, count int
}

// builder is unexported.
type builder struct {
	// Field is documented but its type is not exported.
	Field string
}

// Kind is not a struct.
type Kind string
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	// Test files are not read.
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\n// T is a test type.\ntype T struct{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	docs, err := Structs(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Args":      "Args configure a thing.\n",
		"Args.Name": "Name names it.\n",
		"Args.Size": "Size, Count are sized.\n",
	}
	if !maps.Equal(docs, want) {
		got := slices.Sorted(maps.Keys(docs))
		t.Fatalf("Structs = %q (keys %v), want %q", docs, got, want)
	}
}
