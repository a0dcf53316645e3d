package policy

import (
	"net"
	"net/url"
	"strings"
)

// Flux type tokens (the flux component's custom resources).
const (
	tGitRepository = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository"
	tKustomization = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization"
)

// fluxRules are the guardrails of GitOps delivery: what Flux applies,
// from where, and what it deletes.
func fluxRules() []*Rule {
	return []*Rule{
		{ID: "PL-FLUX-001", Severity: Mandatory, Title: "Kustomizations prune in prod",
			Remediation: "set prune: true (plinth:gitops.prune), or waive the rule with the reason",
			Mirrors:     []string{"Flux docs: Kustomization spec.prune"}, Types: []string{tKustomization},
			Check: func(r Resource, c Context) []string {
				// Without pruning, an object removed from git stays in the
				// cluster, applied by nothing: git is no longer the truth.
				if c.Tier == "prod" && !boolean(r.Inputs, "spec.prune", false) {
					return fail("does not prune: what is removed from the repository stays in the cluster")
				}
				return nil
			}},
		{ID: "PL-FLUX-002", Severity: Mandatory, Title: "GitRepositories fetch over https or ssh",
			Remediation: "use an https:// or ssh:// URL (plain http only for a loopback host on the local tier)",
			Mirrors:     []string{"Flux docs: GitRepository spec.url"}, Types: []string{tGitRepository},
			Check: func(r Resource, c Context) []string {
				u, err := url.Parse(str(r.Inputs, "spec.url", ""))
				if err != nil {
					return fail("has no valid URL")
				}
				switch u.Scheme {
				case "https", "ssh":
					return nil
				case "http":
					if ip := net.ParseIP(u.Hostname()); c.Tier == "local" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
						return nil
					}
				}
				return fail("fetches over %s: anyone on the path can change what the cluster applies", u.Scheme)
			}},
		{ID: "PL-FLUX-003", Severity: Mandatory, Title: "GitRepositories keep credentials out of the URL",
			Remediation: "take the user and token out of the URL and reference a Secret (spec.secretRef)",
			Mirrors:     []string{"KSV-0109 (secrets in manifests)"}, Types: []string{tGitRepository},
			Check: func(r Resource, _ Context) []string {
				u, err := url.Parse(str(r.Inputs, "spec.url", ""))
				if err != nil || u.User == nil {
					return nil
				}
				if _, set := u.User.Password(); set || u.Scheme != "ssh" {
					return fail("carries credentials in its URL, readable by anyone who may read the object")
				}
				return nil
			}},
		{ID: "PL-FLUX-004", Severity: Advisory, Title: "Kustomizations health-check what they apply",
			Remediation: "set wait: true, or list healthChecks",
			Mirrors:     []string{"Flux docs: Kustomization spec.wait"}, Types: []string{tKustomization},
			Check: func(r Resource, _ Context) []string {
				if !boolean(r.Inputs, "spec.wait", false) && len(list(r.Inputs, "spec.healthChecks")) == 0 {
					return fail("reports Ready as soon as the apply succeeds, whether the workloads run or not")
				}
				return nil
			}},
		{ID: "PL-FLUX-005", Severity: Mandatory, Title: "kustomize-controller applies only the repository",
			Remediation: "run kustomize-controller with --no-remote-bases=true",
			Mirrors:     []string{"Flux docs: multi-tenancy lockdown"}, Types: []string{tDeployment},
			Check: func(r Resource, _ Context) []string {
				for _, c := range containers(r) {
					image, _ := c["image"].(string)
					if !strings.Contains(image, "kustomize-controller") {
						continue
					}
					for _, a := range stringsAt(c, "args") {
						if a == "--no-remote-bases=true" || a == "--no-remote-bases" {
							return nil
						}
					}
					return fail("fetches remote bases: a kustomization can pull objects from any URL, outside the repository's review")
				}
				return nil
			}},
	}
}
