package localcluster

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// fakeOS stands in for the operating system's process table, so the
// supervision logic is tested as it runs where there is no /proc (macOS):
// only inspect and signal reach the system, and both are replaced.
type fakeOS struct {
	procs   map[int]string // pid → command line
	zombies map[int]bool
	sent    []string // "<pid> <signal>"
}

func (f *fakeOS) install(t *testing.T) {
	oldInspect, oldSignal := inspect, signal
	t.Cleanup(func() { inspect, signal = oldInspect, oldSignal })
	inspect = func(pid int) (string, bool) {
		cmd, ok := f.procs[pid]
		return cmd, ok && !f.zombies[pid]
	}
	signal = func(pid int, sig syscall.Signal) error {
		f.sent = append(f.sent, strconv.Itoa(pid)+" "+sig.String())
		if _, ok := f.procs[pid]; !ok {
			return syscall.ESRCH
		}
		delete(f.procs, pid) // every process here ends on SIGTERM
		return nil
	}
}

func writePids(t *testing.T, dir string, pids map[string]int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "pids"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, pid := range pids {
		if err := os.WriteFile(filepath.Join(dir, "pids", name+".pid"), []byte(strconv.Itoa(pid)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSupervisionWithoutProc(t *testing.T) {
	dir := t.TempDir()
	f := &fakeOS{procs: map[int]string{}, zombies: map[int]bool{}}
	pids := map[string]int{}
	for i, b := range binaries {
		pid := 1000 + i
		pids[b] = pid
		f.procs[pid] = filepath.Join("/opt/plinth/bin", b) + " --data-dir=" + filepath.Join(dir, "etcd")
	}
	f.install(t)
	writePids(t, dir, pids)

	if !Running(dir) {
		t.Fatal("Running = false for a cluster whose every process runs")
	}
	// A zombie has exited: the cluster is not running, and Up would start
	// a fresh one rather than attach.
	f.zombies[pids["kwok"]] = true
	if Running(dir) {
		t.Fatal("Running = true with kwok a zombie")
	}
	delete(f.zombies, pids["kwok"])

	if err := StopDir(dir); err != nil {
		t.Fatal(err)
	}
	// kwok first, etcd last, one SIGTERM each, and nothing left running.
	var want []string
	for i := len(binaries) - 1; i >= 0; i-- {
		want = append(want, strconv.Itoa(pids[binaries[i]])+" terminated")
	}
	if !slices.Equal(f.sent, want) {
		t.Fatalf("signals = %q, want %q", f.sent, want)
	}
	if len(f.procs) != 0 || Running(dir) {
		t.Fatalf("left running: %v", f.procs)
	}
	for _, b := range binaries {
		if _, err := os.Stat(filepath.Join(dir, "pids", b+".pid")); !os.IsNotExist(err) {
			t.Errorf("%s.pid is still there (%v)", b, err)
		}
	}
}

// TestStopNeverSignalsForeignProcesses: a recorded pid now used by a
// process that does not name the state directory is never signalled.
func TestStopNeverSignalsForeignProcesses(t *testing.T) {
	dir := t.TempDir()
	f := &fakeOS{procs: map[int]string{2001: "/usr/bin/vim notes.txt"}, zombies: map[int]bool{}}
	f.install(t)
	writePids(t, dir, map[string]int{"kube-apiserver": 2001})
	if (&Cluster{StateDir: dir}).running("kube-apiserver") {
		t.Fatal("a foreign process counts as the cluster's")
	}
	if err := StopDir(dir); err != nil {
		t.Fatal(err)
	}
	if len(f.sent) != 0 || f.procs[2001] == "" {
		t.Fatalf("signalled %q; the foreign process must be left alone", f.sent)
	}
}

// TestStopLooksAgainAtAJustStartedProcess: for a moment after exec a
// process reads with an empty command line. Stop must still find it and
// signal it, or a cluster stopped right after a start would leave it
// running.
func TestStopLooksAgainAtAJustStartedProcess(t *testing.T) {
	dir := t.TempDir()
	f := &fakeOS{procs: map[int]string{3001: "/opt/plinth/bin/kwok --kubeconfig=" + filepath.Join(dir, "kwok.kubeconfig")}, zombies: map[int]bool{}}
	f.install(t)
	fake, reads := inspect, 0
	inspect = func(pid int) (string, bool) {
		if reads++; reads <= 3 {
			return "", true
		}
		return fake(pid)
	}
	writePids(t, dir, map[string]int{"kwok": 3001})
	if err := StopDir(dir); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.sent, []string{"3001 terminated"}) || len(f.procs) != 0 {
		t.Fatalf("signals = %q, left %v; want kwok terminated", f.sent, f.procs)
	}
}

// TestSpawnAndStopARealProcess runs the real path (gopsutil and signals)
// on a stand-in binary: a shell loop whose command line names the state
// directory, as every cluster binary's does.
func TestSpawnAndStopARealProcess(t *testing.T) {
	dir, bin := shellDirs(t)
	if err := os.WriteFile(filepath.Join(bin, "etcd"), []byte("#!/bin/sh\nwhile :; do sleep 0.1; done\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{StateDir: dir}
	if err := c.spawn(bin, "etcd", "--data-dir="+filepath.Join(dir, "etcd")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !c.running("etcd") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !c.running("etcd") {
		t.Fatal("the spawned process is not seen running")
	}
	pid, _ := c.pid("etcd")
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if c.running("etcd") {
		t.Fatal("still running after Stop")
	}
	if cmd, running := inspect(pid); running {
		t.Fatalf("pid %d still runs: %q", pid, cmd)
	}
}

// shellDirs returns a state directory (with logs/ and pids/) and a bin
// directory for stand-in binaries written as shell scripts; it skips the
// test where there is no /bin/sh to run them.
func shellDirs(t *testing.T) (dir, bin string) {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	dir, bin = t.TempDir(), t.TempDir()
	for _, sub := range []string{"logs", "pids"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return dir, bin
}
