package problem

import (
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/plinth-dev/plinth/pkg/credential"
)

// DNSLabel checks that v is an RFC 1123 label (lowercase alphanumerics and
// "-", at most 63 characters), as Kubernetes names and namespaces must be.
func (l *List) DNSLabel(path, v string) bool {
	if err := CheckDNSLabel(v); err != nil {
		l.Add(path, err)
		return false
	}
	return true
}

// CheckDNSLabel is DNSLabel's check, for List.Input and Resolved.
func CheckDNSLabel(v string) error {
	if v == "" {
		return fmt.Errorf("is empty: set a lowercase name such as %q", "web")
	}
	if errs := validation.IsDNS1123Label(v); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid name (%s): use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", v, strings.Join(errs, "; "))
	}
	return nil
}

// CheckObjectName checks that v can name a cluster-scoped Kubernetes
// object such as a StorageClass: an RFC 1123 subdomain (lowercase
// alphanumerics, "-" and ".", at most 253 characters).
func CheckObjectName(v string) error {
	if errs := validation.IsDNS1123Subdomain(v); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid object name (%s): use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", v, strings.Join(errs, "; "))
	}
	return nil
}

// Port checks 1 ≤ v ≤ 65535.
func (l *List) Port(path string, v int) bool {
	if v < 1 || v > 65535 {
		l.Addf(path, "(%d) is not a valid port: use a port between 1 and 65535", v)
		return false
	}
	return true
}

// NonNegative checks v ≥ 0.
func (l *List) NonNegative(path string, v int) bool {
	if v < 0 {
		l.Addf(path, "(%d) is negative: use 0 or more", v)
		return false
	}
	return true
}

// Between checks lo ≤ v ≤ hi.
func (l *List) Between(path string, v, lo, hi int) bool {
	if v < lo || v > hi {
		l.Addf(path, "(%d) is outside %d–%d: use a value between %d and %d", v, lo, hi, lo, hi)
		return false
	}
	return true
}

// OneOf checks that v is one of allowed.
func (l *List) OneOf(path, v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	l.Addf(path, "%q is not one of %s: use one of them", v, strings.Join(quote(allowed), ", "))
	return false
}

// Quantity parses v as a Kubernetes quantity ("250m", "512Mi").
func (l *List) Quantity(path, v string) (resource.Quantity, bool) {
	q, err := resource.ParseQuantity(v)
	if err != nil {
		l.Addf(path, "%q is not a Kubernetes quantity: use a value such as \"250m\" or \"512Mi\"", v)
		return q, false
	}
	if q.Sign() < 0 {
		l.Addf(path, "%q is negative: use a positive quantity", v)
		return q, false
	}
	return q, true
}

// CIDR parses v as an IPv4 or IPv6 prefix in canonical form.
func (l *List) CIDR(path, v string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		l.Addf(path, "%q is not a CIDR block: use a block such as \"10.0.0.0/16\"", v)
		return p, false
	}
	if p.Masked() != p {
		l.Addf(path, "%q has host bits set: use %q", v, p.Masked().String())
		return p, false
	}
	return p, true
}

// NotWorldOpen rejects 0.0.0.0/0 and ::/0 in an allow-list of CIDRs.
func (l *List) NotWorldOpen(path string, cidrs []string, fix string) {
	for i, c := range cidrs {
		p, ok := l.CIDR(fmt.Sprintf("%s[%d]", path, i), c)
		if ok && p.Bits() == 0 {
			l.Addf(fmt.Sprintf("%s[%d]", path, i), "%q opens access to the whole internet: %s", c, fix)
		}
	}
}

// HTTPPath checks that v is an absolute URL path.
func (l *List) HTTPPath(path, v string) bool {
	if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, " \t\n") {
		l.Addf(path, "%q is not an absolute path: start it with \"/\", e.g. \"/ready\"", v)
		return false
	}
	return true
}

// EnvName checks that v is a valid environment variable name for a
// Kubernetes container.
func (l *List) EnvName(path, v string) bool {
	if errs := validation.IsEnvVarName(v); len(errs) > 0 {
		l.Addf(path, "%q is not a valid environment variable name: use letters, digits, '_', '-' or '.', not starting with a digit", v)
		return false
	}
	return true
}

func quote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// Labels checks that every key of m is a qualified label key and every
// value a valid label value, in key order.
func (l *List) Labels(path string, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			l.Addf(path, "key %q is not a label key (%s): use a name such as \"app.example.com/role\"", k, strings.Join(errs, "; "))
		}
		if errs := validation.IsValidLabelValue(m[k]); len(errs) > 0 {
			l.Addf(path+"."+k, "%q is not a label value (%s): use at most 63 letters, digits, '-', '_' or '.'", m[k], strings.Join(errs, "; "))
		}
	}
}

// URL checks that v is an absolute URL with one of schemes and a host,
// e.g. URL("chart.repository", v, "https", "oci"). fix says what to use.
func (l *List) URL(path, v, fix string, schemes ...string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		l.Addf(path, "%q is not an absolute %s URL: %s", v, strings.Join(schemes, " or "), fix)
		return false
	}
	return true
}

// QualifiedName checks that v is a Kubernetes qualified name ([prefix/]name),
// as label and taint keys must be.
func (l *List) QualifiedName(path, v string) bool {
	if errs := validation.IsQualifiedName(v); len(errs) > 0 {
		l.Addf(path, "%q is not a valid key: %s", v, strings.Join(errs, "; "))
		return false
	}
	return true
}

// cloudWatchRetention are the values CloudWatch Logs accepts for a log
// group's retention, in days (PutRetentionPolicy, retentionInDays:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var cloudWatchRetention = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogRetention checks that days is a retention CloudWatch Logs accepts. 0
// is refused: the provider reads it as "keep forever", which the
// guardrails forbid (logs would grow without bound).
func (l *List) LogRetention(path string, days int) bool {
	if slices.Contains(cloudWatchRetention, days) {
		return true
	}
	if days == 0 {
		l.Addf(path, "(0) would keep the logs forever: set a retention, e.g. 30 (365 in prod)")
		return false
	}
	l.Addf(path, "(%d) is not a CloudWatch retention value: use one of 1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 731, …", days)
	return false
}

// PlaintextEnv refuses plain environment variables that hold credentials,
// by name or by value (pkg/credential): their values are stored in the
// clear in the workload's spec and in the Pulumi state. fix says where
// the component takes secrets. allow maps a variable's name to the reason
// its value is not a secret; each entry must name a variable of env and
// give a reason. envPath and allowPath are the two fields' paths.
func (l *List) PlaintextEnv(envPath string, env map[string]string, allowPath string, allow map[string]string, fix string) {
	for _, k := range slices.Sorted(maps.Keys(env)) {
		why := credential.Check(k, env[k])
		if why == "" {
			continue
		}
		if _, ok := allow[k]; ok {
			continue
		}
		l.Addf(envPath+"."+k, "holds a credential in the clear (%s): %s; if it is not a secret, say why in %s.%s", why, fix, allowPath, k)
	}
	for _, k := range slices.Sorted(maps.Keys(allow)) {
		if _, ok := env[k]; !ok {
			l.Addf(allowPath+"."+k, "names no variable of %s: remove it", envPath)
		} else if strings.TrimSpace(allow[k]) == "" {
			l.Addf(allowPath+"."+k, "is empty: say why the value is not a secret")
		}
	}
}

// SystemNamespace reports whether ns is "default" or a "kube-" namespace:
// Kubernetes' own, where no workload of plinth belongs.
func SystemNamespace(ns string) bool {
	return ns == "default" || strings.HasPrefix(ns, "kube-")
}

// Namespace checks that v is a namespace name (an RFC 1123 label) that is
// not a system namespace; fix is the advice given when it is one.
func (l *List) Namespace(path, v, fix string) bool {
	if !l.DNSLabel(path, v) {
		return false
	}
	if SystemNamespace(v) {
		l.Addf(path, "%q is a system namespace: %s", v, fix)
		return false
	}
	return true
}

// GCP identifiers, from the Resource Manager and Compute Engine docs: a
// project id is 6–30 lowercase letters, digits and '-', starting with a
// letter and not ending with '-'; a region is "<area>-<place><n>".
var (
	gcpProjectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	gcpRegionRE  = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]$`)
)

// GCPProject checks that v is a GCP project id.
func (l *List) GCPProject(path, v string) bool {
	if !gcpProjectRE.MatchString(v) {
		l.Addf(path, "%q is not a GCP project id: set the id (6–30 lowercase letters, digits, '-') of the project to deploy to", v)
		return false
	}
	return true
}

// GCPRegion checks that v is a GCP region name.
func (l *List) GCPRegion(path, v string) bool {
	if !gcpRegionRE.MatchString(v) {
		l.Addf(path, "%q is not a GCP region: set one such as \"europe-west1\"", v)
		return false
	}
	return true
}
