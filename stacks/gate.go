package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

// Guardrail enforcement happens in the program. Before Program registers
// anything, it runs the same composition under mocks, evaluates
// pkg/policy's rules on every resource that would be registered (inputs
// included, with the whole stack in view for cross-resource rules), and
// fails with the rules' messages while a mandatory finding stands. So a
// non-compliant `pulumi preview` or `up` stops before the first resource
// — with the official CLI and with the driver alike.
//
// Why not a policy pack (`--policy-pack`)? The Go policy SDK needs a
// policy-pack language host that cannot be built or fetched here, packs
// must be distributed separately from the program, and packs see only
// resources as they register, one at a time; the program-side gate needs
// nothing beyond the program and sees the whole stack before anything
// registers. The same rules run in every stack's tests and in
// `make policy-report`.

// Gate evaluates the guardrails and the deployability rules on what
// Compose would register for env, on today's date. For an AWS
// environment it also composes the stack with one more availability zone,
// so the rules can check that growing the network moves nothing.
func Gate(env *config.Environment, project, stack string) (policy.Report, error) {
	s, err := composeUnderMocks(env, project, stack)
	if err != nil {
		return policy.Report{}, err
	}
	c := policy.Context{Tier: string(env.Tier), Today: time.Now(), PreinstalledCRDs: preinstalledCRDs(env)}
	var notJudged []string
	if env.Cloud == config.CloudAWS {
		// Compose the stack with one more zone. A region with no zone left
		// cannot grow, and that is said; any other refusal (no free subnet
		// slot) is PL-D-013's finding.
		g, err := composeUnderMocks(grow(env, s), project, stack)
		var few *awszones.TooFewError
		switch {
		case errors.As(err, &few):
			notJudged = append(notJudged, fmt.Sprintf("PL-D-013: %s has %d zones the network may use, and it uses all of them, so it cannot gain one", env.Region, len(few.Zones)))
		case err != nil:
			c.GrowthRefused = err.Error()
		default:
			c.Grown = g.PolicyResources()
		}
	}
	var waivers []policy.Waiver
	for _, w := range env.Waivers {
		waivers = append(waivers, policy.Waiver{Rule: w.Rule, Resource: w.Resource, Reason: w.Reason})
	}
	if gitops(env) {
		// What Flux needs by its nature, said by the component.
		for _, w := range flux.Waivers("flux") {
			waivers = append(waivers, policy.Waiver{Rule: w.Rule, Resource: w.Resource, Reason: w.Reason})
		}
	}
	rep := policy.Evaluate(policy.Rules(), s.PolicyResources(), c, waivers)
	rep.NotJudged = append(rep.NotJudged, notJudged...)
	return rep, nil
}

// grow returns env with one more availability zone than the network s
// composed spans (the zones its subnets were placed in).
func grow(env *config.Environment, s *plinthtest.Stack) *config.Environment {
	zones := map[string]bool{}
	for _, r := range s.ByType("aws:ec2/subnet:Subnet") {
		if z, ok := r.Inputs["availabilityZone"]; ok && z.IsString() {
			zones[z.StringValue()] = true
		}
	}
	grown := *env
	grown.Network.AZCount = new(len(zones) + 1)
	return &grown
}

// composeUnderMocks composes env under plinth's mocks, whose lookups
// answer for the stack's region from cited tables (pkg/awszones,
// pkg/eksaddon): the rules judge the zones and versions the region
// really has, not invented ones.
func composeUnderMocks(env *config.Environment, project, stack string) (*plinthtest.Stack, error) {
	opts := []plinthtest.Option{plinthtest.WithProject(project), plinthtest.WithStack(stack)}
	if env.Cloud == config.CloudAWS && env.Region != "" {
		opts = append(opts, plinthtest.WithConfig(map[string]string{"aws:region": env.Region}))
	}
	return plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := Compose(ctx, env)
		return err
	}, opts...)
}

// gate runs Gate inside a program: advisory findings are logged, blocking
// ones fail the program before it registers anything.
func gate(ctx *pulumi.Context, env *config.Environment) error {
	rep, err := Gate(env, ctx.Project(), ctx.Stack())
	if err != nil {
		return err
	}
	if n := len(rep.Advisories()); n > 0 {
		_ = ctx.Log.Info(fmt.Sprintf("guardrails: %d advisory finding(s); `make policy-report` lists them", n), nil)
	}
	if err := rep.Err(); err != nil {
		return fmt.Errorf("guardrails: %w", err)
	}
	return nil
}

// preinstalledCRDs are the API groups whose CRDs the config says the
// cluster has before the stack runs: the Gateway API, with a Gateway the
// platform runs (plinth:gateway), and the Prometheus Operator's in
// operator mode, and Kyverno's where the stack applies an image policy
// without installing Kyverno.
func preinstalledCRDs(env *config.Environment) []string {
	var out []string
	if env.Gateway != nil {
		out = append(out, "gateway.networking.k8s.io")
	}
	if env.Monitoring.Mode == config.MonitoringOperator {
		out = append(out, "monitoring.coreos.com")
	}
	if env.ImagePolicy != nil && !installsKyverno(env) {
		out = append(out, "kyverno.io")
	}
	return out
}
