// Package flux installs Flux's source-controller and kustomize-controller
// and points them at the repository a team's GitOps runs from:
//
//	f, err := flux.New(ctx, "flux", flux.Args{
//		Tier: config.TierProd,
//		Images: &flux.ImagesArgs{
//			SourceController:    "registry.example.com/fluxcd/source-controller:v1.9.6",
//			KustomizeController: "registry.example.com/fluxcd/kustomize-controller:v1.9.6",
//		},
//		Repository: &flux.RepositoryArgs{
//			URL:           "ssh://git@git.example.com/acme/deploy.git",
//			SSHPrivateKey: cfg.RequireSecret("deployKey"),
//			KnownHosts:    "git.example.com ssh-ed25519 AAAA…",
//		},
//		Kustomizations: []flux.KustomizationArgs{{Name: "prod", Path: "envs/prod"}},
//		DecryptionKey:  cfg.RequireSecret("ageKey"),
//	}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:kubernetes:Flux. Pulumi owns
// what it creates: the namespace, Flux's CRDs, the two controllers with
// their RBAC, the repository's credentials, the age identity, the
// GitRepository and the Kustomizations. Flux owns what the Kustomizations
// apply from the repository (the `stacks gitops render` layout,
// docs/gitops.md). The objects are upstream's config/ manifests of the
// pinned versions, written as Pulumi resources (no chart repository is
// needed), with the changes below.
//
// # Defaults
//
//	| setting                  | value                                                          |
//	|--------------------------|----------------------------------------------------------------|
//	| namespace                | flux-system, Pod Security "restricted" enforced                |
//	| versions                 | source-controller and kustomize-controller v1.9.6 (their CRDs) |
//	| branch, fetch interval   | main, every 1m (timeout 60s); the up waits for the first fetch |
//	| Kustomization            | prune, wait, interval 5m, retry 1m, timeout 5m, not suspended  |
//	| applies as               | the applier (flux-applier), ApplierRules only; upstream binds  |
//	|                          | kustomize-controller to cluster-admin                          |
//	| remote bases             | refused (--no-remote-bases): only the repository is applied    |
//	| SOPS                     | with DecryptionKey, every Kustomization decrypts with sops-age  |
//	| ingress                  | the namespace's own pods; metrics (8080) from monitoring       |
//	| egress                   | open: the git host, the API server, a KMS for SOPS             |
//	| pods                     | non-root, read-only root filesystem, no capabilities,          |
//	|                          | RuntimeDefault seccomp; requests 50m/100m CPU, 64Mi; limit 1Gi |
//	| intervals (validated)    | between 1m and 1h (5s on the local tier), timeouts from 30s    |
//
// The images are required, with the pinned version's tag: plinth names no
// registry, and a controller of another version would not match the CRDs.
package flux
