// Command pulumi-resource-kubernetes is the Pulumi kubernetes provider,
// built from its Go module for machines that cannot download the released
// plugin. The upstream main embeds a schema generated at release time;
// this one embeds the module's own schema.json and terraform-mapping.json,
// which the Makefile copies next to this file before building.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
)

// version is the plugin version this binary is installed as; it matches
// the pulumi-kubernetes Go SDK the library uses.
const version = "4.25.0"

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version, schema, terraformMapping)
}
