package imagepolicy

import (
	"cmp"
	"maps"
	"slices"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Defaults that do not depend on the tier; each is also written on its
// field in args.go (a test checks the two agree).
const (
	// DefaultChartVersion is the pinned kyverno chart (Kyverno v1.19.1).
	DefaultChartVersion   = "3.9.1"
	defaultNamespace      = "kyverno"
	defaultVerifyCacheTTL = "5m"
)

// ReleaseName is the Helm release name of the chart; Kyverno's objects are
// named after it.
const ReleaseName = "kyverno"

// Defaults returns args with every unset field set to its default: the
// arguments New deploys. It never changes the caller's args.
func (a Args) Defaults() Args {
	a.Tier = cmp.Or(a.Tier, config.TierDev)
	if a.Mode == "" {
		a.Mode = Audit
		if a.Tier == config.TierProd {
			a.Mode = Enforce
		}
	}
	a.Images = slices.Clone(a.Images)
	a.Keys = slices.Clone(a.Keys)
	if a.Keyless != nil { // optional: nil means keyed
		k := *a.Keyless
		a.Keyless = &k
	}
	a.TransparencyLog = ptr.Or(a.TransparencyLog, true)
	a.MutateDigest = ptr.Or(a.MutateDigest, true)
	a.VerifyDigest = ptr.Or(a.VerifyDigest, true)
	a.UseCache = ptr.Or(a.UseCache, true)
	a.Waivers = slices.Clone(a.Waivers)
	if a.Kyverno != nil {
		k := *a.Kyverno
		k.Namespace = cmp.Or(k.Namespace, defaultNamespace)
		k.Chart = ptr.Clone(k.Chart)
		if k.Chart == nil {
			k.Chart = &ChartArgs{}
		}
		k.Chart.Version = cmp.Or(k.Chart.Version, DefaultChartVersion)
		replicas := 1
		if a.Tier == config.TierProd {
			replicas = 3
		}
		k.Replicas = ptr.Or(k.Replicas, replicas)
		k.VerifyCacheTTL = cmp.Or(k.VerifyCacheTTL, defaultVerifyCacheTTL)
		k.ExtraValues = maps.Clone(k.ExtraValues)
		a.Kyverno = &k
	}
	return a
}
