package main

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Program is the stack program: it loads the environment from the stack's
// config and composes it.
func Program(ctx *pulumi.Context) error {
	env, err := config.Load(ctx)
	if err != nil {
		return err
	}
	if err := gate(ctx, env); err != nil {
		return err
	}
	outputs, err := Compose(ctx, env)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Export(k, outputs[k])
	}
	return nil
}

// composer creates one cloud's environment.
type composer func(ctx *pulumi.Context, env *config.Environment) (map[string]pulumi.Output, error)

// Compose creates the environment's resources and returns the stack
// outputs. Every component's arguments are validated before the first
// resource is registered, so a bad config creates nothing.
func Compose(ctx *pulumi.Context, env *config.Environment) (map[string]pulumi.Output, error) {
	compose, ok := composers[env.Cloud]
	if !ok {
		return nil, fmt.Errorf("plinth:cloud %q: this build of the stack program cannot compose it (built with -tags plinthlocal?)", env.Cloud)
	}
	return compose(ctx, env)
}
