package flux

import "embed"

// CRDs holds Flux's CustomResourceDefinitions (crds/*.yaml): every kind
// source-controller watches (GitRepository, OCIRepository, Bucket,
// HelmRepository, HelmChart, ExternalArtifact) and kustomize-controller's
// Kustomization, as the modules of SourceControllerVersion and
// KustomizeControllerVersion ship them (`make crds` copies them from the
// modules tools/flux builds). New installs them.
//
//go:embed crds/*.yaml
var CRDs embed.FS
