package main

import (
	"bytes"
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
