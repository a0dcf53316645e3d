// Package pipelines checks plinth's CI/CD definitions (.github/workflows
// and .gitlab-ci.yml) against the rules the project relies on, each with
// an ID that its finding starts with:
//
//   - what every pipeline must do: preview every stack on pull requests,
//     deploy production behind an approval, run the README's commands;
//   - supply chain and hygiene: third-party actions pinned to commit SHAs,
//     permissions declared, no step that prints secrets, deployments of
//     one stack never overlapping;
//   - trust levels (docs/ci.md, "Threat model"): pull-request code never
//     runs on the deploy runners or with write access to the cloud, never
//     reaches a self-hosted runner from a fork, and sees production's
//     secrets only after a reviewer approved the run; the OIDC trust
//     policies written in docs/ci.md admit exactly the jobs that use them.
package pipelines

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"sigs.k8s.io/yaml"
)

// Finding is one broken rule.
type Finding struct {
	// Rule is the rule's ID, e.g. CI-011.
	Rule string
	// Message says where and what, and how to fix it.
	Message string
}

func (f Finding) Error() string { return f.Rule + " " + f.Message }

// findings collects Findings.
type findings []Finding

func (fs *findings) add(rule, format string, args ...any) {
	*fs = append(*fs, Finding{Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Repo is what the checks read of a repository.
type Repo struct {
	// Slug is "<owner>/<name>", from the module path in go.mod.
	Slug string
	// Stacks are the stacks with a Pulumi.<stack>.yaml, local excluded.
	Stacks []string
	// Workflows are .github/workflows/*.yml by file name.
	Workflows map[string]Workflow
	// GitLab is .gitlab-ci.yml; nil when there is none.
	GitLab map[string]any
	// GitLabImage is the GitLab image pipeline template
	// (.gitlab/image.gitlab-ci.yml); nil when there is none.
	GitLabImage map[string]any
	// Trust are the OIDC trust policies written in docs/ci.md.
	Trust []TrustPolicy
}

// GitLabImageFile is the GitLab image pipeline template, relative to the
// repository.
const GitLabImageFile = ".gitlab/image.gitlab-ci.yml"

// Check returns every violation found in the repository at root.
func Check(root string) []Finding {
	repo, err := Load(root)
	if err != nil {
		return []Finding{{Rule: "CI-000", Message: err.Error()}}
	}
	return repo.Check()
}

// Load reads the repository at root.
func Load(root string) (*Repo, error) {
	r := &Repo{Workflows: map[string]Workflow{}}
	var err error
	if r.Stacks, err = cloudStacks(root); err != nil {
		return nil, err
	}
	if r.Slug, err = slug(root); err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	for _, f := range files {
		doc, err := load(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		r.Workflows[filepath.Base(f)] = Workflow{Name: filepath.Base(f), Doc: doc}
	}
	if _, err := os.Stat(filepath.Join(root, ".gitlab-ci.yml")); err == nil {
		if r.GitLab, err = load(filepath.Join(root, ".gitlab-ci.yml")); err != nil {
			return nil, fmt.Errorf(".gitlab-ci.yml: %w", err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, GitLabImageFile)); err == nil {
		if r.GitLabImage, err = load(filepath.Join(root, GitLabImageFile)); err != nil {
			return nil, fmt.Errorf("%s: %w", GitLabImageFile, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(root, "docs", "ci.md")); err == nil {
		if r.Trust, err = ParseTrust(string(b)); err != nil {
			return nil, fmt.Errorf("docs/ci.md: %w", err)
		}
	}
	return r, nil
}

// Check runs every rule on the repository.
func (r *Repo) Check() []Finding {
	var fs findings
	for _, name := range slices.Sorted(maps.Keys(r.Workflows)) {
		r.checkWorkflow(r.Workflows[name], &fs)
	}
	r.checkRequired(&fs)
	r.checkTrust(&fs)
	if r.GitLab != nil {
		r.checkGitLab(&fs)
	}
	r.checkImageWorkflows(&fs)
	if r.GitLabImage != nil {
		r.checkGitLabImage(&fs)
	}
	return fs
}

// checkRequired: what the pipelines must do as a whole.
func (r *Repo) checkRequired(fs *findings) {
	preview, ok := r.Workflows["preview.yml"]
	if !ok {
		fs.add("CI-020", "preview.yml is missing: preview every stack on pull requests")
	} else {
		if previewed := preview.matrixStacks(); !slices.Equal(previewed, r.Stacks) {
			fs.add("CI-020", "preview.yml previews %v, want every stack with a Pulumi.<stack>.yaml except local: %v", previewed, r.Stacks)
		}
		if !preview.triggeredBy("pull_request") {
			fs.add("CI-020", "preview.yml does not run on pull requests")
		}
	}
	deploy, ok := r.Workflows["deploy.yml"]
	if !ok {
		fs.add("CI-021", "deploy.yml is missing")
	} else {
		for _, stack := range r.Stacks {
			job := deploy.jobs()[stack]
			if job == nil {
				fs.add("CI-021", "deploy.yml has no job for stack %s", stack)
				continue
			}
			if isProd(stack) && environmentOf(job) != "production" {
				fs.add("CI-021", "deploy.yml job %s deploys without the production environment's approval (environment %q)", stack, environmentOf(job))
			}
		}
	}
	for _, cmd := range []string{"make test", "make e2e"} {
		if !r.Workflows["ci.yml"].runsCommand(cmd) {
			fs.add("CI-022", "ci.yml runs no step with %q, the README's command", cmd)
		}
	}
}

// cloudStacks are the stacks with a Pulumi.<stack>.yaml, local excluded.
func cloudStacks(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		s := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		if s != "local" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no Pulumi.<stack>.yaml in %s", root)
	}
	return out, nil
}

// slug is "<owner>/<name>" of a github.com module path in root/go.mod.
func slug(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	path := modfile.ModulePath(b)
	rest, ok := strings.CutPrefix(path, "github.com/")
	if !ok || strings.Count(rest, "/") < 1 {
		return "", fmt.Errorf("go.mod: module %q is not github.com/<owner>/<name>", path)
	}
	parts := strings.SplitN(rest, "/", 3)
	return parts[0] + "/" + parts[1], nil
}

// isProd reports whether a stack or environment is production's.
func isProd(name string) bool { return strings.Contains(strings.ToLower(name), "prod") }

func load(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// expr matches a ${{ … }} expression.
var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
