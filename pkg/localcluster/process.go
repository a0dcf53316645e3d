package localcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// spawn starts bin/name with args in its own session (so it outlives the
// command that started it, as `make local` needs), logging to
// logs/<name>.log and recording its pid in pids/<name>.pid.
func (c *Cluster) spawn(binDir, name string, args ...string) error {
	logf, err := os.OpenFile(filepath.Join(c.StateDir, "logs", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = c.StateDir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	pid := cmd.Process.Pid
	// Reap the child if this process outlives it; the cluster does not
	// depend on this process staying up.
	go func() { _ = cmd.Wait() }()
	return os.WriteFile(c.pidFile(name), []byte(strconv.Itoa(pid)), 0o600)
}

func (c *Cluster) pidFile(name string) string {
	return filepath.Join(c.StateDir, "pids", name+".pid")
}

// pid returns the recorded pid of name if that process still runs and is
// ours: its command line names this state directory. A pid reused by an
// unrelated process is never signalled.
func (c *Cluster) pid(name string) (int, bool) {
	b, err := os.ReadFile(c.pidFile(name))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), c.StateDir) {
		return 0, false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		// A zombie (state Z) has exited already.
		if f := strings.Fields(string(stat)); len(f) > 2 && f[2] == "Z" {
			return 0, false
		}
	}
	return pid, true
}

func (c *Cluster) running(name string) bool {
	_, ok := c.pid(name)
	return ok
}

// Stop stops the cluster's processes (kwok first, etcd last): SIGTERM,
// then SIGKILL after 10 s. It keeps the state directory; a later Up starts
// a fresh cluster there.
func (c *Cluster) Stop() error {
	var errs []error
	for i := len(binaries) - 1; i >= 0; i-- {
		name := binaries[i]
		pid, ok := c.pid(name)
		if !ok {
			_ = os.Remove(c.pidFile(name))
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("stop %s (pid %d): %w", name, pid, err))
			continue
		}
		deadline := time.Now().Add(10 * time.Second)
		for c.running(name) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if c.running(name) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			for c.running(name) && time.Now().Before(deadline.Add(5*time.Second)) {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if c.running(name) {
			errs = append(errs, fmt.Errorf("%s (pid %d) did not stop", name, pid))
			continue
		}
		_ = os.Remove(c.pidFile(name))
	}
	return errors.Join(errs...)
}

// Running reports whether every process of the cluster in stateDir runs.
func Running(stateDir string) bool {
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return false
	}
	c := &Cluster{StateDir: dir}
	for _, b := range binaries {
		if !c.running(b) {
			return false
		}
	}
	return true
}

// StopDir stops the cluster whose state is in stateDir, if any.
func StopDir(stateDir string) error {
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return err
	}
	return (&Cluster{StateDir: dir}).Stop()
}
