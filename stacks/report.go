package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// policyReport prints, for each stack file in root (or only stack), the
// guardrail findings as a table: rule, resource, result, waiver. It reads
// the stack files directly (secrets are stood in for), so it needs no
// backend, cloud or passphrase. It returns an error when a stack has a
// mandatory finding.
func policyReport(w io.Writer, root, only string) error {
	var blocked []string
	err := eachStack(root, only, func(stack string, env *config.Environment) error {
		rep, err := Gate(env, projectName, stack)
		if err != nil {
			return fmt.Errorf("stack %s: %w", stack, err)
		}
		fmt.Fprintf(w, "## %s (%s on %s): %d checks, %d blocking, %d advisory\n\n%s\n",
			stack, env.Tier, env.Cloud, rep.Checked, len(rep.Blocking()), len(rep.Advisories()), rep.Table())
		if len(rep.Blocking()) > 0 {
			blocked = append(blocked, stack)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(blocked) > 0 {
		return fmt.Errorf("mandatory guardrail violations in: %s", strings.Join(blocked, ", "))
	}
	return nil
}

// eachStack parses each stack file in root (or only stack) and calls f
// with its environment. Secret values are stand-ins ("stand-in-for-<key>"):
// no passphrase or KMS key is needed, and no secret can be printed.
func eachStack(root, only string, f func(stack string, env *config.Environment) error) error {
	files, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return err
	}
	for _, file := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "Pulumi."), ".yaml")
		if only != "" && stack != only {
			continue
		}
		values, secrets, err := StackFile(file)
		if err != nil {
			return err
		}
		all := maps.Clone(values)
		maps.Copy(all, secrets)
		env, err := config.Parse(all, stack)
		if err != nil {
			return fmt.Errorf("stack %s: %w", stack, err)
		}
		env.Secrets = map[string]pulumi.StringOutput{}
		for k, v := range secrets {
			env.Secrets[strings.TrimPrefix(k, config.Namespace+":")] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
		}
		if err := f(stack, env); err != nil {
			return err
		}
	}
	return nil
}
