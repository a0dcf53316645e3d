package pipelines

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The image pipelines (.github/workflows/image.yml and the GitLab template
// .gitlab/image.gitlab-ci.yml, docs/supply-chain.md): an image is signed
// only after its scan passed, by digest, with an SBOM attestation, and the
// scan's findings reach the code-scanning report. Each workflow (or the
// template) that signs with cosign is held to them.

var (
	cosignSign   = regexp.MustCompile(`\bcosign\s+sign\b([^\n]*)`)
	cosignAttest = regexp.MustCompile(`\bcosign\s+attest\b([^\n]*)`)
	trivyImage   = regexp.MustCompile(`\btrivy\s+image\b([^\n]*)`)
	shellVar     = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
)

// imageJob is what the image rules read of one job: its name, the jobs it
// needs, its scripts (joined) and its variables.
type imageJob struct {
	name   string
	needs  []string
	script string
	vars   map[string]string
}

// failsOnHighAndCritical reports whether a script runs a Trivy image scan
// that fails the job on HIGH and CRITICAL findings.
func failsOnHighAndCritical(script string) bool {
	for _, m := range trivyImage.FindAllStringSubmatch(script, -1) {
		args := m[1]
		if strings.Contains(args, "--exit-code 1") && strings.Contains(args, "HIGH") && strings.Contains(args, "CRITICAL") {
			return true
		}
	}
	return false
}

// byDigest reports whether a cosign command line's image argument is a
// digest: the line, or a variable it expands, holds "@".
func byDigest(args string, vars map[string]string) bool {
	if strings.Contains(args, "@") {
		return true
	}
	for _, m := range shellVar.FindAllStringSubmatch(args, -1) {
		if strings.Contains(vars[m[1]], "@") {
			return true
		}
	}
	return false
}

// imageRules are the IDs the image rules report under, GitHub's or
// GitLab's.
type imageRules struct{ scan, digest, sbom, report string }

var (
	githubImageRules = imageRules{scan: "CI-040", digest: "CI-041", sbom: "CI-042", report: "CI-043"}
	gitlabImageRules = imageRules{scan: "GL-040", digest: "GL-041", sbom: "GL-042", report: "GL-043"}
)

// checkImagePipeline applies the image rules to the jobs of one pipeline
// (where names it in findings).
func checkImagePipeline(where string, rule imageRules, jobs map[string]imageJob, sarif func(imageJob) bool, fs *findings) {
	for _, name := range slices.Sorted(maps.Keys(jobs)) {
		j := jobs[name]
		signs := cosignSign.FindAllStringSubmatch(j.script, -1)
		if len(signs) == 0 {
			continue
		}
		scanned := false
		for _, n := range j.needs {
			if failsOnHighAndCritical(jobs[n].script) {
				scanned = true
				if !sarif(jobs[n]) {
					fs.add(rule.report, "%s job %s scans the image without sending the findings to the code-scanning report (GitHub: a SARIF upload; GitLab: a container_scanning report)", where, n)
				}
			}
		}
		if !scanned {
			fs.add(rule.scan, "%s job %s signs an image without needing a job whose Trivy scan fails on HIGH and CRITICAL (`trivy image --severity HIGH,CRITICAL --exit-code 1`): a vulnerable image would be signed, and admitted", where, name)
		}
		for _, m := range append(signs, cosignAttest.FindAllStringSubmatch(j.script, -1)...) {
			if !byDigest(m[1], j.vars) {
				fs.add(rule.digest, "%s job %s runs `cosign%s` on a reference without a digest: a tag can be moved to an image nobody scanned; sign <image>@<digest>", where, name, strings.SplitN(m[0], "cosign", 2)[1])
			}
		}
		sbom := false
		for _, m := range cosignAttest.FindAllStringSubmatch(j.script, -1) {
			sbom = sbom || strings.Contains(m[1], "--type cyclonedx") || strings.Contains(m[1], "--type spdx")
		}
		if !sbom {
			fs.add(rule.sbom, "%s job %s signs the image without attesting its SBOM (`cosign attest --type cyclonedx`)", where, name)
		}
	}
}

// checkImageWorkflows applies the image rules to every workflow that
// signs: only the sign job may mint an OIDC token (CI-006 checks that
// each id-token write is used by a signing or cloud-login step).
func (r *Repo) checkImageWorkflows(fs *findings) {
	for _, wname := range slices.Sorted(maps.Keys(r.Workflows)) {
		w := r.Workflows[wname]
		jobs := map[string]imageJob{}
		for name, job := range w.jobs() {
			j := imageJob{name: name, needs: needsOf(job["needs"]), vars: stringMap(job["env"])}
			var scripts []string
			for _, s := range steps(job) {
				run, _ := s["run"].(string)
				scripts = append(scripts, run)
				maps.Copy(j.vars, stringMap(s["env"]))
			}
			j.script = strings.Join(scripts, "\n")
			jobs[name] = j
		}
		checkImagePipeline(wname, githubImageRules, jobs, func(j imageJob) bool {
			return strings.Contains(j.script, "--format sarif") && strings.Contains(j.script, "code-scanning/sarifs")
		}, fs)
	}
}

// checkGitLabImage applies the image rules to the GitLab template, and:
// only its sign job gets an ID token, for Sigstore (GL-044).
func (r *Repo) checkGitLabImage(fs *findings) {
	gl := r.GitLabImage
	jobs := map[string]imageJob{}
	for name := range gl {
		if strings.HasPrefix(name, ".") || !isJob(gl[name]) {
			continue
		}
		job := resolveExtends(gl, name)
		jobs[name] = imageJob{name: name, needs: needsOf(job["needs"]), script: scriptOf(job), vars: stringMap(job["variables"])}
		if job["id_tokens"] != nil {
			if !cosignSign.MatchString(scriptOf(job)) {
				fs.add("GL-044", "%s job %s gets an ID token but signs nothing: only the sign job may", GitLabImageFile, name)
			} else if !strings.Contains(fmt.Sprint(job["id_tokens"]), "aud:sigstore") {
				fs.add("GL-044", "%s job %s gets an ID token whose audience is not sigstore", GitLabImageFile, name)
			}
		}
	}
	checkImagePipeline(GitLabImageFile, gitlabImageRules, jobs, func(j imageJob) bool {
		return strings.Contains(j.script, "--template") && strings.Contains(fmt.Sprint(gl[j.name]), "container_scanning")
	}, fs)
}

// needsOf are the job names a needs: list gives (strings, or {job: …}).
func needsOf(v any) []string {
	var out []string
	switch n := v.(type) {
	case string:
		out = append(out, n)
	case []any:
		for _, e := range n {
			switch x := e.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				if s, ok := x["job"].(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

// scriptOf is a GitLab job's before_script and script, one command a line.
func scriptOf(job map[string]any) string {
	var lines []string
	for _, key := range []string{"before_script", "script"} {
		switch s := job[key].(type) {
		case string:
			lines = append(lines, s)
		case []any:
			for _, l := range s {
				lines = append(lines, fmt.Sprint(l))
			}
		}
	}
	return strings.Join(lines, "\n")
}
