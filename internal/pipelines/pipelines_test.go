package pipelines

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestRepositoryPipelines(t *testing.T) {
	repo, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Workflows) == 0 || repo.GitLab == nil || len(repo.Trust) == 0 {
		t.Fatalf("nothing to check: %d workflows, GitLab %v, %d trust policies", len(repo.Workflows), repo.GitLab != nil, len(repo.Trust))
	}
	for _, f := range repo.Check() {
		t.Error(f)
	}
}

// fixture breaks one rule of the repository's own pipelines: each of its
// edits sets (or, with a null value, deletes) a path of a workflow or of
// .gitlab-ci.yml, or replaces text of docs/ci.md.
type fixture struct {
	Why string `json:"why"`
	// Also are other rules the same change breaks.
	Also  []string `json:"also"`
	Edits []struct {
		File  string          `json:"file"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
		Old   string          `json:"old"`
		New   string          `json:"new"`
	} `json:"edits"`
}

// TestEveryRuleCatchesItsFixture applies each fixture in testdata/rules
// (named <rule>-<what>.yaml) to the repository's pipelines: the checker
// must report that rule, and no other.
func TestEveryRuleCatchesItsFixture(t *testing.T) {
	files, _ := filepath.Glob("testdata/rules/*.yaml")
	if len(files) < 30 {
		t.Fatalf("%d fixtures, want one per rule", len(files))
	}
	covered := map[string]bool{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		rule := name[:6]
		covered[rule] = true
		t.Run(name, func(t *testing.T) {
			repo, err := Load("../..")
			if err != nil {
				t.Fatal(err)
			}
			var fx fixture
			b, _ := os.ReadFile(file)
			if err := yaml.Unmarshal(b, &fx); err != nil || len(fx.Edits) == 0 || fx.Why == "" {
				t.Fatalf("%s: want why and edits (%v)", file, err)
			}
			if err := apply(repo, fx); err != nil {
				t.Fatal(err)
			}
			var got, others []string
			also := map[string]bool{}
			for _, f := range repo.Check() {
				switch {
				case f.Rule == rule:
					got = append(got, f.Error())
				case slices.Contains(fx.Also, f.Rule):
					also[f.Rule] = true
				default:
					others = append(others, f.Error())
				}
			}
			if len(got) == 0 {
				t.Errorf("%s was not caught (%s)", rule, fx.Why)
			}
			for _, a := range fx.Also {
				if !also[a] {
					t.Errorf("the fixture says it also breaks %s, which was not reported", a)
				}
			}
			if len(others) > 0 {
				t.Errorf("the fixture breaks rules it does not name:\n%s", strings.Join(others, "\n"))
			}
		})
	}
	for _, rule := range ruleIDs(t) {
		if !covered[rule] {
			t.Errorf("rule %s has no fixture in testdata/rules", rule)
		}
	}
}

// ruleIDs are the rule IDs the checker's sources report.
func ruleIDs(t *testing.T) []string {
	var ids []string
	re := regexp.MustCompile(`"((?:CI|GL)-0[0-9][0-9])"`)
	srcs, _ := filepath.Glob("*.go")
	for _, src := range srcs {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "CI-000" && !slices.Contains(ids, m[1]) {
				ids = append(ids, m[1])
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func apply(repo *Repo, fx fixture) error {
	for _, e := range fx.Edits {
		switch {
		case e.File == "docs/ci.md":
			b, err := os.ReadFile("../../docs/ci.md")
			if err != nil {
				return err
			}
			if !strings.Contains(string(b), e.Old) {
				return fmt.Errorf("docs/ci.md has no %q", e.Old)
			}
			if repo.Trust, err = ParseTrust(strings.Replace(string(b), e.Old, e.New, 1)); err != nil {
				return err
			}
		case e.File == ".gitlab-ci.yml", e.File == GitLabImageFile:
			doc := repo.GitLab
			if e.File == GitLabImageFile {
				doc = repo.GitLabImage
			}
			if err := set(doc, e.Path, e.Value); err != nil {
				return fmt.Errorf("%s: %w", e.File, err)
			}
		default:
			w, ok := repo.Workflows[strings.TrimPrefix(e.File, ".github/workflows/")]
			if !ok {
				return fmt.Errorf("no workflow %s", e.File)
			}
			if err := set(w.Doc, e.Path, e.Value); err != nil {
				return fmt.Errorf("%s: %w", e.File, err)
			}
		}
	}
	return nil
}

// set sets the dotted path (list items as numbers) of doc to the JSON
// value, or deletes it when the value is null. A key with dots is quoted:
// jobs."preview:dev".tags.
func set(doc map[string]any, path string, raw json.RawMessage) error {
	keys := splitPath(path)
	var parent any = doc
	for i, k := range keys {
		last := i == len(keys)-1
		switch p := parent.(type) {
		case map[string]any:
			if last {
				if string(raw) == "null" {
					delete(p, k)
					return nil
				}
				var v any
				if err := json.Unmarshal(raw, &v); err != nil {
					return err
				}
				p[k] = v
				return nil
			}
			next, ok := p[k]
			if !ok {
				return fmt.Errorf("%s: no %q", path, k)
			}
			parent = next
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(p) {
				return fmt.Errorf("%s: no item %q", path, k)
			}
			if last {
				var v any
				if err := json.Unmarshal(raw, &v); err != nil {
					return err
				}
				p[n] = v
				return nil
			}
			parent = p[n]
		default:
			return fmt.Errorf("%s: %q is not a map or list", path, k)
		}
	}
	return nil
}

func splitPath(path string) []string {
	var out []string
	for path != "" {
		if strings.HasPrefix(path, `"`) {
			end := strings.Index(path[1:], `"`) + 1
			out = append(out, path[1:end])
			path = strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		k, rest, _ := strings.Cut(path, ".")
		out = append(out, k)
		path = rest
	}
	return out
}
