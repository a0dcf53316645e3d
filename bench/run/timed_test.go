package main

import "testing"

// TestTimedReadsTheKernelsAccounts: a busy child's wall time, CPU time
// and peak RSS all come back, from the process state alone.
func TestTimedReadsTheKernelsAccounts(t *testing.T) {
	u, err := timed(t.TempDir(), nil, "sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
	if err != nil {
		t.Fatal(err)
	}
	if u.wall <= 0 || u.cpu <= 0 {
		t.Fatalf("usage = %+v, want a wall time and a CPU time", u)
	}
	if u.cpu > 2*u.wall {
		t.Fatalf("CPU %v exceeds twice the wall time %v of a single-threaded shell", u.cpu, u.wall)
	}
	// The go command's runtime alone takes several MiB.
	if g, err := timed(t.TempDir(), nil, "go", "env", "GOROOT"); err != nil || g.rssMB < 1 {
		t.Fatalf("go env: %+v, %v; want a peak RSS of at least 1 MiB", g, err)
	}
	if _, err := timed(t.TempDir(), nil, "sh", "-c", "exit 3"); err == nil {
		t.Fatal("a failing command gave no error")
	}
}
