package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExitedNamesTheProcessAndWhyItStopped runs three stand-ins: one
// that keeps running, one that fails to bind its address as etcd, the
// API server and kwok report it, and one that fails for another reason.
func TestExitedNamesTheProcessAndWhyItStopped(t *testing.T) {
	dir, bin := shellDirs(t)
	scripts := map[string]string{
		"kube-apiserver": "while :; do sleep 0.1; done",
		"etcd":           "echo 'listen tcp 127.0.0.1:2379: bind: address already in use' >&2; exit 1",
		"kwok":           "echo 'no kubeconfig' >&2; exit 1",
	}
	c := spawnScripts(t, dir, bin, scripts)
	for _, name := range []string{"etcd", "kwok"} {
		select {
		case <-c.exits[name]:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s's stand-in did not exit", name)
		}
	}

	if err := c.exited("kube-apiserver"); err != nil {
		t.Errorf("a running process is reported: %v", err)
	}
	err := c.exited("kube-apiserver", "etcd")
	if !errors.Is(err, errExited) || !errors.Is(err, errPortTaken) {
		t.Fatalf("etcd could not bind: want errExited and errPortTaken, got %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "etcd ") || !strings.Contains(msg, filepath.Join(dir, "logs", "etcd.log")) {
		t.Errorf("the error names neither the process nor its log: %q", msg)
	}
	err = c.exited("kwok")
	if !errors.Is(err, errExited) || errors.Is(err, errPortTaken) {
		t.Errorf("kwok failed for another reason: want errExited alone, got %v", err)
	}
}

// TestUpStartsAfreshWhenAPortWasTaken checks Up's retry with start
// replaced: only a port taken before a process bound it is retried, on a
// clean state directory, at most startAttempts times.
func TestUpStartsAfreshWhenAPortWasTaken(t *testing.T) {
	bin := t.TempDir()
	for _, b := range binaries {
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\nexit 1\n"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	taken := fmt.Errorf("etcd %w: %w (log: etcd.log)", errExited, errPortTaken)
	other := fmt.Errorf("kwok %w (log: kwok.log)", errExited)
	for _, tc := range []struct {
		name     string
		results  []error // what each attempt returns; nil starts
		attempts int
		want     error
	}{
		{"taken once, then started", []error{taken, nil}, 2, nil},
		{"another failure is not retried", []error{other, nil}, 1, other},
		{"taken every time", []error{taken, taken, taken, nil}, startAttempts, errPortTaken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cluster")
			attempts := 0
			old := start
			t.Cleanup(func() { start = old })
			start = func(_ context.Context, o Options) (*Cluster, error) {
				// Each attempt must begin on an empty state directory.
				if _, err := os.Stat(filepath.Join(o.StateDir, "attempt")); err == nil {
					t.Errorf("attempt %d found the previous attempt's files", attempts+1)
				}
				if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
					return nil, err
				}
				if err := os.WriteFile(filepath.Join(o.StateDir, "attempt"), nil, 0o600); err != nil {
					return nil, err
				}
				err := tc.results[attempts]
				attempts++
				if err != nil {
					return nil, err
				}
				return &Cluster{StateDir: o.StateDir}, nil
			}
			c, err := Up(context.Background(), Options{StateDir: dir, BinDir: bin})
			if attempts != tc.attempts {
				t.Errorf("start ran %d times, want %d", attempts, tc.attempts)
			}
			if tc.want == nil {
				if err != nil || c == nil {
					t.Fatalf("Up = %v, %v; want a cluster", c, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Up's error = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestExitedTrustsTheExitNotTheCommandLine: right after exec the kernel
// reports a process's command line empty, which once made a running API
// server look exited. For a process it spawned, the Cluster judges by
// the process's exit alone, whatever the process table says.
func TestExitedTrustsTheExitNotTheCommandLine(t *testing.T) {
	dir, bin := shellDirs(t)
	scripts := map[string]string{
		"kube-apiserver": "while :; do sleep 0.1; done",
		"etcd":           "exit 1",
	}
	c := spawnScripts(t, dir, bin, scripts)
	select {
	case <-c.exits["etcd"]:
	case <-time.After(5 * time.Second):
		t.Fatal("etcd's stand-in did not exit")
	}

	old := inspect
	t.Cleanup(func() { inspect = old })
	inspect = func(int) (string, bool) { return "", false } // as if just exec'd
	if err := c.exited("kube-apiserver"); err != nil {
		t.Errorf("a running process read as exited from its command line: %v", err)
	}
	inspect = func(int) (string, bool) { return "--state=" + dir, true }
	if err := c.exited("kube-apiserver", "etcd"); !errors.Is(err, errExited) || !strings.HasPrefix(err.Error(), "etcd ") {
		t.Errorf("an exited process read as running from the process table: %v", err)
	}
	inspect = old
}

// spawnScripts starts each named stand-in (a shell script) in a Cluster
// on dir, with a command line that names dir, and stops them all when the
// test ends.
func spawnScripts(t *testing.T, dir, bin string, scripts map[string]string) *Cluster {
	t.Helper()
	c := &Cluster{StateDir: dir}
	t.Cleanup(func() { _ = c.Stop() })
	for name, script := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := c.spawn(bin, name, "--state="+dir); err != nil {
			t.Fatal(err)
		}
	}
	return c
}
