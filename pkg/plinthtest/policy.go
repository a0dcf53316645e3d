package plinthtest

import "github.com/plinth-dev/plinth/pkg/policy"

// PolicyResources returns the custom resources registered, as the
// guardrail rules see them (components are left out: their children are
// what gets created).
func (s *Stack) PolicyResources() []policy.Resource {
	var out []policy.Resource
	for _, r := range s.Resources {
		if !r.Custom {
			continue
		}
		out = append(out, policy.Resource{Type: r.Type, Name: r.Name, Inputs: r.Plain(), Protect: r.Protect})
	}
	return out
}
