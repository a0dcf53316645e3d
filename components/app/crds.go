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
