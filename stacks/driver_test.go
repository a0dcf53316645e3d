package main

import "testing"

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
