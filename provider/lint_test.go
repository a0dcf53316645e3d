package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// goWords are Go terms a description must not use: the schema is read by
// users of every language (TypeScript, Python, YAML, …).
var goWords = regexp.MustCompile(`\b(nil|pointer|struct|slice)\b|pulumi\.[A-Z]\w*|\*\w+Args\b|map\[`)

// requiredAlways is a description that says the field is required with no
// condition ("Required.", "Required:", "Required (…)"), not "Required
// with Ingress" or "Required in install mode".
var requiredAlways = regexp.MustCompile(`\bRequired[.:(]|\bRequired \(`)

type schemaProperty struct {
	Description string `json:"description"`
}

type object struct {
	Description     string                    `json:"description"`
	InputProperties map[string]schemaProperty `json:"inputProperties"`
	Properties      map[string]schemaProperty `json:"properties"`
	RequiredInputs  []string                  `json:"requiredInputs"`
	Required        []string                  `json:"required"`
}

// lintSchema returns the problems of a schema: a missing description, Go
// words in one, a field whose description says it is required that the
// schema leaves optional.
func lintSchema(schema []byte) ([]string, error) {
	var spec struct {
		Resources map[string]object `json:"resources"`
		Types     map[string]object `json:"types"`
	}
	if err := json.Unmarshal(schema, &spec); err != nil {
		return nil, err
	}
	var out []string
	check := func(where string, props map[string]schemaProperty, required []string) {
		for name, p := range props {
			at := where + "." + name
			switch {
			case p.Description == "":
				out = append(out, at+": no description")
			case goWords.MatchString(p.Description):
				out = append(out, at+": Go wording "+strings.Join(goWords.FindAllString(p.Description, -1), ", "))
			}
			if requiredAlways.MatchString(p.Description) && !slices.Contains(required, name) {
				out = append(out, at+": its description says Required, but the schema does not require it")
			}
		}
	}
	for token, r := range spec.Resources {
		if r.Description == "" {
			out = append(out, token+": no description")
		}
		check(token+" input", r.InputProperties, r.RequiredInputs)
		check(token+" output", r.Properties, r.Required)
	}
	for token, t := range spec.Types {
		if t.Description == "" {
			out = append(out, token+": no description")
		}
		check(token, t.Properties, t.Required)
	}
	sort.Strings(out)
	return out, nil
}

func TestSchemaLint(t *testing.T) {
	schema, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := lintSchema(schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	// The lint fails on each mistake it names.
	bad := []byte(`{"resources":{"plinth:x:Y":{"description":"Y.","inputProperties":{
		"a":{"description":"A; nil for none."},
		"b":{},
		"c":{"description":"C. Required."},
		"d":{"description":"D. Required with Ingress."}}}}}`)
	problems, err = lintSchema(bad)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"plinth:x:Y input.a: Go wording nil",
		"plinth:x:Y input.b: no description",
		"plinth:x:Y input.c: its description says Required, but the schema does not require it",
	}
	if !slices.Equal(problems, want) {
		t.Fatalf("lint of the probe = %q, want %q", problems, want)
	}
}

// The README's component table lists exactly the components the provider
// serves.
func TestTheReadmeListsEveryComponent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\|[^|]+\\|[^|]+\\| `(plinth:[A-Za-z]+:[A-Za-z]+)` \\|").FindAllSubmatch(readme, -1) {
		listed = append(listed, string(m[1]))
	}
	var spec struct {
		Resources map[string]any `json:"resources"`
	}
	schema, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(schema, &spec); err != nil {
		t.Fatal(err)
	}
	var served []string
	for token := range spec.Resources {
		served = append(served, token)
	}
	sort.Strings(listed)
	sort.Strings(served)
	if !slices.Equal(listed, served) {
		t.Fatalf("the README's table lists %v; the provider serves %v", listed, served)
	}
	for _, f := range []string{"../README.md", "main.go"} {
		b, _ := os.ReadFile(f)
		if m := regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|eight|nine|ten) components\b`).Find(b); m != nil {
			t.Errorf("%s counts the components in words (%q): it goes stale; name the table instead", f, m)
		}
	}
}
