package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// benchEnv is a local environment with n applications.
func benchEnv(b *testing.B, n int) *config.Environment {
	b.Helper()
	apps := make([]map[string]any, n)
	for i := range apps {
		apps[i] = map[string]any{
			"name": fmt.Sprintf("app-%03d", i), "namespace": fmt.Sprintf("ns-%02d", i%10),
			"image": "registry.example.com/plinth/app:1.0.0",
		}
	}
	raw, _ := json.Marshal(apps)
	env, err := config.Parse(map[string]string{
		"plinth:tier": "local", "plinth:cloud": "local", "plinth:apps": string(raw),
	}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	env.Secrets = map[string]pulumi.StringOutput{}
	return env
}

// BenchmarkCompose runs the local composition of 1 to 200 applications
// under mocks: what every preview and up pays before the engine does any
// real work (the guardrail gate runs it once more).
func BenchmarkCompose(b *testing.B) {
	for _, n := range []int{1, 10, 100, 200} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			env := benchEnv(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
					_, err := Compose(ctx, env)
					return err
				}, plinthtest.WithStack("bench")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGate runs the guardrails (a mock run and every rule) for 1 to
// 200 applications.
func BenchmarkGate(b *testing.B) {
	for _, n := range []int{1, 100, 200} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			env := benchEnv(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rep, err := Gate(env, "plinth", "bench")
				if err != nil || rep.Err() != nil {
					b.Fatal(err, rep.Err())
				}
			}
		})
	}
}
