//go:build tools

// Package crdgen pins the Prometheus Operator API types that
// `make crds` generates CustomResourceDefinitions from.
package crdgen

import _ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
