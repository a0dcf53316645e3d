// Package pipelines checks the structure of plinth's CI/CD definitions
// (.github/workflows and .gitlab-ci.yml) against the rules the project
// relies on: every environment is previewed on pull requests, production
// needs an approval, third-party actions are pinned to commit SHAs, no
// step prints secrets, permissions are declared, deployments of one stack
// never overlap, and CI runs the README's commands.
package pipelines

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

var shaPinned = regexp.MustCompile(`^[^@\s]+@[0-9a-f]{40}$`)

// Check returns every violation found in the repository at root.
func Check(root string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	stacks, err := cloudStacks(root)
	if err != nil {
		return []error{err}
	}
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	workflows := map[string]map[string]any{}
	for _, f := range files {
		w, err := load(f)
		if err != nil {
			add("%s: %v", filepath.Base(f), err)
			continue
		}
		workflows[filepath.Base(f)] = w
	}
	for _, name := range sortedKeys(workflows) {
		checkWorkflow(name, workflows[name], add)
	}

	// Every non-local stack is previewed on pull requests.
	if previewed := matrixStacks(workflows["preview.yml"]); !slices.Equal(previewed, stacks) {
		add("preview.yml previews %v, want every stack with a Pulumi.<stack>.yaml except local: %v", previewed, stacks)
	}
	if !triggeredBy(workflows["preview.yml"], "pull_request") {
		add("preview.yml does not run on pull requests")
	}
	// Production deploys wait for an approval.
	deploy := workflows["deploy.yml"]
	if deploy == nil {
		add("deploy.yml is missing")
	} else {
		for _, stack := range stacks {
			job := jobs(deploy)[stack]
			if job == nil {
				add("deploy.yml has no job for stack %s", stack)
				continue
			}
			if strings.Contains(stack, "prod") && environmentOf(job) != "production" {
				add("deploy.yml job %s deploys without the production environment's approval (environment %q)", stack, environmentOf(job))
			}
		}
	}
	// CI runs the README's commands.
	ci := workflows["ci.yml"]
	for _, cmd := range []string{"make test", "make e2e"} {
		if !runsCommand(ci, cmd) {
			add("ci.yml runs no step with %q, the README's command", cmd)
		}
	}
	checkGitLab(root, stacks, add)
	return errs
}

func checkWorkflow(name string, w map[string]any, add func(string, ...any)) {
	if _, ok := w["permissions"]; !ok {
		add("%s declares no top-level permissions: set them (least privilege, e.g. contents: read)", name)
	}
	for jobName, job := range jobs(w) {
		where := name + " job " + jobName
		if uses, ok := job["uses"].(string); ok && !strings.HasPrefix(uses, "./") && !shaPinned.MatchString(uses) {
			add("%s uses %s, which is not pinned to a commit SHA", where, uses)
		}
		perms, hasPerms := job["permissions"].(map[string]any)
		if !hasPerms {
			add("%s declares no permissions: grant the job only what it needs", where)
		}
		for scope, level := range perms {
			if level == "write" && scope == "contents" && !strings.Contains(name, "release") {
				add("%s may write the repository's contents: only releases need that", where)
			}
		}
		if strings.HasPrefix(name, "deploy") && job["steps"] != nil && job["concurrency"] == nil {
			add("%s has no concurrency group: two deploys of one stack could overlap", where)
		}
		for i, step := range steps(job) {
			sw := fmt.Sprintf("%s step %d", where, i+1)
			if uses, ok := step["uses"].(string); ok && !strings.HasPrefix(uses, "./") && !shaPinned.MatchString(uses) {
				add("%s uses %s, which is not pinned to a commit SHA", sw, uses)
			}
			run, _ := step["run"].(string)
			if strings.Contains(run, "${{ secrets.") || strings.Contains(run, "${{secrets.") {
				add("%s expands a secret into its script: pass it through env instead, so it is never echoed", sw)
			}
			for _, leak := range []string{"printenv", "env |", "set -x", "echo $PULUMI_CONFIG_PASSPHRASE", "cat $GOOGLE_APPLICATION_CREDENTIALS"} {
				if strings.Contains(run, leak) {
					add("%s runs %q, which can print secrets", sw, leak)
				}
			}
		}
	}
}

func checkGitLab(root string, stacks []string, add func(string, ...any)) {
	gl, err := load(filepath.Join(root, ".gitlab-ci.yml"))
	if err != nil {
		add(".gitlab-ci.yml: %v", err)
		return
	}
	for _, stack := range stacks {
		if gl["preview:"+stack] == nil {
			add(".gitlab-ci.yml has no merge-request preview of %s", stack)
		}
		job, _ := gl["deploy:"+stack].(map[string]any)
		if job == nil {
			add(".gitlab-ci.yml has no deploy job for %s", stack)
			continue
		}
		if strings.Contains(stack, "prod") && !strings.Contains(fmt.Sprint(job["rules"]), "when:manual") {
			add(".gitlab-ci.yml deploys %s without a manual approval", stack)
		}
	}
	e2e, _ := gl["e2e"].(map[string]any)
	if !strings.Contains(fmt.Sprint(e2e["script"]), "make e2e") {
		add(".gitlab-ci.yml e2e job does not run make e2e")
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

func jobs(w map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	js, _ := w["jobs"].(map[string]any)
	for name, j := range js {
		if m, ok := j.(map[string]any); ok {
			out[name] = m
		}
	}
	return out
}

func steps(job map[string]any) []map[string]any {
	var out []map[string]any
	ss, _ := job["steps"].([]any)
	for _, s := range ss {
		if m, ok := s.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func environmentOf(job map[string]any) string {
	if e, ok := job["environment"].(string); ok {
		return e
	}
	if e, ok := job["environment"].(map[string]any); ok {
		n, _ := e["name"].(string)
		return n
	}
	with, _ := job["with"].(map[string]any)
	e, _ := with["environment"].(string)
	return e
}

func matrixStacks(w map[string]any) []string {
	var out []string
	for _, job := range jobs(w) {
		strategy, _ := job["strategy"].(map[string]any)
		matrix, _ := strategy["matrix"].(map[string]any)
		include, _ := matrix["include"].([]any)
		for _, inc := range include {
			m, _ := inc.(map[string]any)
			if s, ok := m["stack"].(string); ok {
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

func runsCommand(w map[string]any, cmd string) bool {
	for _, job := range jobs(w) {
		for _, s := range steps(job) {
			if run, _ := s["run"].(string); strings.Contains(run, cmd) {
				return true
			}
		}
	}
	return false
}

// triggeredBy reports whether the workflow runs on event. YAML 1.1 reads
// the key "on" as the boolean true, so both spellings are looked up.
func triggeredBy(w map[string]any, event string) bool {
	on, ok := w["on"]
	if !ok {
		on = w["true"]
	}
	switch t := on.(type) {
	case map[string]any:
		_, ok := t[event]
		return ok
	case []any:
		return slices.Contains(t, any(event))
	case string:
		return t == event
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
