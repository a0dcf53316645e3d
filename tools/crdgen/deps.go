//go:build tools

// Package crdgen pins the Prometheus Operator API types that
// `make crds` generates CustomResourceDefinitions from.
package crdgen

import _ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

// The Gateway API CRDs are copied from this module's config/crd/standard
// (make crds), at the version go.mod pins.
import _ "sigs.k8s.io/gateway-api/apis/v1"

// The Argo Rollouts CRDs (Rollout, AnalysisTemplate, AnalysisRun and the
// rest) are generated from its API types, like the Prometheus Operator's.
import _ "github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
