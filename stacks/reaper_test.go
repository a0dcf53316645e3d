package main

import (
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// standIn starts a stand-in driver: a shell that starts a long sleep in
// its own process group (as the Pulumi CLI starts its plugins) and waits.
// It returns the shell and the sleep.
func standIn(t *testing.T) (*exec.Cmd, proc) {
	t.Helper()
	sh := exec.Command("sh", "-c", "set -m; sleep 300 & echo $!; wait")
	out, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 32)
	n, _ := out.Read(line)
	pid, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	if err != nil {
		t.Fatalf("read the sleep's pid: %q", line[:n])
	}
	q, err := process.NewProcess(int32(pid))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := q.CreateTime()
	if err != nil {
		t.Fatal(err)
	}
	sleep := proc{int32(pid), ct}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL); _ = sh.Process.Kill(); _ = sh.Wait() })
	if !alive(sleep) {
		t.Fatal("alive reports a running process as gone")
	}
	return sh, sleep
}

// reap runs the reaper for driver until in closes, in the background.
func reap(driver *exec.Cmd) (w io.WriteCloser, result <-chan int) {
	r, w, _ := os.Pipe()
	done := make(chan int, 1)
	go func() { done <- runReaper(int32(driver.Process.Pid), r); r.Close() }()
	return w, done
}

func TestReaperEndsWhatADeadDriverLeft(t *testing.T) {
	sh, sleep := standIn(t)
	w, done := reap(sh)
	time.Sleep(3 * reaperPoll) // it has noted the sleep
	// The driver dies by SIGKILL; its pipe closes with it.
	_ = sh.Process.Kill()
	_ = sh.Wait()
	if !alive(sleep) {
		t.Fatal("the sleep ended with the shell: the test proves nothing")
	}
	w.Close()
	select {
	case rc := <-done:
		if rc != 0 {
			t.Fatalf("reaper exit %d", rc)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the reaper did not finish")
	}
	if alive(sleep) {
		t.Fatal("the orphaned sleep still runs")
	}
}

func TestReaperLeavesEverythingAfterGoodbye(t *testing.T) {
	sh, sleep := standIn(t)
	w, done := reap(sh)
	time.Sleep(3 * reaperPoll)
	_, _ = io.WriteString(w, "bye\n")
	w.Close()
	if rc := <-done; rc != 0 {
		t.Fatalf("reaper exit %d", rc)
	}
	if !alive(sleep) {
		t.Fatal("the reaper ended a process after the driver said goodbye")
	}
}
