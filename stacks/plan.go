package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/pkg/config"
)

// plan prints, for each stack file in root (or only stack), every resource
// the program would register, composed under mocks: one line per
// resource, "<type> <name> <inputs as JSON>", sorted, secrets shown as
// "[secret]". It needs no backend, cloud, credentials or passphrase, so
// it is the preview a pull request from a fork gets (docs/ci.md); two
// plans, of the base and of the change, diff like a preview.
func plan(w io.Writer, root, only string) error {
	return eachStack(root, only, func(stack string, env *config.Environment) error {
		s, err := composeUnderMocks(env, projectName, stack)
		if err != nil {
			return fmt.Errorf("stack %s: %w", stack, err)
		}
		lines := make([]string, 0, len(s.Resources))
		for _, r := range s.Resources {
			inputs, err := json.Marshal(resource.NewObjectProperty(r.Inputs).MapRepl(nil, redactSecret))
			if err != nil {
				return fmt.Errorf("stack %s: %s %s: %w", stack, r.Type, r.Name, err)
			}
			lines = append(lines, fmt.Sprintf("%s %s %s", r.Type, r.Name, inputs))
		}
		sort.Strings(lines)
		fmt.Fprintf(w, "## %s (%s on %s): %d resources\n\n", stack, env.Tier, env.Cloud, len(lines))
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
		fmt.Fprintln(w)
		return nil
	})
}

// redactSecret replaces a secret's value; unknown values (outputs of
// other resources under mocks) print as null.
func redactSecret(v resource.PropertyValue) (any, bool) {
	switch {
	case v.IsSecret():
		return "[secret]", true
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return nil, true
	case v.IsOutput():
		return v.OutputValue().Element.MapRepl(nil, redactSecret), true
	}
	return nil, false
}
