package pipelines

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Runner labels of the self-hosted pools (docs/ci.md, "Runners").
const (
	// DeployPool runs main's deployments and the nightly drift check, only
	// in environments that main alone may use.
	DeployPool = "plinth-deployer"
	// PreviewPool runs pull requests' previews of the non-production
	// stacks: ephemeral, one job per runner, no route to production.
	PreviewPool = "plinth-preview"
	// ProdPreviewPool runs the approved previews of production.
	ProdPreviewPool = "plinth-preview-prod"
)

// ProtectedEnvironments are the GitHub environments that only main, or a
// run a reviewer approved, may use: production's secrets and roles live
// there.
var ProtectedEnvironments = []string{"production", "production-preview", "drift"}

// forkGuard is the condition that keeps a fork's pull request off
// self-hosted runners.
const forkGuard = "github.event.pull_request.head.repo.full_name == github.repository"

var (
	shaPinned = regexp.MustCompile(`^[^@\s]+@[0-9a-f]{40}$`)
	// untrusted are the expressions whose value an outsider writes: pull
	// request titles, bodies, branch names, comments, commit messages.
	untrusted = regexp.MustCompile(`^(github\.event\.|github\.head_ref)`)
	secretRef = regexp.MustCompile(`secrets\.([A-Za-z0-9_]+)`)
	matrixRef = regexp.MustCompile(`secrets\[\s*matrix\.([A-Za-z0-9_]+)\s*\]`)
	varRef    = regexp.MustCompile(`vars\.([A-Za-z0-9_]+)|vars\[\s*matrix\.([A-Za-z0-9_]+)\s*\]`)
)

// Workflow is one GitHub Actions workflow file.
type Workflow struct {
	// Name is the file name, e.g. "preview.yml".
	Name string
	// Doc is the parsed YAML.
	Doc map[string]any
}

func (r *Repo) checkWorkflow(w Workflow, fs *findings) {
	name := w.Name
	if _, ok := w.Doc["permissions"]; !ok {
		fs.add("CI-005", "%s declares no top-level permissions: set them (least privilege, e.g. contents: read)", name)
	}
	if w.triggeredBy("pull_request_target") {
		fs.add("CI-010", "%s runs on pull_request_target, which runs with the repository's secrets and write token next to a pull request's code: use pull_request", name)
	}
	prCode := w.triggeredBy("pull_request") || w.triggeredBy("pull_request_target")
	for _, jobName := range slices.Sorted(maps.Keys(w.jobs())) {
		job := w.jobs()[jobName]
		where := name + " job " + jobName
		if uses, ok := job["uses"].(string); ok && !strings.HasPrefix(uses, "./") && !shaPinned.MatchString(uses) {
			fs.add("CI-001", "%s uses %s, which is not pinned to a commit SHA", where, uses)
		}
		r.checkPermissions(where, job, fs)
		if strings.HasPrefix(name, "deploy") && job["steps"] != nil && job["concurrency"] == nil {
			fs.add("CI-007", "%s has no concurrency group: two deploys of one stack could overlap", where)
		}
		labels := runsOn(job)
		selfHosted := slices.Contains(labels, "self-hosted")
		env := environmentOf(job)
		switch {
		case prCode && selfHosted && !strings.Contains(fmt.Sprint(job["if"]), forkGuard):
			fs.add("CI-011", "%s runs a pull request's code on a self-hosted runner without `if: %s`: a fork's code would reach the runner (forks get the offline preview)", where, forkGuard)
		}
		switch {
		case slices.Contains(labels, DeployPool) && prCode:
			fs.add("CI-012", "%s runs a pull request's code on the deploy pool (%s), next to production's deployments: use %s or %s", where, DeployPool, PreviewPool, ProdPreviewPool)
		case slices.Contains(labels, DeployPool) && env == "":
			fs.add("CI-012", "%s runs on the deploy pool (%s) outside an environment: give it one that only main may use", where, DeployPool)
		case slices.Contains(labels, ProdPreviewPool) && env != "production-preview":
			fs.add("CI-012", "%s runs on the production preview pool (%s) without the approval of the production-preview environment", where, ProdPreviewPool)
		case prCode && selfHosted && !slices.Contains(labels, PreviewPool) && !slices.Contains(labels, ProdPreviewPool):
			fs.add("CI-012", "%s runs a pull request's code on self-hosted runners %v: use the preview pools (%s, %s)", where, labels, PreviewPool, ProdPreviewPool)
		}
		for _, s := range w.secretsOf(job) {
			if isProd(s) && !slices.Contains(ProtectedEnvironments, resolvedEnv(env)) {
				fs.add("CI-013", "%s reads production's secret %s outside a protected environment (%s): only a run on main, or one a reviewer approved, may", where, s, strings.Join(ProtectedEnvironments, ", "))
			}
		}
		if prCode {
			for _, v := range w.rolesOf(job, nil) {
				if !strings.Contains(v, "PREVIEW") {
					fs.add("CI-014", "%s assumes %s on a pull request: previews use the read-only preview roles (*_PREVIEW_*)", where, v)
				}
			}
		}
		for i, step := range steps(job) {
			sw := fmt.Sprintf("%s step %d", where, i+1)
			uses, _ := step["uses"].(string)
			if uses != "" && !strings.HasPrefix(uses, "./") && !shaPinned.MatchString(uses) {
				fs.add("CI-001", "%s uses %s, which is not pinned to a commit SHA", sw, uses)
			}
			if strings.HasPrefix(uses, "actions/checkout@") {
				with, _ := step["with"].(map[string]any)
				if with["persist-credentials"] != false {
					fs.add("CI-015", "%s checks out without `persist-credentials: false`: the token would stay in .git/config for every later step (and, on a self-hosted runner, the next job)", sw)
				}
			}
			run, _ := step["run"].(string)
			for _, m := range expr.FindAllStringSubmatch(run, -1) {
				switch {
				case strings.HasPrefix(m[1], "secrets."), strings.HasPrefix(m[1], "secrets["):
					fs.add("CI-002", "%s expands a secret into its script: pass it through env instead, so it is never echoed", sw)
				case untrusted.MatchString(m[1]):
					fs.add("CI-016", "%s expands %s into its script, where its author's text becomes shell code: pass it through env", sw, m[0])
				}
			}
			for _, leak := range []string{"printenv", "env |", "set -x", "echo $PULUMI_CONFIG_PASSPHRASE", "cat $GOOGLE_APPLICATION_CREDENTIALS"} {
				if strings.Contains(run, leak) {
					fs.add("CI-003", "%s runs %q, which can print secrets", sw, leak)
				}
			}
		}
	}
}

// evidence says which steps need each write permission.
var evidence = map[string]func(job map[string]any) bool{
	"id-token": func(job map[string]any) bool {
		return job["uses"] != nil || hasStep(job, func(s map[string]any) bool {
			u, _ := s["uses"].(string)
			run, _ := s["run"].(string)
			return strings.HasPrefix(u, "aws-actions/configure-aws-credentials@") || strings.HasPrefix(u, "google-github-actions/auth@") ||
				cosignSign.MatchString(run) // keyless: the workflow's OIDC token is the signing identity
		})
	},
	"security-events": func(job map[string]any) bool {
		return hasStep(job, func(s map[string]any) bool {
			run, _ := s["run"].(string)
			return strings.Contains(run, "code-scanning/sarifs")
		})
	},
	"pull-requests": func(job map[string]any) bool {
		return hasStep(job, func(s map[string]any) bool {
			with, _ := s["with"].(map[string]any)
			run, _ := s["run"].(string)
			return with["comment-on-pr"] == true || strings.Contains(run, "gh pr comment")
		})
	},
	"issues": func(job map[string]any) bool {
		return hasStep(job, func(s map[string]any) bool {
			u, _ := s["uses"].(string)
			return strings.HasPrefix(u, "actions/github-script@")
		})
	},
	"contents": func(job map[string]any) bool {
		return hasStep(job, func(s map[string]any) bool {
			run, _ := s["run"].(string)
			return strings.Contains(run, "gh release create")
		})
	},
}

// checkPermissions: every job declares its permissions, and each write
// is used by one of its steps.
func (r *Repo) checkPermissions(where string, job map[string]any, fs *findings) {
	perms, ok := job["permissions"].(map[string]any)
	if !ok {
		fs.add("CI-006", "%s declares no permissions: grant the job only what it needs", where)
		return
	}
	for _, scope := range slices.Sorted(maps.Keys(perms)) {
		if perms[scope] != "write" {
			continue
		}
		if need, known := evidence[scope]; !known || !need(job) {
			fs.add("CI-006", "%s may write %s, which none of its steps needs: drop it", where, scope)
		}
	}
}

// secretsOf are the secrets a job names, with secrets[matrix.x] resolved
// to the matrix's values.
func (w Workflow) secretsOf(job map[string]any) []string {
	b, _ := yaml.Marshal(job)
	text := string(b)
	var out []string
	for _, m := range secretRef.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	for _, m := range matrixRef.FindAllStringSubmatch(text, -1) {
		out = append(out, matrixValues(job, m[1])...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// inputCond is a step condition on a reusable workflow's input.
var inputCond = regexp.MustCompile(`^inputs\.([A-Za-z0-9_-]+) == '([^']*)'$`)

// rolesOf are the variables naming the cloud roles a job assumes. inputs
// are a caller's inputs to a reusable workflow (nil otherwise): a step
// whose condition on an input is false for them is skipped.
func (w Workflow) rolesOf(job map[string]any, inputs map[string]any) []string {
	var out []string
	for _, s := range steps(job) {
		if m := inputCond.FindStringSubmatch(strings.TrimSpace(fmt.Sprint(s["if"]))); m != nil && inputs != nil && fmt.Sprint(inputs[m[1]]) != m[2] {
			continue
		}
		u, _ := s["uses"].(string)
		with, _ := s["with"].(map[string]any)
		var ref string
		switch {
		case strings.HasPrefix(u, "aws-actions/configure-aws-credentials@"):
			ref, _ = with["role-to-assume"].(string)
		case strings.HasPrefix(u, "google-github-actions/auth@"):
			ref, _ = with["service_account"].(string)
		default:
			continue
		}
		for _, m := range varRef.FindAllStringSubmatch(ref, -1) {
			if m[1] != "" {
				out = append(out, m[1])
			} else {
				out = append(out, matrixValues(job, m[2])...)
			}
		}
	}
	return out
}

func matrixValues(job map[string]any, key string) []string {
	var out []string
	strategy, _ := job["strategy"].(map[string]any)
	matrix, _ := strategy["matrix"].(map[string]any)
	include, _ := matrix["include"].([]any)
	for _, inc := range include {
		m, _ := inc.(map[string]any)
		if s, ok := m[key].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (w Workflow) jobs() map[string]map[string]any {
	out := map[string]map[string]any{}
	js, _ := w.Doc["jobs"].(map[string]any)
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

func hasStep(job map[string]any, f func(map[string]any) bool) bool {
	return slices.ContainsFunc(steps(job), f)
}

// runsOn are a job's runner labels.
func runsOn(job map[string]any) []string {
	switch r := job["runs-on"].(type) {
	case string:
		return []string{r}
	case []any:
		var out []string
		for _, l := range r {
			out = append(out, fmt.Sprint(l))
		}
		return out
	}
	return nil
}

// environmentOf is a job's environment, or the one a call to a reusable
// workflow passes as its "environment" input.
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

// resolvedEnv is env unless it is an expression, which only a caller can
// resolve (checked there): it is then treated as protected.
func resolvedEnv(env string) string {
	if expr.MatchString(env) {
		return ProtectedEnvironments[0]
	}
	return env
}

func (w Workflow) matrixStacks() []string {
	var out []string
	for _, job := range w.jobs() {
		out = append(out, matrixValues(job, "stack")...)
	}
	sort.Strings(out)
	return out
}

func (w Workflow) runsCommand(cmd string) bool {
	for _, job := range w.jobs() {
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
func (w Workflow) triggeredBy(event string) bool {
	on, ok := w.Doc["on"]
	if !ok {
		on = w.Doc["true"]
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
