package pipelines

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// makePlan matches a script line running `make … plan`.
var makePlan = regexp.MustCompile(`\bmake\b[^\n]*\bplan\b`)

// sameProject is the rule condition that keeps a fork's merge request
// pipeline (run in the parent project by a maintainer) away from
// credentials.
const sameProject = "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID"

func (r *Repo) checkGitLab(fs *findings) {
	gl := r.GitLab
	job := func(name string) map[string]any { return resolveExtends(gl, name) }
	for _, stack := range r.Stacks {
		preview := job("preview:" + stack)
		if preview == nil {
			fs.add("GL-001", ".gitlab-ci.yml has no merge-request preview of %s", stack)
		} else if isProd(stack) {
			if !strings.Contains(fmt.Sprint(preview["rules"]), "when:manual") || gitlabEnv(preview) != "production-preview" {
				fs.add("GL-005", ".gitlab-ci.yml previews %s without a manual job in the production-preview environment (whose variables hold production's secrets, and whose protection decides who may run it)", stack)
			}
			if !slices.Contains(tags(preview), ProdPreviewPool) {
				fs.add("GL-006", ".gitlab-ci.yml previews %s on %v: use the production preview runners (%s)", stack, tags(preview), ProdPreviewPool)
			}
		}
		deploy := job("deploy:" + stack)
		if deploy == nil {
			fs.add("GL-002", ".gitlab-ci.yml has no deploy job for %s", stack)
			continue
		}
		if isProd(stack) && !strings.Contains(fmt.Sprint(deploy["rules"]), "when:manual") {
			fs.add("GL-002", ".gitlab-ci.yml deploys %s without a manual approval", stack)
		}
	}
	if !strings.Contains(fmt.Sprint(job("e2e")["script"]), "make e2e") {
		fs.add("GL-003", ".gitlab-ci.yml e2e job does not run make e2e")
	}
	offline := false
	for _, name := range slices.Sorted(maps.Keys(gl)) {
		if strings.HasPrefix(name, ".") || !isJob(gl[name]) {
			continue
		}
		j := job(name)
		rules := fmt.Sprint(j["rules"])
		onMR := strings.Contains(rules, "merge_request_event")
		credentials := j["id_tokens"] != nil
		if onMR && !credentials && makePlan.MatchString(fmt.Sprint(j["script"])) {
			offline = true
		}
		if credentials && onMR && !everyMRRuleHas(j, sameProject) {
			fs.add("GL-004", ".gitlab-ci.yml job %s gets cloud credentials on merge requests without `%s` in each of its merge-request rules: a fork's merge request run in this project would get them", name, sameProject)
		}
		t := tags(j)
		if slices.Contains(t, DeployPool) && (onMR || !onlyDefaultBranch(j) || gitlabEnv(j) == "") {
			fs.add("GL-006", ".gitlab-ci.yml job %s runs on the deploy runners (%s) outside main's deployments: only jobs of the default branch, in an environment, run there", name, DeployPool)
		}
		if onMR && credentials && !slices.Contains(t, PreviewPool) && !slices.Contains(t, ProdPreviewPool) {
			fs.add("GL-006", ".gitlab-ci.yml job %s runs a merge request's code with credentials on %v: use the preview runners (%s, %s)", name, t, PreviewPool, ProdPreviewPool)
		}
		vars, _ := j["variables"].(map[string]any)
		if onMR && credentials && vars["ROLE"] != "preview" {
			fs.add("GL-007", ".gitlab-ci.yml job %s assumes the %v role on merge requests: previews use ROLE: preview (read-only)", name, vars["ROLE"])
		}
	}
	if !offline {
		fs.add("GL-008", ".gitlab-ci.yml has no offline preview for merge requests (make policy-report and make plan, without id_tokens), the one forks get")
	}
}

// resolveExtends returns job name with its `extends` chain merged in, as
// GitLab does: maps deeply, every other value replaced by the child's.
func resolveExtends(gl map[string]any, name string) map[string]any {
	j, ok := gl[name].(map[string]any)
	if !ok {
		return nil
	}
	var bases []string
	switch e := j["extends"].(type) {
	case string:
		bases = []string{e}
	case []any:
		for _, b := range e {
			bases = append(bases, fmt.Sprint(b))
		}
	}
	out := map[string]any{}
	for _, b := range bases {
		merge(out, resolveExtends(gl, b))
	}
	merge(out, j)
	delete(out, "extends")
	return out
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				c := maps.Clone(dm)
				merge(c, sm)
				dst[k] = c
				continue
			}
		}
		dst[k] = v
	}
}

// isJob: a top-level key that is a job (not a keyword).
func isJob(v any) bool {
	m, ok := v.(map[string]any)
	return ok && (m["script"] != nil || m["extends"] != nil)
}

func tags(j map[string]any) []string {
	var out []string
	ts, _ := j["tags"].([]any)
	for _, t := range ts {
		out = append(out, fmt.Sprint(t))
	}
	return out
}

func gitlabEnv(j map[string]any) string {
	switch e := j["environment"].(type) {
	case string:
		return e
	case map[string]any:
		n, _ := e["name"].(string)
		return n
	}
	return ""
}

func ruleList(j map[string]any) []map[string]any {
	var out []map[string]any
	rs, _ := j["rules"].([]any)
	for _, r := range rs {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func everyMRRuleHas(j map[string]any, cond string) bool {
	for _, r := range ruleList(j) {
		if when, _ := r["if"].(string); strings.Contains(when, "merge_request_event") && !strings.Contains(when, cond) {
			return false
		}
	}
	return true
}

func onlyDefaultBranch(j map[string]any) bool {
	rs := ruleList(j)
	if len(rs) == 0 {
		return false
	}
	for _, r := range rs {
		if when, _ := r["if"].(string); !strings.Contains(when, "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH") {
			return false
		}
	}
	return true
}
