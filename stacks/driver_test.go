package main

import (
	"bytes"
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
