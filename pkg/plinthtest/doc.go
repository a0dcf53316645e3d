// Package plinthtest runs Pulumi programs under mocks and records every
// resource they register, so tests assert what a component really asked
// the engine for: type token, name, URN, parent, provider, inputs and
// resource options.
//
//	stack := plinthtest.Run(t, func(ctx *pulumi.Context) error {
//		_, err := app.New(ctx, "web", app.Args{Image: pulumi.String("ghcr.io/acme/web:1.4.2")})
//		return err
//	}, plinthtest.WithConfig(map[string]string{"plinth:tier": "prod"}))
//	dep := stack.Get(t, "kubernetes:apps/v1:Deployment", "web-deployment")
//	dep.String(t, "spec.template.spec.containers[0].image")
//
// The mocks answer with realistic outputs for the types plinth uses (ids,
// ARNs, endpoints, certificate data, DNS names, service account emails),
// so code that consumes outputs runs as it would against a cloud. Values
// returned by Await say whether they are known and secret.
package plinthtest

// T is the part of testing.TB the helpers use; *testing.T, *testing.B and
// *testing.F satisfy it. The package does not import "testing", so a
// program that composes stacks under mocks (the stack program's guardrail
// gate) does not link the test framework.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Fatal(args ...any)
}
