package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/imagepolicy"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/components/rollouts"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// appArgs maps an application of the config onto the app component's
// arguments. Namespaces are created by the stack (apps may share one), so
// the component does not create them.
func appArgs(env *config.Environment, a config.App) app.Args {
	no := false
	args := app.Args{
		Image:             pulumi.String(a.Image),
		AllowMutableTag:   a.AllowMutableTag,
		Tier:              env.Tier,
		Namespace:         pulumi.String(a.Namespace),
		CreateNamespace:   &no,
		Port:              a.Port,
		Replicas:          a.Replicas,
		ServiceAccount:    &app.ServiceAccountArgs{},
		Env:               a.Env,
		AllowPlaintextEnv: a.AllowPlaintextEnv,
		Autoscaling: &app.AutoscalingArgs{
			Disabled:            a.Autoscaling.Enabled != nil && !*a.Autoscaling.Enabled,
			MinReplicas:         a.Autoscaling.Min,
			MaxReplicas:         a.Autoscaling.Max,
			TargetCPUPercent:    a.Autoscaling.TargetCPU,
			TargetMemoryPercent: a.Autoscaling.TargetMemory,
		},
		Resources: &app.ResourcesArgs{
			CPURequest: a.Resources.CPURequest, MemoryRequest: a.Resources.MemoryRequest,
			CPULimit: a.Resources.CPULimit, MemoryLimit: a.Resources.MemoryLimit,
		},
		Metrics: &app.MetricsArgs{
			Port:                  a.MetricsPort,
			DisableServiceMonitor: env.Monitoring.Mode == config.MonitoringOff,
		},
		NetworkPolicy: &app.NetworkPolicyArgs{
			AllowFromNamespaces: literals(a.AllowFrom),
			AllowToNamespaces:   calls(env, a),
			AllowAllEgress:      a.AllowAllEgress,
			MonitoringNamespace: pulumi.String(env.Monitoring.Namespace),
		},
		Strategy: &app.StrategyArgs{
			Type:          a.Strategy,
			ActiveColor:   a.ActiveColor,
			GreenImage:    optional(a.GreenImage),
			CanaryImage:   optional(a.CanaryImage),
			CanaryPercent: a.CanaryPercent,
			Progressive:   progressiveArgs(env, a),
		},
	}
	for _, s := range a.SecretEnv {
		if s.FromConfig != "" {
			if args.SecretValues == nil {
				args.SecretValues = map[string]pulumi.StringInput{}
			}
			args.SecretValues[s.Name] = env.Secrets[s.FromConfig]
			continue
		}
		args.SecretEnv = append(args.SecretEnv, app.SecretKeyRef{Name: s.Name, Secret: s.Secret, Key: s.Key})
	}
	if g := env.Gateway; a.Host != "" && g != nil {
		args.Route = &app.RouteArgs{Gateway: g.Name, GatewayNamespace: pulumi.String(g.Namespace), SectionName: g.SectionName, Hostnames: []pulumi.StringInput{pulumi.String(a.Host)}}
	}
	return args
}

// progressiveArgs maps an application's progressive config onto the
// component's (nil for an app that is not Progressive and sets none). The
// analysis queries the Prometheus the stack installs, in
// plinth:monitoring.namespace, unless the config names another.
func progressiveArgs(env *config.Environment, a config.App) *app.ProgressiveArgs {
	p := a.Progressive
	if p == nil {
		if a.Strategy != app.StrategyProgressive {
			return nil
		}
		p = &config.Progressive{}
	}
	address := p.Analysis.PrometheusAddress
	if address == "" && env.Monitoring.Mode == config.MonitoringInstall {
		address = fmt.Sprintf("http://%s-prometheus.%s.svc.cluster.local:9090", monitoring.ReleaseName, env.Monitoring.Namespace)
	}
	return &app.ProgressiveArgs{
		Mode: p.Mode, Steps: p.Steps, StepPauseSeconds: p.StepPauseSeconds,
		Analysis: &app.AnalysisArgs{PrometheusAddress: address, Interval: p.Analysis.Interval, Count: p.Analysis.Count, Window: p.Analysis.Window,
			MinRequests: p.Analysis.MinRequests},
	}
}

// rolloutsArgs is the Argo Rollouts controller a cloud environment
// installs: only when an application uses the Progressive strategy (nil
// otherwise).
func rolloutsArgs(env *config.Environment) *rollouts.Args {
	if !slices.ContainsFunc(env.Apps, func(a config.App) bool { return a.Strategy == app.StrategyProgressive }) {
		return nil
	}
	return &rollouts.Args{
		Tier:       env.Tier,
		Chart:      &rollouts.ChartArgs{Repository: env.Rollouts.Repository, Version: env.Rollouts.ChartVersion},
		Monitoring: env.Monitoring.Mode != config.MonitoringOff,
	}
}

// imagePolicyArgs is the image policy of an environment (nil without
// plinth:imagePolicy). Cloud stacks install Kyverno unless the config says
// it is preinstalled; the local stack never does.
func imagePolicyArgs(env *config.Environment) *imagepolicy.Args {
	ip := env.ImagePolicy
	if ip == nil {
		return nil
	}
	a := &imagepolicy.Args{
		Tier: env.Tier, Mode: imagepolicy.Mode(ip.Mode), Images: ip.Images, Keys: ip.Keys,
		TransparencyLog: ip.TransparencyLog, UseCache: ip.UseCache,
	}
	if k := ip.Keyless; k != nil {
		a.Keyless = &imagepolicy.KeylessArgs{Issuer: k.Issuer, Subject: k.Subject, Repository: k.Repository}
	}
	for _, w := range ip.Waivers {
		a.Waivers = append(a.Waivers, imagepolicy.WaiverArgs{Image: w.Image, Reason: w.Reason})
	}
	if installsKyverno(env) {
		a.Kyverno = &imagepolicy.KyvernoArgs{Chart: &imagepolicy.ChartArgs{Repository: ip.Repository, Version: ip.ChartVersion}}
	}
	return a
}

// installsKyverno says whether the stack installs Kyverno for its image
// policy.
func installsKyverno(env *config.Environment) bool {
	return env.ImagePolicy != nil && !env.ImagePolicy.Preinstalled && env.Cloud != config.CloudLocal
}

// calls are the namespaces of the applications that admit a (their
// allowFrom names a's namespace): the ones a may connect to.
func calls(env *config.Environment, a config.App) []string {
	var out []string
	for _, other := range env.Apps {
		if other.Name != a.Name && slices.Contains(other.AllowFrom, a.Namespace) && !slices.Contains(out, other.Namespace) {
			out = append(out, other.Namespace)
		}
	}
	return out
}

// validateApps validates every application's arguments with the app
// component and joins the problems, reported under the application's
// config keys (plinth:apps[i]…).
func validateApps(env *config.Environment, args map[string]app.Args) error {
	var errs []error
	for i, a := range env.Apps {
		section := fmt.Sprintf("apps[%d]", i)
		rules := slices.Clone(appPaths)
		// appArgs splits secretEnv into SecretValues (fromConfig) and
		// SecretEnv (existing Secrets): map each back to its entry.
		k := 0
		for j, s := range a.SecretEnv {
			to := fmt.Sprintf("/apps[%d].secretEnv[%d]", i, j)
			if s.FromConfig != "" {
				rules = append(rules, pathRule{"secretValues." + s.Name, to})
				continue
			}
			rules = append(rules, pathRule{fmt.Sprintf("secretEnv#%d", k), to})
			k++
		}
		err := args[a.Name].Validate(a.Name)
		err = problem.Remap(err, "", func(p string) string { // secretEnv[k] → secretEnv#k, which the rules name
			if rest, ok := strings.CutPrefix(p, "secretEnv["); ok {
				if idx, tail, ok := strings.Cut(rest, "]"); ok {
					return "secretEnv#" + idx + tail
				}
			}
			return p
		})
		errs = append(errs, remap(err, section, rules))
	}
	return errors.Join(errs...)
}

// namespaces returns the distinct namespaces of the applications, in
// config order.
func namespaces(env *config.Environment) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range env.Apps {
		if !seen[a.Namespace] {
			seen[a.Namespace] = true
			out = append(out, a.Namespace)
		}
	}
	return out
}

// bindCloudIdentities gives every application that asks for a cloud
// identity (plinth:apps[i].cloudIdentity) the one bind creates for it,
// recorded in its app.Args.
func bindCloudIdentities(env *config.Environment, apps map[string]app.Args, bind func(a config.App, args *app.Args) error) error {
	for _, a := range env.Apps {
		if !a.CloudIdentity {
			continue
		}
		args := apps[a.Name]
		if err := bind(a, &args); err != nil {
			return err
		}
		apps[a.Name] = args
	}
	return nil
}

// clusterName is the environment's cluster name: plinth:cluster.name, or
// "<Pulumi project>-<stack>" within the cloud's limit (so two projects
// with a stack of the same name never share a cluster name).
func clusterName(ctx *pulumi.Context, env *config.Environment) string {
	if env.Cluster.Name != "" {
		return env.Cluster.Name
	}
	if env.Cloud == config.CloudGCP {
		return naming.GCP(40, ctx.Project(), ctx.Stack())
	}
	return naming.Physical(naming.MaxEKSClusterName, ctx.Project(), ctx.Stack())
}

// optional is a literal input, or nil for "".
func optional(s string) pulumi.StringInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

// literals are the strings as literal inputs.
func literals(ss []string) []pulumi.StringInput {
	out := make([]pulumi.StringInput, len(ss))
	for i, s := range ss {
		out[i] = pulumi.String(s)
	}
	return out
}
