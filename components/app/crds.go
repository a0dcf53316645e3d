package app

import "embed"

// GatewayCRDs holds the Gateway API CustomResourceDefinitions (standard
// channel: GatewayClass, Gateway, HTTPRoute, ReferenceGrant) as
// sigs.k8s.io/gateway-api ships them, at the version tools/crdgen pins
// (`make crds` copies them). The local control plane installs them; real
// clusters get them with their Gateway implementation.
//
//go:embed crds/*.yaml
var GatewayCRDs embed.FS

// RolloutCRDs holds the Argo Rollouts CustomResourceDefinitions
// (crds/rollouts/*.yaml: Rollout, AnalysisTemplate, AnalysisRun,
// ClusterAnalysisTemplate, Experiment), generated from its API types by
// `make crds` at the version tools/crdgen pins. The local control plane
// installs them; real clusters get them from the rollouts component's
// chart.
//
//go:embed crds/rollouts/*.yaml
var RolloutCRDs embed.FS

// RolloutCRDsPattern matches the files of RolloutCRDs.
const RolloutCRDsPattern = "crds/rollouts/*.yaml"
