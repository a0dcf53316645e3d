package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/process"
	"k8s.io/apimachinery/pkg/util/wait"
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
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	if c.exits == nil {
		c.exits, c.commands = map[string]<-chan struct{}{}, map[string]command{}
	}
	c.exits[name] = done
	c.commands[name] = command{binDir, args}
	return os.WriteFile(c.pidFile(name), []byte(strconv.Itoa(pid)), 0o600)
}

func (c *Cluster) pidFile(name string) string {
	return filepath.Join(c.StateDir, "pids", name+".pid")
}

// inspect reports the command line of process pid and whether it still
// runs (it exists and is not a zombie). gopsutil reads it from the
// operating system's own interface (/proc on Linux, sysctl on macOS and
// the BSDs, the process API on Windows); tests replace it.
var inspect = func(pid int) (cmdline string, running bool) {
	p, err := process.NewProcess(int32(pid))
	if err != nil {
		return "", false
	}
	cmdline, err = p.Cmdline()
	if err != nil {
		return "", false
	}
	if st, err := p.Status(); err == nil && slices.Contains(st, process.Zombie) {
		return cmdline, false
	}
	return cmdline, true
}

// signal sends sig to pid; tests replace it.
var signal = syscall.Kill

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
	cmdline, running := inspect(pid)
	// A process reads with an empty command line for a moment after exec,
	// until its new program has set up its arguments: look again.
	for i := 0; running && cmdline == "" && i < 50; i++ {
		time.Sleep(2 * time.Millisecond)
		cmdline, running = inspect(pid)
	}
	if !running || !strings.Contains(cmdline, c.StateDir) {
		return 0, false
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
		if err := signal(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("stop %s (pid %d): %w", name, pid, err))
			continue
		}
		if !waitGone(pid, 10*time.Second) {
			_ = signal(pid, syscall.SIGKILL)
			if !waitGone(pid, 5*time.Second) {
				errs = append(errs, fmt.Errorf("%s (pid %d) did not stop", name, pid))
				continue
			}
		}
		_ = os.Remove(c.pidFile(name))
	}
	return errors.Join(errs...)
}

// StopProcess stops one process of the cluster (SIGTERM, then SIGKILL
// after 10 s), as an outage of that component would: the fault tests
// restart the API server this way.
func (c *Cluster) StopProcess(name string) error {
	pid, ok := c.pid(name)
	if !ok {
		return fmt.Errorf("%s is not running", name)
	}
	if err := signal(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	if !waitGone(pid, 10*time.Second) {
		_ = signal(pid, syscall.SIGKILL)
		if !waitGone(pid, 5*time.Second) {
			return fmt.Errorf("%s (pid %d) did not stop", name, pid)
		}
	}
	return nil
}

// StartProcess starts again a process this Cluster started and
// StopProcess stopped, with its arguments, and for the API server waits
// until it is ready.
func (c *Cluster) StartProcess(ctx context.Context, name string) error {
	cmd, ok := c.commands[name]
	if !ok {
		return fmt.Errorf("%s was not started by this Cluster", name)
	}
	if err := c.spawn(cmd.binDir, name, cmd.args...); err != nil {
		return err
	}
	if name == "kube-apiserver" {
		return c.waitReady(ctx)
	}
	return nil
}

// Pause stops a process of the cluster where it is (SIGSTOP), as a hung
// disk or a stalled machine would; Resume lets it go on.
func (c *Cluster) Pause(name string) error { return c.send(name, syscall.SIGSTOP) }

// Resume lets a paused process go on (SIGCONT).
func (c *Cluster) Resume(name string) error { return c.send(name, syscall.SIGCONT) }

func (c *Cluster) send(name string, sig syscall.Signal) error {
	pid, ok := c.pid(name)
	if !ok {
		return fmt.Errorf("%s is not running", name)
	}
	return signal(pid, sig)
}

// waitGone waits up to timeout for process pid to end (to be gone or a
// zombie), and reports whether it did. A process that is exiting has
// lost its command line already but may still hold its ports.
func waitGone(pid int, timeout time.Duration) bool {
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, timeout, true,
		func(context.Context) (bool, error) {
			_, running := inspect(pid)
			return !running, nil
		})
	return err == nil
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
