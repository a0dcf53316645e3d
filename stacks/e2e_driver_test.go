//go:build e2e

package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// TestE2EKilledDriverLeavesNoProcess kills the driver (the stack
// command, built as a user runs it) with SIGKILL in the middle of an up,
// as a crash or an OOM kill would: no handler of its own runs. The Pulumi
// CLI and the kubernetes provider it started must not outlive it, and the
// stack must be usable again, the error naming the command that clears a
// lock the kill left.
func TestE2EKilledDriverLeavesNoProcess(t *testing.T) {
	e := setup(t)
	root, bin := buildStacks(t)
	work := e.driver.WorkDir
	run := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, append(args, "--stack", "local", "--workdir", work)...)
		cmd.Dir = root
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		return cmd, &out
	}

	start := time.Now()
	driver, out := run("up")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the driver's output:\n%s", out.String())
		}
	})
	if err := driver.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the provider runs under the driver: the up is mid-way.
	var tree []proc
	eventually(t, 2*time.Minute, "the kubernetes provider under the driver", func() error {
		tree = descendants([]int32{int32(driver.Process.Pid)})
		for _, p := range tree {
			if name(p.pid) == "pulumi-resource-kubernetes" {
				return nil
			}
		}
		return errorf("%d processes under the driver, no provider yet", len(tree))
	})
	names := map[string]int{}
	for _, p := range tree {
		names[name(p.pid)]++
	}
	t.Logf("under the driver: %v", names)
	if names["pulumi"] == 0 {
		t.Fatalf("no Pulumi CLI under the driver: %v", names)
	}
	// Hold the CLI and the provider (SIGSTOP) so they cannot notice the
	// driver's death and end by themselves: what ends them must be the
	// reaper (SIGTERM stays pending on a stopped process; its SIGKILL
	// after the grace period does not).
	for _, p := range tree {
		if n := name(p.pid); strings.HasPrefix(n, "pulumi") {
			_ = syscall.Kill(int(p.pid), syscall.SIGSTOP)
		}
	}
	if err := driver.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	// Wait returns once the reaper, which shares the output pipe, is done.
	_ = driver.Wait()

	// Everything the driver started (the reaper included) ends, and no
	// pulumi process started since the driver is left anywhere.
	eventually(t, 45*time.Second, "no process of the killed driver", func() error {
		var left []string
		for _, p := range tree {
			if alive(p) {
				left = append(left, name(p.pid))
			}
		}
		all, _ := process.Processes()
		for _, q := range all {
			ct, err := q.CreateTime()
			n, _ := q.Name()
			if err == nil && ct >= start.UnixMilli() && strings.HasPrefix(n, "pulumi") && alive(proc{q.Pid, ct}) {
				left = append(left, n)
			}
		}
		if len(left) > 0 {
			return errorf("still running: %v", left)
		}
		return nil
	})
	t.Logf("every process gone %.1fs after the kill", time.Since(killed).Seconds())
	t.Logf("the killed run printed:\n%s", tailLines(out.String(), 5))

	// The stack is usable again: an up either works at once, or fails on
	// the lock naming the command that clears it, after which it works.
	again, out2 := run("up")
	if err := again.Run(); err != nil {
		msg := out2.String()
		if !strings.Contains(msg, "go run -tags plinthlocal ./stacks cancel --stack local") {
			t.Fatalf("the up after the kill failed without naming the recovery command: %v\n%s", err, msg)
		}
		t.Logf("the up after the kill: %s", tailLines(msg, 4))
		cancel, out3 := run("cancel")
		if err := cancel.Run(); err != nil {
			t.Fatalf("cancel: %v\n%s", err, out3)
		}
		final, out4 := run("up")
		if err := final.Run(); err != nil {
			t.Fatalf("up after cancel: %v\n%s", err, out4)
		}
	}
	dctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := e.driver.Destroy(dctx); err != nil {
		t.Fatalf("destroy: %s", brief(err))
	}
}

func name(pid int32) string {
	p, err := process.NewProcess(pid)
	if err != nil {
		return ""
	}
	n, _ := p.Name()
	return n
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
