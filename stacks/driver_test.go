package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

func TestParallelism(t *testing.T) {
	t.Setenv("PULUMI_PARALLEL", "")
	if got := (&Driver{}).parallel(); got != DefaultParallel {
		t.Errorf("default parallelism = %d, want %d", got, DefaultParallel)
	}
	if got := (&Driver{Parallel: 3}).parallel(); got != 3 {
		t.Errorf("--parallel 3 gave %d", got)
	}
	t.Setenv("PULUMI_PARALLEL", "5")
	if got := (&Driver{}).parallel(); got != 0 {
		t.Errorf("with PULUMI_PARALLEL set the driver passes %d, want 0 (the CLI reads the variable)", got)
	}
	if got := (&Driver{Parallel: 3}).parallel(); got != 3 {
		t.Errorf("--parallel 3 with PULUMI_PARALLEL set gave %d", got)
	}
}

func TestNegativeParallelismIsRefused(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := drive([]string{"up", "--parallel", "-1"}, &out, &errOut); code != 2 {
		t.Fatalf("drive returned %d, want 2", code)
	}
	if msg := errOut.String(); !strings.Contains(msg, "--parallel -1") || !strings.Contains(msg, "positive") {
		t.Fatalf("the error does not name the flag and the fix: %q", msg)
	}
}

// The command line: what is refused before anything runs (exit code 2,
// the usage said), and what a command covering every stack is limited to.
func TestParseCommand(t *testing.T) {
	for args, want := range map[string]string{
		"":                      "usage: stacks up|preview",
		"upp --stack dev":       `unknown command "upp"`,
		"gitops":                "usage: stacks gitops render",
		"gitops push":           "usage: stacks gitops render",
		"up --stak dev":         "flag provided but not defined: -stak",
		"preview --parallel -2": "--parallel -2",
	} {
		var errOut bytes.Buffer
		c, code := parseCommand(strings.Fields(args), &errOut)
		if c != nil || code != 2 || !strings.Contains(errOut.String(), want) {
			t.Errorf("%q: command %+v, code %d, said %q; want code 2 saying …%s…", args, c, code, errOut.String(), want)
		}
	}
	for args, want := range map[string]*command{
		"policy-report":                         {name: "policy-report", stack: "local", out: "out/manifests"},
		"plan --stack prod":                     {name: "plan", stack: "prod", stackGiven: true, out: "out/manifests"},
		"gitops promote --repo r --to prod":     {name: "gitops promote", stack: "local", out: "out/manifests", repo: "r", to: "prod"},
		"up --stack dev --refresh --parallel 4": {name: "up", stack: "dev", stackGiven: true, out: "out/manifests", refresh: true, parallel: 4},
	} {
		c, code := parseCommand(strings.Fields(args), io.Discard)
		if code != 0 || c == nil || *c != *want {
			t.Errorf("%q: %+v (code %d), want %+v", args, c, code, want)
		}
	}
	if only := (&command{stack: "local"}).only(); only != "" {
		t.Errorf("without --stack, only = %q, want every stack", only)
	}
	if only := (&command{stack: "prod", stackGiven: true}).only(); only != "prod" {
		t.Errorf("with --stack prod, only = %q", only)
	}
}

// The local stack, Kubernetes objects alone, saves its state once per run;
// every cloud stack keeps a checkpoint per step, and the user's own
// PULUMI_SKIP_CHECKPOINTS wins either way.
func TestCheckpointsPerStack(t *testing.T) {
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_SKIP_CHECKPOINTS", "")
	if err := os.Unsetenv("PULUMI_SKIP_CHECKPOINTS"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"local": "true", "dev": "", "staging": "", "prod": "", "gcp-prod": ""}
	for stack, skip := range want {
		if got := (&Driver{Root: root, Stack: stack}).environment()["PULUMI_SKIP_CHECKPOINTS"]; got != skip {
			t.Errorf("stack %s: PULUMI_SKIP_CHECKPOINTS=%q, want %q", stack, got, skip)
		}
	}
	if got := (&Driver{Root: root, Stack: "missing"}).environment()["PULUMI_SKIP_CHECKPOINTS"]; got != "" {
		t.Errorf("a stack without a stack file skips checkpoints: %q", got)
	}
	t.Setenv("PULUMI_SKIP_CHECKPOINTS", "false")
	if got := (&Driver{Root: root, Stack: "local"}).environment()["PULUMI_SKIP_CHECKPOINTS"]; got != "false" {
		t.Errorf("the user's PULUMI_SKIP_CHECKPOINTS=false gave %q", got)
	}
}
