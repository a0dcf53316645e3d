package pipelines

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/awsiam"
)

// TrustPolicy is the trust of one cloud role, as docs/ci.md writes it:
// a marker comment, then a JSON block.
//
//	<!-- trust var=AWS_PREVIEW_ROLE_ARN scope=repository access=read-only -->
//	```json
//	{"trust": <IAM trust policy>, "managedPolicies": [...], "inline": <IAM policy>}
//	```
//
// For GCP (var=GCP_…): {"members": ["principal://…/subject/<sub>"], "roles": [...]}.
type TrustPolicy struct {
	// Var is the GitHub variable holding the role (ARN or service account).
	Var string
	// Scope is "repository", or "environment:<name>" for a variable of
	// that environment.
	Scope string
	// Access is "read-only" or "deploy".
	Access string
	// Subjects are the OIDC subjects the role trusts.
	Subjects []string
	// Raw is the JSON block.
	Raw string
}

var (
	markerRE = regexp.MustCompile("(?s)<!-- trust ([^>]*?) -->\\s*```json\\n(.*?)\\n```")
	attrRE   = regexp.MustCompile(`([a-z]+)=(\S+)`)
)

// GitHub's OIDC issuer, as AWS names its condition keys.
const githubOIDC = "token.actions.githubusercontent.com"

// ParseTrust reads the trust policies written in a document.
func ParseTrust(doc string) ([]TrustPolicy, error) {
	var out []TrustPolicy
	for _, m := range markerRE.FindAllStringSubmatch(doc, -1) {
		p := TrustPolicy{Raw: m[2]}
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			switch a[1] {
			case "var":
				p.Var = a[2]
			case "scope":
				p.Scope = a[2]
			case "access":
				p.Access = a[2]
			}
		}
		if p.Var == "" || p.Scope == "" || (p.Access != "read-only" && p.Access != "deploy") {
			return nil, fmt.Errorf("trust marker %q: want var=, scope= and access=read-only|deploy", m[1])
		}
		var body struct {
			Trust   json.RawMessage `json:"trust"`
			Members []string        `json:"members"`
		}
		if err := json.Unmarshal([]byte(p.Raw), &body); err != nil {
			return nil, fmt.Errorf("trust of %s (%s): %w", p.Var, p.Scope, err)
		}
		if len(body.Trust) > 0 {
			d, err := awsiam.Parse(string(body.Trust))
			if err != nil {
				return nil, fmt.Errorf("trust of %s (%s): %w", p.Var, p.Scope, err)
			}
			for _, st := range d.Statement {
				p.Subjects = append(p.Subjects, st.Condition["StringEquals"][githubOIDC+":sub"])
			}
		}
		for _, mem := range body.Members {
			if _, sub, ok := strings.Cut(mem, "/subject/"); ok {
				p.Subjects = append(p.Subjects, sub)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// use is one job assuming one role.
type use struct {
	where, role, env, subject string
}

// uses lists every job's role assumptions with the OIDC subject GitHub
// gives the job: the environment's, else the pull request's, else main's.
// A reusable workflow's jobs are taken once per caller, with the
// caller's event and environment.
func (r *Repo) uses() []use {
	var out []use
	subject := func(w Workflow, env string) string {
		switch {
		case env != "":
			return fmt.Sprintf("repo:%s:environment:%s", r.Slug, env)
		case w.triggeredBy("pull_request"):
			return fmt.Sprintf("repo:%s:pull_request", r.Slug)
		}
		return fmt.Sprintf("repo:%s:ref:refs/heads/main", r.Slug)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Workflows)) {
		w := r.Workflows[name]
		for _, jobName := range slices.Sorted(maps.Keys(w.jobs())) {
			job := w.jobs()[jobName]
			if callee, ok := job["uses"].(string); ok && strings.HasPrefix(callee, "./.github/workflows/") {
				reusable := r.Workflows[strings.TrimPrefix(callee, "./.github/workflows/")]
				env := environmentOf(job)
				inputs, _ := job["with"].(map[string]any)
				for _, cj := range slices.Sorted(maps.Keys(reusable.jobs())) {
					for _, role := range reusable.rolesOf(reusable.jobs()[cj], inputs) {
						out = append(out, use{fmt.Sprintf("%s job %s (through %s job %s)", name, jobName, reusable.Name, cj), role, env, subject(w, env)})
					}
				}
				continue
			}
			if w.triggeredBy("workflow_call") {
				continue // taken with each caller
			}
			env := environmentOf(job)
			for _, role := range w.rolesOf(job, nil) {
				out = append(out, use{name + " job " + jobName, role, env, subject(w, env)})
			}
		}
	}
	return out
}

// policyFor is the trust policy of role as a job in env sees it: the
// environment's variable if there is one, else the repository's.
func (r *Repo) policyFor(role, env string) *TrustPolicy {
	for i, p := range r.Trust {
		if p.Var == role && p.Scope == "environment:"+env {
			return &r.Trust[i]
		}
	}
	for i, p := range r.Trust {
		if p.Var == role && p.Scope == "repository" {
			return &r.Trust[i]
		}
	}
	return nil
}

// checkTrust: each role a job assumes is written down, trusts that job's
// subject, and trusts nothing no job uses; roles assumed on pull requests
// are read-only; each policy is exact (audience, repository, no
// wildcard).
func (r *Repo) checkTrust(fs *findings) {
	used := map[*TrustPolicy][]string{}
	for _, u := range r.uses() {
		p := r.policyFor(u.role, u.env)
		if p == nil {
			fs.add("CI-030", "%s assumes %s, whose trust policy docs/ci.md does not write down (<!-- trust var=%s … -->)", u.where, u.role, u.role)
			continue
		}
		used[p] = append(used[p], u.subject)
		if !slices.Contains(p.Subjects, u.subject) {
			fs.add("CI-031", "%s assumes %s (%s) as %q, which its trust policy does not admit (%v)", u.where, u.role, p.Scope, u.subject, p.Subjects)
		}
		if strings.HasSuffix(u.subject, ":pull_request") && p.Access != "read-only" {
			fs.add("CI-032", "%s assumes %s (%s) on a pull request, but the role is %s: previews get read-only roles", u.where, u.role, p.Scope, p.Access)
		}
	}
	for i := range r.Trust {
		p := &r.Trust[i]
		for _, s := range p.Subjects {
			if !slices.Contains(used[p], s) {
				fs.add("CI-033", "the trust policy of %s (%s) admits %q, which no job uses: remove it (least privilege)", p.Var, p.Scope, s)
			}
		}
		r.checkPolicyShape(p, fs)
	}
}

// readOnlyManaged are the AWS managed policies a read-only role may have.
var readOnlyManaged = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/ViewOnlyAccess"}

// readOnlyGCPRoles are the GCP roles a read-only service account may have.
var readOnlyGCPRoles = []string{"roles/viewer", "roles/container.clusterViewer", "roles/storage.objectViewer", "roles/cloudkms.cryptoKeyDecrypter"}

func (r *Repo) checkPolicyShape(p *TrustPolicy, fs *findings) {
	var body struct {
		Trust           json.RawMessage `json:"trust"`
		ManagedPolicies []string        `json:"managedPolicies"`
		Inline          json.RawMessage `json:"inline"`
		Roles           []string        `json:"roles"`
		LockRole        struct {
			Role      string `json:"role"`
			Condition string `json:"condition"`
		} `json:"lockRole"`
	}
	_ = json.Unmarshal([]byte(p.Raw), &body) // ParseTrust decoded it already
	who := fmt.Sprintf("the trust policy of %s (%s)", p.Var, p.Scope)
	prefix := fmt.Sprintf("repo:%s:", r.Slug)
	for _, s := range p.Subjects {
		if !strings.HasPrefix(s, prefix) || strings.ContainsAny(s, "*?") {
			fs.add("CI-034", "%s admits %q: name this repository's subjects exactly (%s…), never a pattern", who, s, prefix)
		}
	}
	if len(body.Trust) > 0 {
		d, _ := awsiam.Parse(string(body.Trust))
		for i, st := range d.Statement {
			if st.Condition["StringEquals"][githubOIDC+":aud"] != "sts.amazonaws.com" {
				fs.add("CI-034", "%s statement %d does not require the audience sts.amazonaws.com", who, i+1)
			}
			if len(st.Condition) != 1 || !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) {
				fs.add("CI-034", "%s statement %d: use one StringEquals condition on aud and sub for sts:AssumeRoleWithWebIdentity", who, i+1)
			}
		}
	}
	if p.Access != "read-only" {
		return
	}
	for _, m := range body.ManagedPolicies {
		if !slices.Contains(readOnlyManaged, m) {
			fs.add("CI-035", "%s is read-only but attaches %s: use %v", who, m, readOnlyManaged)
		}
	}
	if len(body.Inline) > 0 {
		d, err := awsiam.Parse(string(body.Inline))
		if err != nil {
			fs.add("CI-035", "%s: inline policy: %v", who, err)
		}
		for _, st := range d.Statement {
			for _, a := range st.Action {
				if !readOnlyAction(a, st.Resource) {
					fs.add("CI-035", "%s is read-only but allows %s on %v: previews read, take the state lock and decrypt only", who, a, st.Resource)
				}
			}
		}
	}
	for _, role := range body.Roles {
		if !slices.Contains(readOnlyGCPRoles, role) {
			fs.add("CI-035", "%s is read-only but grants %s: use %v", who, role, readOnlyGCPRoles)
		}
	}
	if body.LockRole.Role != "" && !strings.Contains(body.LockRole.Condition, ".pulumi/locks/") {
		fs.add("CI-035", "%s grants %s on the state bucket beyond the lock objects (.pulumi/locks/)", who, body.LockRole.Role)
	}
}

// readOnlyAction: reads, decrypting the stack's secrets, and writing or
// deleting the state's lock objects (.pulumi/locks/), which a DIY backend
// takes for a preview too.
func readOnlyAction(action string, resources []string) bool {
	_, verb, _ := strings.Cut(action, ":")
	for _, read := range []string{"Get", "List", "Describe", "BatchGet"} {
		if strings.HasPrefix(verb, read) {
			return true
		}
	}
	if action == "kms:Decrypt" {
		return true
	}
	if action == "s3:PutObject" || action == "s3:DeleteObject" {
		return len(resources) > 0 && !slices.ContainsFunc(resources, func(r string) bool { return !strings.Contains(r, "/.pulumi/locks/") })
	}
	return false
}
