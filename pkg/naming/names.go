package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Provider limits on the length of names.
const (
	// MaxLoadBalancerName is the length limit of AWS load balancer and target
	// group names.
	MaxLoadBalancerName = 32
	// MaxIAMRoleName is the length limit of AWS IAM role names.
	MaxIAMRoleName = 64
	// MaxEKSClusterName is the length limit of EKS cluster names.
	MaxEKSClusterName = 100
	// MaxGCPName is the length limit of GCP resource names (networks,
	// clusters, node pools, routers); they must also start with a letter.
	MaxGCPName = 63
	// MaxGCPServiceAccount is the length limit of a GCP service account id.
	MaxGCPServiceAccount = 30
)

// hashLen is the number of hex characters appended when a name is cut.
const hashLen = 6

// Physical joins parts with "-" into a lowercase RFC 1123 label of at most
// max characters: characters other than [a-z0-9-] become "-", runs of "-"
// collapse, and the result neither starts nor ends with "-". Empty parts are
// skipped. If the result is longer than max, it is cut to leave room for "-"
// and a six-character hash of the uncut name. max below 8 is raised to 8.
func Physical(max int, parts ...string) string {
	if max < hashLen+2 {
		max = hashLen + 2
	}
	full := sanitize(strings.Join(nonEmpty(parts), "-"))
	if len(full) <= max {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	suffix := hex.EncodeToString(sum[:])[:hashLen]
	head := strings.TrimRight(full[:max-hashLen-1], "-")
	return head + "-" + suffix
}

// GCP returns Physical(max, parts...) made to start with a letter, as GCP
// resource names must: a name that would start with a digit is prefixed
// with "p".
func GCP(max int, parts ...string) string {
	name := Physical(max, parts...)
	if name == "" || (name[0] >= 'a' && name[0] <= 'z') {
		return name
	}
	return Physical(max, append([]string{"p"}, parts...)...)
}

// Child returns the Pulumi logical name of a component's child: the
// component's name and the child's kind, joined by "-". Logical names are
// not physical names and are not length-limited, but they are part of the
// URN, so changing one replaces the resource unless an alias is added.
func Child(parent, kind string) string {
	if kind == "" {
		return parent
	}
	return parent + "-" + kind
}

func nonEmpty(parts []string) []string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		if !ok {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	return strings.TrimRight(b.String(), "-")
}
