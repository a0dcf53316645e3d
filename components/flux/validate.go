package flux

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// fluxDuration is the pattern Flux's CRDs give their durations
// (kubebuilder:validation:Pattern on interval, retryInterval, timeout):
// Go's time.ParseDuration alone accepts more ("-1m", "1us").
var fluxDuration = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`)

// Bounds of the intervals and timeouts. Below the minimum, a hosted git
// service is fetched more than once a minute per cluster and every
// object is dry-run applied as often; above the maximum, drift stays
// uncorrected for over an hour, which defeats self-healing. The local
// tier (a loopback git server, the e2e suite) may go down to 5s.
const (
	minInterval      = time.Minute
	minLocalInterval = 5 * time.Second
	maxInterval      = time.Hour
	minTimeout       = 30 * time.Second
	minRetry         = 10 * time.Second
)

// Validate checks the arguments of a Flux installation called name, with
// defaults applied, and returns every problem, each naming its field and
// the fix. New calls it before registering anything.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("flux %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	p.Namespace("namespace", a.Namespace, "run Flux in its own namespace")
	p.DNSLabel("monitoringNamespace", a.MonitoringNamespace)
	p.DNSLabel("applier", a.Applier)
	local := a.Tier == config.TierLocal
	checkImage(&p, "images.sourceController", a.Images.SourceController, "source-controller", SourceControllerVersion)
	checkImage(&p, "images.kustomizeController", a.Images.KustomizeController, "kustomize-controller", KustomizeControllerVersion)
	checkRepository(&p, a.Repository, local)
	if len(a.Kustomizations) == 0 {
		p.Addf("kustomizations", "is empty: give one Kustomization per environment this cluster runs, e.g. {name: prod, path: envs/prod}")
	}
	seen := map[string]bool{}
	for i, k := range a.Kustomizations {
		at := fmt.Sprintf("kustomizations[%d]", i)
		if p.DNSLabel(at+".name", k.Name) {
			if seen[k.Name] {
				p.Addf(at+".name", "%q is used twice: name each Kustomization once", k.Name)
			}
			seen[k.Name] = true
		}
		checkPath(&p, at+".path", k.Path)
		checkDuration(&p, at+".interval", k.Interval, interval(local), maxInterval)
		checkDuration(&p, at+".retryInterval", k.RetryInterval, min(minRetry, interval(local)), maxInterval)
		checkDuration(&p, at+".timeout", k.Timeout, min(minTimeout, interval(local)), maxInterval)
		for j, h := range k.HealthChecks {
			hat := fmt.Sprintf("%s.healthChecks[%d]", at, j)
			if h.APIVersion == "" || h.Kind == "" || h.Name == "" {
				p.Addf(hat, "needs apiVersion, kind and name, e.g. {apiVersion: apps/v1, kind: Deployment, name: web, namespace: web}")
			}
		}
	}
	p.Input("decryptionKey", a.DecryptionKey, checkIdentity)
	return p.Err()
}

func interval(local bool) time.Duration {
	if local {
		return minLocalInterval
	}
	return minInterval
}

func checkImage(p *problem.List, at, v, controller, version string) {
	if v == "" {
		p.Addf(at, "is empty: give your mirror's copy of %s %s, e.g. registry.example.com/fluxcd/%s:%s", controller, version, controller, version)
		return
	}
	r, err := imageref.Parse(v)
	if err != nil {
		p.Add(at, err)
		return
	}
	if r.Tag != version {
		p.Addf(at, "%q has tag %q: the component installs the CRDs of %s %s, so the image must be that version (tag %s, optionally with its digest)", v, r.Tag, controller, version, version)
	}
}

func checkRepository(p *problem.List, r *RepositoryArgs, local bool) {
	if r.URL == "" {
		p.Addf("repository.url", "is empty: give the repository Flux follows, e.g. https://git.example.com/acme/deploy.git or ssh://git@git.example.com/acme/deploy.git")
		return
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" {
		p.Addf("repository.url", "%q is not an absolute URL: use https://host/path or ssh://user@host/path", r.URL)
		return
	}
	if _, set := u.User.Password(); set || (u.Scheme != "ssh" && u.User != nil) {
		p.Addf("repository.url", "%q carries credentials: take them out of the URL and pass username and password (they go to a Secret, not into the GitRepository)", redact(u))
	}
	switch u.Scheme {
	case "https":
		if r.SSHPrivateKey != nil || r.KnownHosts != "" {
			p.Addf("repository", "sets sshPrivateKey or knownHosts for an https URL: use username and password, or an ssh:// URL")
		}
		if (r.Username == nil) != (r.Password == nil) {
			p.Addf("repository", "sets one of username and password: give both (a token goes in password), or neither for a public repository")
		}
	case "ssh":
		if r.Username != nil || r.Password != nil {
			p.Addf("repository", "sets username or password for an ssh URL: use sshPrivateKey and knownHosts")
		}
		if r.SSHPrivateKey == nil {
			p.Addf("repository.sshPrivateKey", "is empty: an ssh repository needs the deploy key (PEM), as a Pulumi secret")
		}
		if r.KnownHosts == "" {
			p.Addf("repository.knownHosts", "is empty: give the host's keys (ssh-keyscan <host>), so Flux does not trust any key the network offers")
		}
	case "http":
		if !local || !loopback(u.Hostname()) {
			p.Addf("repository.url", "%q is plain http: use https:// or ssh:// (plain http is accepted only for a loopback host on the local tier)", redact(u))
		}
	default:
		p.Addf("repository.url", "%q has scheme %q: use https:// or ssh://", redact(u), u.Scheme)
	}
	if b := r.Branch; strings.HasPrefix(b, "-") || strings.ContainsAny(b, " ~^:?*[\\") || strings.Contains(b, "..") {
		p.Addf("repository.branch", "%q is not a valid branch name (git check-ref-format): e.g. main", b)
	}
	checkDuration(p, "repository.interval", r.Interval, interval(local), maxInterval)
	checkDuration(p, "repository.timeout", r.Timeout, min(minTimeout, interval(local)), maxInterval)
}

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	return c.String()
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkPath checks a path of the repository: relative, clean, inside it.
func checkPath(p *problem.List, at, v string) {
	clean := path.Clean(strings.TrimPrefix(v, "./"))
	switch {
	case v == "":
		p.Addf(at, "is empty: give the directory of the environment's kustomization.yaml, e.g. envs/prod")
	case path.IsAbs(v) || clean == ".." || strings.HasPrefix(clean, "../"):
		p.Addf(at, "%q is outside the repository: give a path relative to its root, e.g. envs/prod", v)
	}
}

// checkDuration checks a Flux duration against Flux's pattern and the
// bounds.
func checkDuration(p *problem.List, at, v string, lo, hi time.Duration) {
	d, err := time.ParseDuration(v)
	if !fluxDuration.MatchString(v) || err != nil {
		p.Addf(at, "%q is not a duration Flux reads: use a number with ms, s, m or h, e.g. 5m", v)
		return
	}
	if d < lo || d > hi {
		p.Addf(at, "is %s: keep it between %s and %s", v, lo, hi)
	}
}

// checkIdentity checks an age identity, as kustomize-controller reads
// it from the decryption Secret.
func checkIdentity(v string) error {
	if _, err := age.ParseX25519Identity(strings.TrimSpace(v)); err != nil {
		return fmt.Errorf("is not an age identity (AGE-SECRET-KEY-1…, as age-keygen prints it): %v", err)
	}
	return nil
}
