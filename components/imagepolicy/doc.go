// Package imagepolicy lets only signed images run: it renders a Kyverno
// ClusterPolicy that verifies cosign signatures at admission, and can
// install Kyverno from its chart:
//
//	pol, err := imagepolicy.New(ctx, "signed-images", imagepolicy.Args{
//		Tier:   config.TierProd,
//		Images: []string{"registry.example.com/shop/*"},
//		Keyless: &imagepolicy.KeylessArgs{
//			Issuer:  "https://token.actions.githubusercontent.com",
//			Subject:    "https://github.com/plinth-dev/plinth/.github/workflows/image.yml@*",
//			Repository: "acme/shop",
//		},
//		Kyverno: &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: "https://charts.example.com/kyverno"}},
//	}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:kubernetes:ImagePolicy. It is a
// component rather than an option of the cluster components because the
// policy is the same on EKS, GKE and any other cluster, and because a
// platform that already runs Kyverno needs the policy without the install.
//
// The policy has one rule, on Pods; Kyverno's autogen applies it to every
// controller of pods (Deployments, Rollouts' ReplicaSets, Jobs), so an
// unsigned image is refused when its Deployment is applied, and `pulumi
// up` fails naming the image and the policy, rather than leaving a
// Deployment whose pods never start.
//
// # Defaults
//
//	| setting                    | value                                                   |
//	|----------------------------|---------------------------------------------------------|
//	| mode                       | Audit; prod Enforce                                     |
//	| webhook failure policy     | Fail in Enforce (no answer, no admission), else Ignore  |
//	| webhook timeout            | 30 s                                                    |
//	| signatures required        | one, by any of Keys, or by the Keyless identity         |
//	| transparency log           | required (Rekor entry; keyless also the SCT)            |
//	| mutateDigest, verifyDigest | on: pods run the digest that was verified               |
//	| verification cache         | on, for KyvernoArgs.VerifyCacheTTL (5 min)              |
//	| background scans           | off (admission only: reports need the reports server)   |
//	| Kyverno chart              | DefaultChartVersion (Kyverno v1.19.1), CRDs installed   |
//	| Kyverno namespace          | kyverno, Pod Security "restricted" enforced             |
//	| admission replicas         | 1; prod 3 (the others 2), disruption budget min 1       |
//
// # Digests and server-side apply
//
// With MutateDigest on, Kyverno rewrites "repo:tag" to "repo:tag@sha256:…"
// in the same request that applies it, so the field stays Pulumi's and
// Pulumi's next preview (a server-side dry run, which passes the same
// webhook) finds no difference. Giving the app an image by digest (what
// plinth's image pipeline writes into the stack) makes the mutation a
// no-op altogether; the end-to-end test proves both.
//
// # Break-glass
//
// Waivers lists images the policy skips (skipImageReferences), each with
// its reason, recorded on the policy (WaiversAnnotation). The stack's
// guardrail PL-K8S-026 requires Enforce in prod; waiving that rule needs
// a policy waiver with a reason (docs/supply-chain.md).
package imagepolicy
