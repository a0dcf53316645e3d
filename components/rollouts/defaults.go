package rollouts

import (
	"cmp"
	"maps"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Defaults that do not depend on the tier; each is also written on its
// field in args.go (a test checks the two agree).
const (
	// DefaultChartVersion is the pinned argo-rollouts chart (controller
	// v1.8.3).
	DefaultChartVersion = "2.40.5"
	defaultNamespace    = "argo-rollouts"
)

// ReleaseName is the Helm release name of the chart; the controller's
// objects are named after it.
const ReleaseName = "argo-rollouts"

// Defaults returns args with every unset field set to its default: the
// arguments New deploys. It never changes the caller's args.
func (a Args) Defaults() Args {
	a.Tier = cmp.Or(a.Tier, config.TierDev)
	a.Namespace = cmp.Or(a.Namespace, defaultNamespace)
	a.Chart = ptr.Clone(a.Chart)
	a.Chart.Version = cmp.Or(a.Chart.Version, DefaultChartVersion)
	replicas := 1
	if a.Tier == config.TierProd {
		replicas = 2
	}
	a.Replicas = ptr.Or(a.Replicas, replicas)
	a.ExtraValues = maps.Clone(a.ExtraValues)
	return a
}
