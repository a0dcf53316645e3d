package flux

import (
	"cmp"
	"slices"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/config"
)

// The pinned controller versions: the CRDs in crds/ are theirs (make crds
// copies them from the modules tools/flux builds), so the images must be
// these versions.
const (
	SourceControllerVersion    = "v1.9.6"
	KustomizeControllerVersion = "v1.9.6"
)

// Defaults that do not depend on the tier; each is also written on its
// field in args.go (a test checks the two agree).
const (
	defaultNamespace           = "flux-system"
	defaultBranch              = "main"
	defaultRepositoryInterval  = "1m"
	defaultRepositoryTimeout   = "60s"
	defaultInterval            = "5m"
	defaultRetryInterval       = "1m"
	defaultTimeout             = "5m"
	defaultMonitoringNamespace = "monitoring"
	defaultApplier             = "flux-applier"
)

// Names of the objects the component creates in its namespace.
const (
	// RepositoryName is the GitRepository's name.
	RepositoryName = "plinth"
	// DecryptionSecret is the Secret holding the age identity
	// ("age.agekey"), named by every Kustomization's decryption.
	DecryptionSecret = "sops-age"
	// CredentialsSecret is the Secret of the repository's credentials.
	CredentialsSecret = "plinth-git"
)

// Defaults returns args with every unset field set to its default: the
// arguments New deploys. It never changes the caller's args.
func (a Args) Defaults() Args {
	a.Tier = cmp.Or(a.Tier, config.TierDev)
	a.Namespace = cmp.Or(a.Namespace, defaultNamespace)
	a.Images = ptr.Clone(a.Images)
	a.Repository = ptr.Clone(a.Repository)
	a.Repository.Branch = cmp.Or(a.Repository.Branch, defaultBranch)
	a.Repository.Interval = cmp.Or(a.Repository.Interval, defaultRepositoryInterval)
	a.Repository.Timeout = cmp.Or(a.Repository.Timeout, defaultRepositoryTimeout)
	a.MonitoringNamespace = cmp.Or(a.MonitoringNamespace, defaultMonitoringNamespace)
	a.Applier = cmp.Or(a.Applier, defaultApplier)
	a.Kustomizations = slices.Clone(a.Kustomizations)
	for i := range a.Kustomizations {
		k := &a.Kustomizations[i]
		k.Interval = cmp.Or(k.Interval, defaultInterval)
		k.RetryInterval = cmp.Or(k.RetryInterval, defaultRetryInterval)
		k.Timeout = cmp.Or(k.Timeout, defaultTimeout)
		k.Prune = ptr.Or(k.Prune, true)
		k.Wait = ptr.Or(k.Wait, true)
		k.HealthChecks = slices.Clone(k.HealthChecks)
	}
	return a
}
