package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// reaperEnv, set to the driver's pid, makes this binary the driver's
// reaper instead of a driver.
const reaperEnv = "PLINTH_REAPER_FOR"

// reaperPoll is how often the reaper notes the driver's descendants.
const reaperPoll = 250 * time.Millisecond

// reaper makes the driver's child processes (the Pulumi CLI, and the
// plugins it starts in process groups of their own) end with the driver,
// however it ends: kill -9 included, which no signal handler sees. It is
// this binary run again as a helper that holds the read end of a pipe.
// The helper notes the driver's descendants while the driver runs; when
// the pipe closes without a goodbye (the driver died), it ends every one
// of them still running, SIGTERM first and SIGKILL after a grace period.
// It uses gopsutil, so it works where the driver does (Linux, macOS).
type reaper struct {
	w    *os.File
	once sync.Once
}

// startReaper starts the helper; the driver's Close says goodbye.
func startReaper() (*reaper, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", reaperEnv, os.Getpid()))
	cmd.Stdin, cmd.Stderr = r, os.Stderr
	// Its own session: the terminal's Ctrl-C or hang-up reaches the
	// driver (which stops the CLI gracefully), not the reaper.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start the process reaper: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return &reaper{w: w}, nil
}

// Close tells the reaper the driver ends normally: it ends nothing.
func (r *reaper) Close() {
	r.once.Do(func() {
		_, _ = io.WriteString(r.w, "bye\n")
		_ = r.w.Close()
	})
}

// proc is one process the reaper may end: the pid with its start time,
// so a pid reused by an unrelated process is never signalled.
type proc struct {
	pid     int32
	created int64
}

// runReaper is the helper: it notes the descendants of the driver (pid
// driver) until in closes, and ends them unless the driver said goodbye.
func runReaper(driver int32, in io.Reader) int {
	seen := map[proc]bool{}
	done := make(chan bool, 1) // true: goodbye
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "bye" {
				done <- true
				return
			}
		}
		done <- false
	}()
	tick := time.NewTicker(reaperPoll)
	defer tick.Stop()
	for {
		for _, p := range descendants([]int32{driver}) {
			seen[p] = true
		}
		select {
		case bye := <-done:
			if bye {
				return 0
			}
			// The driver died. What it started still runs, reparented;
			// what those started since the last look are their children.
			var roots []int32
			for p := range seen {
				if alive(p) {
					roots = append(roots, p.pid)
				}
			}
			for _, p := range descendants(roots) {
				seen[p] = true
			}
			if err := endAll(seen, 10*time.Second); err != nil {
				fmt.Fprintln(os.Stderr, "plinth reaper:", err)
				return 1
			}
			return 0
		case <-tick.C:
		}
	}
}

// descendants returns every process below the roots (not the roots).
func descendants(roots []int32) []proc {
	all, err := process.Processes()
	if err != nil {
		return nil
	}
	kids := map[int32][]*process.Process{}
	for _, p := range all {
		if ppid, err := p.Ppid(); err == nil {
			kids[ppid] = append(kids[ppid], p)
		}
	}
	var out []proc
	queue := append([]int32(nil), roots...)
	self := int32(os.Getpid()) // the reaper is the driver's child too: never itself
	visited := map[int32]bool{}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if visited[pid] {
			continue
		}
		visited[pid] = true
		for _, k := range kids[pid] {
			if k.Pid == self {
				continue
			}
			if ct, err := k.CreateTime(); err == nil {
				out = append(out, proc{k.Pid, ct})
				queue = append(queue, k.Pid)
			}
		}
	}
	return out
}

// alive reports whether p still runs (the same process, not a zombie).
func alive(p proc) bool {
	q, err := process.NewProcess(p.pid)
	if err != nil {
		return false
	}
	if ct, err := q.CreateTime(); err != nil || ct != p.created {
		return false
	}
	st, err := q.Status()
	return err == nil && !(len(st) > 0 && st[0] == process.Zombie)
}

// endAll sends SIGTERM to every process of ps still alive, waits up to
// grace for them to end, then SIGKILLs the rest.
func endAll(ps map[proc]bool, grace time.Duration) error {
	signalAll := func(sig syscall.Signal) int {
		n := 0
		for p := range ps {
			if alive(p) {
				_ = syscall.Kill(int(p.pid), sig)
				n++
			}
		}
		return n
	}
	if signalAll(syscall.SIGTERM) == 0 {
		return nil
	}
	for deadline := time.Now().Add(grace); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if signalAll(0) == 0 {
			return nil
		}
	}
	signalAll(syscall.SIGKILL)
	time.Sleep(200 * time.Millisecond)
	if n := signalAll(0); n > 0 {
		return errors.New(fmt.Sprint(n, " process(es) survived SIGKILL"))
	}
	return nil
}
