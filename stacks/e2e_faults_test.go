//go:build e2e

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shirou/gopsutil/v4/process"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/plinth-dev/plinth/pkg/localbackend"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// The fault suite (issue 33): faults during a deploy of the local stack,
// each followed by what an operator does next, and each case asserts
// what a production tool must guarantee:
//
//   - convergence: an up after the fault succeeds, and a second up
//     changes nothing;
//   - exactly one copy of every object, and nothing orphaned: every
//     object in the cluster with the stack's label is recorded by the
//     state, compared with a listing of the cluster (drift's Untracked);
//   - the message the operator sees names what happened and the command
//     that recovers, and that command works.
//
// The runs go through the stack command built as a user runs it, so the
// processes killed are the real driver, CLI and provider.

// faultRig runs the stack command against one local control plane.
type faultRig struct {
	*e2e
	bin, root, work string
	baseline        []byte // Pulumi.local.yaml as committed
}

func newFaultRig(t *testing.T) *faultRig {
	t.Helper()
	e := setup(t)
	root, bin := buildStacks(t)
	baseline, err := os.ReadFile(filepath.Join(e.driver.WorkDir, "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return &faultRig{e2e: e, bin: bin, root: root, work: e.driver.WorkDir, baseline: baseline}
}

// command prepares the stack command with args.
func (r *faultRig) command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(r.bin, append(args, "--stack", "local", "--workdir", r.work)...)
	cmd.Dir = r.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the stack command and returns its output and error.
func (r *faultRig) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd, out := r.command(args...)
	start := time.Now()
	err := cmd.Run()
	t.Logf("stacks %s: %.1fs, %v", strings.Join(args, " "), time.Since(start).Seconds(), err)
	return out.String(), err
}

// buildStacks builds the stack command as a user runs it, for the
// local stack (-tags plinthlocal), and returns the repository root and
// the binary.
func buildStacks(t *testing.T) (string, string) {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "stacks")
	build := exec.Command("go", "build", "-tags", "plinthlocal", "-o", bin, "./stacks")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the stack command: %v\n%s", err, out)
	}
	return root, bin
}

// state returns the objects the stack's state records.
func (r *faultRig) state(t *testing.T) []stateObject {
	t.Helper()
	s, err := r.driver.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dep, err := s.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	objs, err := stateObjects(dep)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// mustRun runs the stack command and fails the test if it fails.
func (r *faultRig) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := r.run(t, args...)
	if err != nil {
		t.Fatalf("stacks %s: %v\n%s", strings.Join(args, " "), err, tailLines(out, 25))
	}
	return out
}

// addApps adds n applications, each in its own namespace and with a
// host (so an HTTPRoute), to the stack's config.
func (r *faultRig) addApps(t *testing.T, n int) []string {
	t.Helper()
	var namespaces []string
	for i := range n {
		name := fmt.Sprintf("extra%d", i)
		base := fmt.Sprintf("plinth:apps[%d].", 2+i)
		r.setConfig(t, base+"name", name)
		r.setConfig(t, base+"namespace", name)
		r.setConfig(t, base+"image", "registry.example.com/plinth/"+name+":1.0.0")
		r.setConfig(t, base+"host", name+".local.plinth.example")
		namespaces = append(namespaces, name)
	}
	return namespaces
}

// revert puts back the committed config.
func (r *faultRig) revert(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.work, "Pulumi.local.yaml"), r.baseline, 0o600); err != nil {
		t.Fatal(err)
	}
}

// converged asserts an up that changes nothing, no drift (nothing
// missing, changed or untracked), and exactly one copy of each object.
func (r *faultRig) converged(t *testing.T) {
	t.Helper()
	out := r.mustRun(t, "up")
	if !strings.Contains(out, "unchanged") || strings.Contains(out, " created") || strings.Contains(out, " deleted") {
		t.Errorf("the up after recovery changed something:\n%s", tailLines(out, 12))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dr, err := r.driver.Drift(ctx)
	if err != nil {
		t.Fatalf("drift: %s", brief(err))
	}
	if !dr.Empty() {
		t.Errorf("drift after recovery:\n%s", dr)
	}
	r.oneCopy(t)
}

// oneCopy asserts, from a listing of the cluster, that the stack's
// objects are there and that each is recorded by the state exactly
// once: drift's untracked and missing lists are empty (converged checks
// them), and no two state entries name one object.
func (r *faultRig) oneCopy(t *testing.T) {
	t.Helper()
	c, err := ambientCluster()
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.labelled(context.Background(), naming.StackValue(projectName, "local"))
	if err != nil {
		t.Fatal(err)
	}
	if len(live) < 20 {
		t.Fatalf("only %d objects of the stack's label in the cluster", len(live))
	}
	seen := map[objectKey]bool{}
	for _, o := range r.state(t) {
		if seen[o.key] {
			t.Errorf("the state records %s twice", o.key)
		}
		seen[o.key] = true
	}
}

// namespacesGone waits until none of the namespaces exists.
func (r *faultRig) namespacesGone(t *testing.T, names []string) {
	t.Helper()
	eventually(t, 2*time.Minute, "the removed apps' namespaces gone", func() error {
		var left []string
		for _, ns := range names {
			if _, err := r.kube.CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				left = append(left, ns)
			}
		}
		if len(left) > 0 {
			return errorf("still there: %v", left)
		}
		return nil
	})
}

// waitNamespaces waits until one of the namespaces exists: the up is
// creating what the new config declares.
func (r *faultRig) waitNamespaces(t *testing.T, names []string, deadline time.Duration) {
	t.Helper()
	eventually(t, deadline, "the up creating the new apps", func() error {
		for _, ns := range names {
			if _, err := r.kube.AppsV1().Deployments(ns).Get(context.Background(), ns, metav1.GetOptions{}); err == nil {
				return nil
			}
		}
		return errorf("none of %v has its Deployment yet", names)
	})
}

// waitFirstNamespace waits, polling every 10 ms, until one of names
// exists as a Namespace.
func (r *faultRig) waitFirstNamespace(t *testing.T, names []string, deadline time.Duration) {
	t.Helper()
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		for _, ns := range names {
			if _, err := r.kube.CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{}); err == nil {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("none of the namespaces %v appeared in %s", names, deadline)
}

// below returns the processes below pid named name.
func below(pid int, name string) []int32 {
	var out []int32
	for _, p := range descendants([]int32{int32(pid)}) {
		if n := nameOf(p.pid); n == name {
			out = append(out, p.pid)
		}
	}
	return out
}

func nameOf(pid int32) string {
	p, err := process.NewProcess(pid)
	if err != nil {
		return ""
	}
	n, _ := p.Name()
	return n
}

// pulumiLeft lists the pulumi processes started since start that still
// run anywhere on the machine.
func pulumiLeft(start time.Time) []string {
	var left []string
	all, _ := process.Processes()
	for _, q := range all {
		ct, err := q.CreateTime()
		n, _ := q.Name()
		if err == nil && ct >= start.UnixMilli() && strings.HasPrefix(n, "pulumi") && alive(proc{q.Pid, ct}) {
			left = append(left, fmt.Sprintf("%s (pid %d)", n, q.Pid))
		}
	}
	return left
}

// TestE2EFaults runs the fault cases one after another on one control
// plane, each from the committed config fully deployed.
func TestE2EFaults(t *testing.T) {
	r := newFaultRig(t)
	r.mustRun(t, "up")

	// kill -9 of the driver, of the CLI and of the provider in the
	// middle of an up that adds three apps; then the operator reverts the
	// config. Before, the once-per-run checkpoint lost the record of what
	// the killed run created: 3 namespaces and 21 objects stayed in the
	// cluster, reported by nothing.
	for _, victim := range []string{"driver", "pulumi", "pulumi-resource-kubernetes"} {
		t.Run("kill -9 of the "+victim+" mid-up, then a config revert", func(t *testing.T) {
			added := r.addApps(t, 3)
			start := time.Now()
			up, out := r.command("up")
			if err := up.Start(); err != nil {
				t.Fatal(err)
			}
			// The victims are killed the moment the first new namespace
			// exists: the run then still has every app's objects to
			// create (a 3-app up takes about 2 s, so waiting for more lets
			// it finish). Every instance is killed: the engine may run
			// more than one provider plugin, and killing an idle one
			// proves nothing; a process that ended meanwhile (the
			// Automation API's short CLI calls) is skipped.
			// The victims are found as soon as they run (a provider
			// starts before it creates anything), so the kill follows the
			// first namespace at once; then any that started since.
			var targets []int32
			if victim == "driver" {
				targets = []int32{int32(up.Process.Pid)}
			} else {
				eventually(t, time.Minute, victim+" under the driver", func() error {
					if targets = below(up.Process.Pid, victim); len(targets) == 0 {
						return errorf("not yet")
					}
					return nil
				})
			}
			r.waitFirstNamespace(t, added, 2*time.Minute)
			seen := time.Now()
			killedAny := false
			for _, p := range targets {
				if err := syscall.Kill(int(p), syscall.SIGKILL); err == nil {
					killedAny = true
				}
			}
			if victim != "driver" {
				for _, p := range below(up.Process.Pid, victim) {
					if err := syscall.Kill(int(p), syscall.SIGKILL); err == nil {
						killedAny = true
					}
				}
			}
			if !killedAny {
				t.Fatalf("no %s under the driver to kill", victim)
			}
			t.Logf("killed %s %v %.0f ms after the first namespace", victim, targets, float64(time.Since(seen).Microseconds())/1000)
			killed := time.Now()
			werr := up.Wait()
			msg := out.String()
			if werr == nil {
				keepLog(t, r.root, "killed-run", []byte(msg))
				t.Fatalf("the up ended well although its %s was killed: the kill came too late to test anything\n%s", victim, tailLines(msg, 8))
			}
			t.Logf("the killed run printed:\n%s", tailLines(msg, 6))
			// No process of the run outlives it by more than a few seconds.
			eventually(t, 20*time.Second, "no pulumi process left", func() error {
				if left := pulumiLeft(start); len(left) > 0 {
					return errorf("still running: %v", left)
				}
				return nil
			})
			t.Logf("every process gone %.1fs after the kill", time.Since(killed).Seconds())
			if victim == "pulumi" && !strings.Contains(msg, "go run -tags plinthlocal ./stacks cancel --stack local") {
				t.Errorf("after the CLI was killed the driver did not name the recovery command:\n%s", tailLines(msg, 8))
			}
			// The operator recovers as the messages say, then reverts. An
			// up that runs (the killed provider's CLI released its lock)
			// adopts what the killed run created, and the revert deletes
			// it through the state; one that meets the lock is followed
			// by cancel, and then only the prune can find those objects.
			recovered := true
			if out, err := r.run(t, "up"); err != nil && strings.Contains(out, "cancel --stack local") {
				r.mustRun(t, "cancel")
				recovered = false
			}
			r.revert(t)
			out2 := r.mustRun(t, "up")
			if !recovered && !strings.Contains(out2, "pruned ") {
				t.Errorf("the up after the revert pruned nothing:\n%s", tailLines(out2, 20))
			}
			r.namespacesGone(t, added)
			for _, o := range r.state(t) {
				if slices.Contains(added, o.key.Namespace) || slices.Contains(added, o.key.Name) {
					t.Errorf("the state still records %s", o.key)
				}
			}
			for _, l := range strings.Split(out2, "\n") {
				if strings.HasPrefix(l, "pruned ") {
					t.Logf("the up after the revert: %s", l)
				}
			}
			r.converged(t)
		})
	}

	// An HTTPRoute the killed run created is adopted by the next up with
	// the same config: before, every later up failed on a server-side
	// apply conflict with the killed run's random field manager.
	t.Run("a killed run's HTTPRoutes are adopted by the next up", func(t *testing.T) {
		added := r.addApps(t, 3)
		up, _ := r.command("up")
		if err := up.Start(); err != nil {
			t.Fatal(err)
		}
		r.waitNamespaces(t, added, 2*time.Minute)
		eventually(t, time.Minute, "an HTTPRoute of the new apps", func() error {
			for _, ns := range added {
				if _, err := r.dyn.Resource(httpRoutes).Namespace(ns).Get(context.Background(), ns, metav1.GetOptions{}); err == nil {
					return nil
				}
			}
			return errorf("none yet")
		})
		_ = syscall.Kill(up.Process.Pid, syscall.SIGKILL)
		_ = up.Wait()
		if out, err := r.run(t, "up"); err != nil {
			if strings.Contains(out, "conflict") {
				t.Fatalf("the up after the kill met a field manager conflict:\n%s", tailLines(out, 10))
			}
			r.mustRun(t, "cancel")
			r.mustRun(t, "up")
		}
		for _, ns := range added {
			u, err := r.dyn.Resource(httpRoutes).Namespace(ns).Get(context.Background(), ns, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("HTTPRoute %s: %v", ns, err)
			}
			var managers []string
			for _, m := range u.GetManagedFields() {
				if m.Operation == metav1.ManagedFieldsOperationApply {
					managers = append(managers, m.Manager)
				}
			}
			if !slices.Equal(managers, []string{naming.FieldManager(projectName, "local")}) {
				t.Errorf("HTTPRoute %s is applied by %v, want the stack's manager alone", ns, managers)
			}
		}
		r.converged(t)
		r.revert(t)
		r.mustRun(t, "up")
		r.namespacesGone(t, added)
	})

	// Following the lock hint while the lock's run is alive lost 55
	// resources: cancel now refuses, and says why.
	t.Run("cancel refuses while the run holding the lock is alive", func(t *testing.T) {
		r.addApps(t, 1)
		up, out := r.command("up")
		if err := up.Start(); err != nil {
			t.Fatal(err)
		}
		var cli int32
		eventually(t, time.Minute, "the CLI under the driver", func() error {
			if p := below(up.Process.Pid, "pulumi"); len(p) > 0 && len(below(int(p[0]), "pulumi-resource-kubernetes")) > 0 {
				cli = p[0]
				return nil
			}
			return errorf("not yet")
		})
		_ = syscall.Kill(int(cli), syscall.SIGSTOP) // the run holds the lock, alive
		other, err := r.run(t, "up")
		cancelOut, cancelErr := r.run(t, "cancel")
		_ = syscall.Kill(int(cli), syscall.SIGCONT)
		if werr := up.Wait(); werr != nil {
			t.Fatalf("the live run failed: %v\n%s", werr, tailLines(out.String(), 10))
		}
		if err == nil || !strings.Contains(other, "is being changed by a run that is still going on") || strings.Contains(other, "cancel --stack") {
			t.Errorf("a second up on the live lock: %v\n%s", err, tailLines(other, 6))
		}
		if cancelErr == nil || !strings.Contains(cancelOut, "still going on") {
			t.Errorf("cancel on a live lock: %v\n%s", cancelErr, tailLines(cancelOut, 6))
		}
		r.converged(t)
		r.revert(t)
		r.mustRun(t, "up")
	})

	// An API server that is back within 10 s, or 40 s, does not fail the
	// up; nor does etcd paused for 20 s.
	for _, outage := range []struct {
		name   string
		break_ func(t *testing.T)
		fix    func(t *testing.T)
		length time.Duration
	}{
		{"an API server restart of 10 s", func(t *testing.T) { r.stop(t) }, func(t *testing.T) { r.start(t) }, 10 * time.Second},
		{"an API server restart of 40 s", func(t *testing.T) { r.stop(t) }, func(t *testing.T) { r.start(t) }, 40 * time.Second},
		{"etcd paused for 20 s", func(t *testing.T) { r.pause(t, "etcd") }, func(t *testing.T) { r.resume(t, "etcd") }, 20 * time.Second},
	} {
		t.Run(outage.name+" during an up", func(t *testing.T) {
			added := r.addApps(t, 3)
			up, out := r.command("up")
			start := time.Now()
			if err := up.Start(); err != nil {
				t.Fatal(err)
			}
			r.waitNamespaces(t, added, 2*time.Minute)
			outage.break_(t)
			time.Sleep(outage.length)
			outage.fix(t)
			if err := up.Wait(); err != nil {
				t.Fatalf("the up did not ride out the outage: %v\n%s", err, tailLines(out.String(), 15))
			}
			var retries []string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.Contains(l, "running the up again") {
					retries = append(retries, l)
				}
			}
			t.Logf("the up rode out the outage in %.1fs: %v", time.Since(start).Seconds(), retries)
			r.converged(t)
			r.revert(t)
			r.mustRun(t, "up")
			r.namespacesGone(t, added)
		})
	}

	// A namespace deleted behind Pulumi's back: an up reported
	// "unchanged" and left it gone. drift names it, and up --refresh puts
	// it back.
	t.Run("a deleted namespace is reported by drift and restored by up --refresh", func(t *testing.T) {
		if err := r.kube.CoreV1().Namespaces().Delete(context.Background(), "shop", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		r.namespacesGone(t, []string{"shop"})
		out, err := r.run(t, "drift")
		if err == nil || !strings.Contains(out, "missing (deleted outside plinth)") || !strings.Contains(out, "kubernetes:core/v1:Namespace ns-shop") {
			t.Fatalf("drift did not name the deleted namespace: %v\n%s", err, tailLines(out, 20))
		}
		r.mustRun(t, "up", "--refresh")
		if _, err := r.kube.AppsV1().Deployments("shop").Get(context.Background(), "checkout-blue", metav1.GetOptions{}); err != nil {
			t.Fatalf("up --refresh did not restore shop: %v", err)
		}
		r.converged(t)
	})

	// The local backend (moto) restarted: cleanly (its bucket saved and
	// put back, on the same port), and crashed (the last save put back,
	// older than the cluster). Either way an up converges, with no
	// conflict and nothing orphaned.
	t.Run("a backend restart, clean and after a crash", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		b, err := localbackend.Up(ctx, localbackend.Options{StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = localbackend.StopDir(dir) })
		for k, v := range b.Env() {
			t.Setenv(k, v)
		}
		r.mustRun(t, "up")
		n, err := b.Snapshot(ctx)
		if err != nil || n == 0 {
			t.Fatalf("snapshot: %d objects, %v", n, err)
		}
		if err := localbackend.StopDir(dir); err != nil {
			t.Fatal(err)
		}
		again, err := localbackend.Up(ctx, localbackend.Options{StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if again.URL() != b.URL() || again.Restored != n {
			t.Fatalf("after a clean restart: URL %s (was %s), %d objects restored of %d", again.URL(), b.URL(), again.Restored, n)
		}
		r.converged(t)
		// A crash: moto killed, nothing saved since the snapshot; a config
		// change made meanwhile is newer than the restored state.
		added := r.addApps(t, 1)
		r.mustRun(t, "up")
		pid, err := os.ReadFile(filepath.Join(dir, "moto.pid"))
		if err != nil {
			t.Fatal(err)
		}
		var p int
		fmt.Sscan(string(pid), &p)
		_ = syscall.Kill(p, syscall.SIGKILL)
		eventually(t, 30*time.Second, "moto gone", func() error {
			if localbackend.Running(dir) {
				return errorf("still answers")
			}
			return nil
		})
		if _, err := localbackend.Up(ctx, localbackend.Options{StateDir: dir}); err != nil {
			t.Fatal(err)
		}
		out := r.mustRun(t, "up")
		t.Logf("the up after the crash: %s", tailLines(out, 3))
		r.converged(t)
		r.revert(t)
		r.mustRun(t, "up")
		r.namespacesGone(t, added)
	})

	t.Run("destroy leaves nothing of the stack", func(t *testing.T) {
		r.mustRun(t, "destroy")
		c, err := ambientCluster()
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 2*time.Minute, "nothing of the stack's label", func() error {
			live, err := c.labelled(context.Background(), naming.StackValue(projectName, "local"))
			if err != nil {
				return err
			}
			var left []string
			for k := range live {
				left = append(left, k.String())
			}
			sort.Strings(left)
			if len(left) > 0 {
				return errorf("left: %v", left)
			}
			return nil
		})
	})
}

var httpRoutes = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

func (r *faultRig) stop(t *testing.T) {
	t.Helper()
	if err := r.cluster.StopProcess("kube-apiserver"); err != nil {
		t.Fatal(err)
	}
}

func (r *faultRig) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.cluster.StartProcess(ctx, "kube-apiserver"); err != nil {
		t.Fatal(err)
	}
}

func (r *faultRig) pause(t *testing.T, name string) {
	t.Helper()
	if err := r.cluster.Pause(name); err != nil {
		t.Fatal(err)
	}
}

func (r *faultRig) resume(t *testing.T, name string) {
	t.Helper()
	if err := r.cluster.Resume(name); err != nil {
		t.Fatal(err)
	}
}
