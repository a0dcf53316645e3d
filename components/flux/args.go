package flux

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures Flux for one cluster: its controllers, the repository
// it follows and the Kustomizations it applies. Images, Repository.URL
// and at least one Kustomization are required; every other field has a
// documented default.
type Args struct {
	// Tier picks the interval bounds (see Validate). Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Namespace the controllers, the GitRepository and the Kustomizations
	// live in. Default: "flux-system".
	Namespace string `pulumi:"namespace,optional"`
	// Images of the two controllers. Required: plinth names no registry;
	// give your mirror's copy of the pinned version.
	Images *ImagesArgs `pulumi:"images"`
	// Repository is the git repository Flux follows. Required (its URL).
	Repository *RepositoryArgs `pulumi:"repository"`
	// Kustomizations Flux applies from the repository, one per
	// environment this cluster runs. Required: at least one.
	Kustomizations []KustomizationArgs `pulumi:"kustomizations"`
	// DecryptionKey is the age identity ("AGE-SECRET-KEY-1…") that
	// decrypts the SOPS-encrypted Secrets of the repository. It is stored
	// in the Secret "sops-age" that every Kustomization decrypts with.
	// Pass a Pulumi secret. Default: - none (a Secret in the repository then
	// fails to apply, as it should).
	DecryptionKey pulumi.StringInput `pulumi:"decryptionKey,optional"`
	// MonitoringNamespace may scrape the controllers' metrics (port 8080)
	// through their NetworkPolicy. Default: "monitoring".
	MonitoringNamespace string `pulumi:"monitoringNamespace,optional"`
	// WaitForCRDs are what install the CRDs of the kinds the repository
	// holds (the monitoring chart, the Argo Rollouts chart): the
	// Kustomizations wait for them, so Flux's first apply does not race
	// them. Go programs only; other languages set dependsOn on the
	// component.
	WaitForCRDs []pulumi.Resource
	// Applier is the ServiceAccount kustomize-controller impersonates to
	// apply a Kustomization that names none (--default-service-account):
	// it holds only the rights on the kinds plinth renders (see
	// ApplierRules). Default: "flux-applier".
	Applier string `pulumi:"applier,optional"`
}

// ImagesArgs are the controllers' images, each "<repository>:<tag>"
// optionally "@sha256:<digest>". The tag must be the version whose CRDs
// the component installs (SourceControllerVersion,
// KustomizeControllerVersion).
type ImagesArgs struct {
	// SourceController is source-controller's image. Required.
	SourceController string `pulumi:"sourceController"`
	// KustomizeController is kustomize-controller's image. Required.
	KustomizeController string `pulumi:"kustomizeController"`
}

// RepositoryArgs is the git repository Flux follows (a GitRepository).
type RepositoryArgs struct {
	// URL of the repository: https:// or ssh://. http:// is accepted
	// only for a loopback host on the local tier. Required.
	URL string `pulumi:"url"`
	// Branch Flux follows. Default: "main".
	Branch string `pulumi:"branch,optional"`
	// Interval between fetches of the branch. Default: "1m".
	Interval string `pulumi:"interval,optional"`
	// Timeout of a fetch. Default: "60s".
	Timeout string `pulumi:"timeout,optional"`
	// Username for an https repository, with Password. Default: - none (a
	// public repository).
	Username pulumi.StringInput `pulumi:"username,optional"`
	// Password (or token) for an https repository, with Username. Pass a
	// Pulumi secret. Default: - none.
	Password pulumi.StringInput `pulumi:"password,optional"`
	// SSHPrivateKey (PEM) for an ssh repository: required there. Pass a
	// Pulumi secret. Default: - none.
	SSHPrivateKey pulumi.StringInput `pulumi:"sshPrivateKey,optional"`
	// KnownHosts are the ssh host's key lines, as ssh-keyscan prints
	// them: required for an ssh repository. Default: - none.
	KnownHosts string `pulumi:"knownHosts,optional"`
}

// KustomizationArgs is one Kustomization: a path of the repository
// applied, pruned and health-checked.
type KustomizationArgs struct {
	// Name of the Kustomization, e.g. the environment. Required.
	Name string `pulumi:"name"`
	// Path of the kustomization.yaml in the repository, e.g.
	// "envs/prod". Required.
	Path string `pulumi:"path"`
	// Interval between reconciliations, which also corrects drift.
	// Default: "5m".
	Interval string `pulumi:"interval,optional"`
	// RetryInterval after a failed reconciliation. Default: "1m".
	RetryInterval string `pulumi:"retryInterval,optional"`
	// Timeout of an apply and its health checks. Default: "5m".
	Timeout string `pulumi:"timeout,optional"`
	// Prune deletes what was removed from the repository; false in prod
	// is refused by guardrail PL-FLUX-001 unless waived. Default: true.
	Prune *bool `pulumi:"prune,optional"`
	// Wait health-checks every object applied before the Kustomization is
	// Ready. Default: true.
	Wait *bool `pulumi:"wait,optional"`
	// Suspend stops reconciliation: the operator's switch for a manual
	// fix (docs/gitops.md, break-glass). Default: false.
	Suspend bool `pulumi:"suspend,optional"`
	// HealthChecks name objects to check besides those applied (with Wait
	// off, the only ones). Default: - none.
	HealthChecks []HealthCheckArgs `pulumi:"healthChecks,optional"`
}

// HealthCheckArgs names one object a Kustomization health-checks.
type HealthCheckArgs struct {
	// APIVersion of the object, e.g. "apps/v1". Required.
	APIVersion string `pulumi:"apiVersion"`
	// Kind of the object, e.g. "Deployment". Required.
	Kind string `pulumi:"kind"`
	// Name of the object. Required.
	Name string `pulumi:"name"`
	// Namespace of the object; empty for a cluster-scoped kind.
	Namespace string `pulumi:"namespace,optional"`
}
