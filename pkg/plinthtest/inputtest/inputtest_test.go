package inputtest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

type inner struct {
	Role pulumi.StringInput `pulumi:"role"`
}

type args struct {
	Name    string                        `pulumi:"name"`
	Image   pulumi.StringInput            `pulumi:"image"`
	Subnets pulumi.StringArrayInput       `pulumi:"subnets"`
	Keys    []pulumi.StringInput          `pulumi:"keys"`
	Secrets map[string]pulumi.StringInput `pulumi:"secrets"`
	Account *inner                        `pulumi:"account"`
	Rules   []inner                       `pulumi:"rules"`
}

func TestFieldsFindsInputsAtAnyDepth(t *testing.T) {
	got := strings.Join(inputtest.Fields[args](), " ")
	if want := "image subnets keys secrets account.role rules[0].role"; got != want {
		t.Fatalf("Fields = %q, want %q", got, want)
	}
}

// inputField is a field whose type is a pulumi Input, in an args.go.
var inputField = regexp.MustCompile(`(?m)^\s+[A-Z]\w*\s+(\[\]|map\[string\])?pulumi\.\w+Input\s+` + "`pulumi:")

// Every component whose Args take an Input runs inputtest.Check: a new
// component cannot skip the literal-and-Output table.
func TestEveryComponentWithInputsRunsTheTable(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "..", "components", "*", "args.go"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no components found: %v", err)
	}
	for _, argsFile := range dirs {
		src, err := os.ReadFile(argsFile)
		if err != nil {
			t.Fatal(err)
		}
		if !inputField.Match(src) {
			continue
		}
		dir := filepath.Dir(argsFile)
		tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		found := false
		for _, f := range tests {
			b, _ := os.ReadFile(f)
			found = found || strings.Contains(string(b), "inputtest.Check(")
		}
		if !found {
			t.Errorf("%s takes Inputs but no test of it runs inputtest.Check", filepath.Base(dir))
		}
	}
}
