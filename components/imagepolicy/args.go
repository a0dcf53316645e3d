package imagepolicy

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures the image policy of one cluster. Images and one way of
// signing (Keys or Keyless) are required; every other field has a
// documented default. The fields are plain values, not Inputs: the stack's
// guardrails judge the mode and the images covered before anything is
// deployed.
type Args struct {
	// Tier picks the mode and the engine's replicas. Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Mode is "Enforce" (an image without a valid signature is refused at
	// admission) or "Audit" (it is admitted and reported).
	// Default: - by tier (prod Enforce, else Audit).
	Mode Mode `pulumi:"mode,optional"`
	// Images are the image references the policy covers, with Kyverno's
	// wildcards ("registry.example.com/shop/*"). Required: at least one.
	Images []string `pulumi:"images"`
	// Keys are PEM public keys (cosign.pub, "-----BEGIN PUBLIC KEY-----…"):
	// a signature by any one of them passes. Keyed signing; set Keys or
	// Keyless, not both.
	Keys []string `pulumi:"keys,optional"`
	// Keyless verifies a Sigstore keyless signature: a certificate issued
	// to the pipeline's OIDC identity. Set Keys or Keyless, not both.
	Keyless *KeylessArgs `pulumi:"keyless,optional"`
	// TransparencyLog requires the signature's entry in the Rekor
	// transparency log (and, keyless, the certificate's SCT). Turn it off
	// only for signatures made offline (cosign --tlog-upload=false).
	// Default: true.
	TransparencyLog *bool `pulumi:"transparencyLog,optional"`
	// RekorURL is the transparency log to check. Default: - Kyverno's
	// (the public Sigstore instance).
	RekorURL string `pulumi:"rekorURL,optional"`
	// MutateDigest rewrites an admitted image reference to its digest, so
	// every pod runs exactly what was verified. Default: true.
	MutateDigest *bool `pulumi:"mutateDigest,optional"`
	// VerifyDigest refuses an image reference without a digest (after
	// MutateDigest, if on). Default: true.
	VerifyDigest *bool `pulumi:"verifyDigest,optional"`
	// UseCache lets Kyverno remember a verified image for its cache TTL
	// (KyvernoArgs.VerifyCacheTTL): a deleted or revoked signature is
	// noticed only after it. Default: true.
	UseCache *bool `pulumi:"useCache,optional"`
	// Waivers are the break-glass: images the policy does not verify,
	// each with the reason. Default: - none.
	Waivers []WaiverArgs `pulumi:"waivers,optional"`
	// Kyverno installs Kyverno from its chart. Default: - not installed
	// (the cluster already runs Kyverno).
	Kyverno *KyvernoArgs `pulumi:"kyverno,optional"`
	// WaitForCRDs are what installs Kyverno's CRDs when Kyverno is not
	// set: the policy waits for them. Go programs only; other languages
	// set dependsOn on the component.
	WaitForCRDs []pulumi.Resource
}

// Mode is what the policy does with an image that fails verification.
type Mode string

// Modes.
const (
	// Enforce refuses the object at admission.
	Enforce Mode = "Enforce"
	// Audit admits it and records a policy report.
	Audit Mode = "Audit"
)

// KeylessArgs is the identity a keyless signature's certificate must
// name.
type KeylessArgs struct {
	// Issuer is the OIDC issuer of the signing identity, e.g.
	// "https://token.actions.githubusercontent.com". Required.
	Issuer string `pulumi:"issuer"`
	// Subject is the identity: for a GitHub workflow,
	// "https://github.com/<org>/<repo>/.github/workflows/<file>@refs/heads/main".
	// A trailing "*" matches any suffix. Required.
	Subject string `pulumi:"subject"`
	// Repository is the repository whose workflow run signed ("owner/name";
	// the certificate's githubWorkflowRepository extension). With a
	// reusable workflow, such as plinth's image.yml, the subject names the
	// called workflow, the same for every repository that calls it: the
	// repository is what tells your images from theirs. Required when the
	// issuer is GitHub Actions'.
	Repository string `pulumi:"repository,optional"`
}

// WaiverArgs exempts images from verification, with the reason.
type WaiverArgs struct {
	// Image is the reference (Kyverno wildcards allowed) not verified.
	// Required.
	Image string `pulumi:"image"`
	// Reason says why running it unverified is acceptable, and until
	// when. Required.
	Reason string `pulumi:"reason"`
}

// KyvernoArgs installs Kyverno from its chart.
type KyvernoArgs struct {
	// Namespace Kyverno runs in. Default: "kyverno".
	Namespace string `pulumi:"namespace,optional"`
	// Chart selects the kyverno chart. Required (its repository).
	Chart *ChartArgs `pulumi:"chart"`
	// Replicas of the admission controller, which answers the webhooks.
	// Default: - by tier (prod 3, else 1).
	Replicas *int `pulumi:"replicas,optional"`
	// VerifyCacheTTL is how long a verified image is remembered (Go
	// duration). Default: "5m".
	VerifyCacheTTL string `pulumi:"verifyCacheTTL,optional"`
	// ExtraValues are merged over the chart values plinth computes: the
	// escape hatch for settings without a typed field.
	ExtraValues map[string]any `pulumi:"extraValues,optional"`
}

// ChartArgs selects the kyverno chart.
type ChartArgs struct {
	// Version of the kyverno chart. Changing it upgrades Kyverno and its
	// CRDs. Default: "3.9.1".
	Version string `pulumi:"version,optional"`
	// Repository is the chart repository URL (Kyverno's Helm repository or
	// a mirror of it), or an oci:// URL of the chart. Required.
	Repository string `pulumi:"repository"`
}
