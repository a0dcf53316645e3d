package plinthtest

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/providers"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/pkg/policy"
)

// PolicyResources returns the resources the rules of pkg/policy judge:
// every custom resource and every multi-language component (a Helm Chart
// v4, whose values the rules read), with its URN, provider and recorded
// dependencies. Local components are left out: their children are what
// gets created.
func (s *Stack) PolicyResources() []policy.Resource {
	var out []policy.Resource
	for _, r := range s.Resources {
		if !r.Custom && !r.Remote {
			continue
		}
		out = append(out, policy.Resource{
			Type: r.Type, Name: r.Name, Inputs: r.Plain(), Protect: r.Protect,
			URN: r.URN, Provider: providerURN(r.Provider), Dependencies: r.Dependencies,
			IgnoreChanges: r.IgnoreChanges, Outputs: Plain(resource.NewObjectProperty(r.Outputs)).(map[string]any),
		})
	}
	return out
}

// providerURN returns the URN of a provider reference ("<urn>::<id>"), or
// ref itself when it is not one.
func providerURN(ref string) string {
	if r, err := providers.ParseReference(ref); err == nil {
		return string(r.URN())
	}
	return ref
}
