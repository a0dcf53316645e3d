package config

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// Load reads the stack's "plinth:*" config, fills the tier defaults and
// validates it (see Parse). It returns the secret values the environment
// uses in Environment.Secrets, as Pulumi secrets. A secret stored in
// plaintext is rejected: set it again with `pulumi config set --secret`.
//
// A misspelt key is refused when Load can see it: the Go SDK lists no
// config keys, but the CLI's Go language host passes the whole config in
// PULUMI_CONFIG, whose plinth keys Load reads too. An inline program
// (the Automation API, as `go run ./stacks` runs it) has no such list; the
// driver parses the whole stack file before it starts the engine
// (stacks.CheckStackFile).
func Load(ctx *pulumi.Context) (*Environment, error) {
	values := map[string]string{}
	get := func(k string) {
		if v, ok := ctx.GetConfig(Namespace + ":" + k); ok {
			values[Namespace+":"+k] = v
		}
	}
	for _, k := range Keys {
		get(k)
	}
	secretKeys := append(append([]string{}, SecretKeys...), fromConfigKeys(values[Namespace+":apps"])...)
	for _, k := range secretKeys {
		get(k)
	}
	for _, k := range listedKeys() {
		if _, ok := values[k]; !ok {
			values[k] = "" // unknown to plinth: Parse refuses it by name
		}
	}
	env, err := Parse(values, ctx.Stack())
	if err != nil {
		return nil, err
	}

	p := problem.List{Prefix: Namespace + ":"}
	env.Secrets = map[string]pulumi.StringOutput{}
	for _, k := range secretKeys {
		v, ok := values[Namespace+":"+k]
		if !ok {
			continue
		}
		if !ctx.IsConfigSecret(Namespace + ":" + k) {
			p.Addf(k, "is stored in plaintext: store it encrypted with `pulumi config set --secret %s:%s`", Namespace, k)
			continue
		}
		env.Secrets[k] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return env, nil
}

// listedKeys returns the plinth keys of the config the CLI passed the
// program in PULUMI_CONFIG (none for an inline program).
func listedKeys() []string {
	var all map[string]string
	if json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all) != nil {
		return nil
	}
	var keys []string
	for k := range all {
		if strings.HasPrefix(k, Namespace+":") {
			keys = append(keys, k)
		}
	}
	return keys
}

// fromConfigKeys returns the secret config keys that applications name in
// secretEnv[].fromConfig. Malformed input yields none; Parse reports it.
func fromConfigKeys(apps string) []string {
	var parsed []struct {
		SecretEnv []struct {
			FromConfig string `json:"fromConfig"`
		} `json:"secretEnv"`
	}
	if json.Unmarshal([]byte(apps), &parsed) != nil {
		return nil
	}
	var keys []string
	for _, a := range parsed {
		for _, s := range a.SecretEnv {
			if s.FromConfig != "" {
				keys = append(keys, s.FromConfig)
			}
		}
	}
	return keys
}
