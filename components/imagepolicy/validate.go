package imagepolicy

import (
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Validate checks the arguments of a policy called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
// New calls it before registering anything.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("imagepolicy %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	p.OneOf("mode", string(a.Mode), string(Enforce), string(Audit))
	if len(a.Images) == 0 {
		p.Addf("images", "is empty: list the image references the policy covers, e.g. %q", "registry.example.com/shop/*")
	}
	for i, img := range a.Images {
		checkPattern(&p, fmt.Sprintf("images[%d]", i), img)
	}
	a.validateSigners(&p)
	if a.RekorURL != "" {
		p.URL("rekorURL", a.RekorURL, "give the transparency log as an absolute https URL", "https")
	}
	if !*a.TransparencyLog && a.Keyless != nil {
		p.Addf("transparencyLog", "is false with keyless signing: a keyless certificate lives ten minutes, and only its transparency-log entry proves it signed in time; keep it on, or sign with keys")
	}
	for i, w := range a.Waivers {
		path := fmt.Sprintf("waivers[%d]", i)
		checkPattern(&p, path+".image", w.Image)
		if strings.TrimSpace(w.Reason) == "" {
			p.Addf(path+".reason", "is empty: say why running %q unverified is acceptable, and until when", w.Image)
		}
		if w.Image == "*" {
			p.Addf(path+".image", "is \"*\": a waiver of every image turns the policy off; waive the images that need it")
		}
	}
	if k := a.Kyverno; k != nil {
		p.Namespace("kyverno.namespace", k.Namespace, "run Kyverno in its own namespace")
		chart.CheckRepository(&p, "kyverno.chart.repository", k.Chart.Repository, "Kyverno's Helm repository")
		if *k.Replicas < 1 {
			p.Addf("kyverno.replicas", "is %d: run at least one admission controller; with failurePolicy Fail, none refuses every pod", *k.Replicas)
		} else if a.Mode == Enforce && a.Tier == "prod" && *k.Replicas < 2 {
			p.Addf("kyverno.replicas", "is %d in prod with mode Enforce: the webhook fails closed, so one restarting controller stops every deploy; run at least 2 (3 by default)", *k.Replicas)
		}
		if d, err := time.ParseDuration(k.VerifyCacheTTL); err != nil || d < 0 {
			p.Addf("kyverno.verifyCacheTTL", "is %q: give a Go duration such as \"5m\"", k.VerifyCacheTTL)
		}
		for _, key := range []string{"crds", "admissionController"} {
			if _, ok := k.ExtraValues[key]; ok {
				p.Addf("kyverno.extraValues."+key, "is set by plinth (see the package doc): change the typed field, or leave it")
			}
		}
	}
	return p.Err()
}

// validateSigners checks that exactly one way of signing is given, and
// its values.
func (a Args) validateSigners(p *problem.List) {
	switch {
	case len(a.Keys) == 0 && a.Keyless == nil:
		p.Addf("keys", "is empty and keyless is not set: give the public keys that sign (cosign.pub), or the keyless identity (issuer and subject)")
	case len(a.Keys) > 0 && a.Keyless != nil:
		p.Addf("keyless", "is set together with keys: choose one way of signing (a policy that accepts either is as weak as the weaker)")
	}
	for i, k := range a.Keys {
		path := fmt.Sprintf("keys[%d]", i)
		block, rest := pem.Decode([]byte(strings.TrimSpace(k)))
		switch {
		case block == nil:
			p.Addf(path, "is not a PEM block: give the content of cosign.pub (\"-----BEGIN PUBLIC KEY-----…\")")
		case block.Type == "ENCRYPTED SIGSTORE PRIVATE KEY" || strings.Contains(block.Type, "PRIVATE"):
			p.Addf(path, "is a private key (%s): give the public key (cosign.pub), and rotate this one, it has been exposed", block.Type)
		case block.Type != "PUBLIC KEY":
			p.Addf(path, "is a PEM %q block: give a public key (\"-----BEGIN PUBLIC KEY-----\")", block.Type)
		case len(strings.TrimSpace(string(rest))) != 0:
			p.Addf(path, "holds more than one PEM block: give one key per entry")
		}
	}
	if k := a.Keyless; k != nil {
		p.URL("keyless.issuer", k.Issuer, "give the OIDC issuer as an absolute https URL, e.g. \"https://token.actions.githubusercontent.com\"", "https")
		if strings.TrimSpace(k.Subject) == "" || k.Subject == "*" {
			p.Addf("keyless.subject", "is %q: name the identity that signs (the workflow that builds the image); any identity of the issuer would pass", k.Subject)
		}
		switch {
		case k.Issuer == GitHubActionsIssuer && k.Repository == "":
			p.Addf("keyless.repository", "is empty with GitHub Actions' issuer: name the repository whose runs sign (\"owner/name\"); a reusable workflow's subject is the same for every repository that calls it")
		case k.Repository != "" && !githubRepository.MatchString(k.Repository):
			p.Addf("keyless.repository", "%q is not \"owner/name\"", k.Repository)
		}
	}
}

// GitHubActionsIssuer is the OIDC issuer of GitHub Actions' tokens.
const GitHubActionsIssuer = "https://token.actions.githubusercontent.com"

var githubRepository = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$`)

// checkPattern checks an image reference pattern: no spaces, no scheme,
// lowercase, and not "*" alone.
func checkPattern(p *problem.List, path, v string) {
	switch {
	case v == "":
		p.Addf(path, "is empty: give an image reference such as %q", "registry.example.com/shop/*")
	case strings.TrimSpace(v) != v || strings.ContainsAny(v, " \t\n"):
		p.Addf(path, "%q has spaces: remove them", v)
	case strings.Contains(v, "://"):
		p.Addf(path, "%q has a scheme: give the reference as a pull would, without it (%q)", v, v[strings.Index(v, "://")+3:])
	case strings.ToLower(v) != v:
		p.Addf(path, "%q has uppercase letters: image references are lowercase", v)
	}
}
