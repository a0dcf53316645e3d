package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// The Pulumi CLI starts its plugins (the kubernetes provider, language
// hosts) in process groups of their own and ends them when it ends. When
// the CLI itself is killed, they are orphaned and run on: the kubernetes
// provider was seen alive more than ten minutes later. The driver
// therefore becomes the subreaper of what it starts (Linux: orphans are
// reparented to it, not to init), and after each command ends every
// pulumi process below it that the command started is ended: SIGTERM,
// then SIGKILL after a grace period. The reaper (reaper.go) covers the
// driver's own death.

// sweepGrace is how long a leftover plugin may take to end on SIGTERM.
const sweepGrace = 3 * time.Second

// sweep ends the pulumi processes below this process that started at or
// after since and still run, saying so on w. It returns how many there
// were.
func sweep(w io.Writer, since time.Time) int {
	self := int32(os.Getpid())
	var left []proc
	var names []string
	for _, p := range descendants([]int32{self}) {
		q, err := process.NewProcess(p.pid)
		if err != nil {
			continue
		}
		n, _ := q.Name()
		if !strings.HasPrefix(n, "pulumi") || time.UnixMilli(p.created).Before(since.Add(-time.Second)) || !alive(p) {
			continue
		}
		left = append(left, p)
		names = append(names, fmt.Sprintf("%s (pid %d)", n, p.pid))
	}
	if len(left) == 0 {
		return 0
	}
	fmt.Fprintf(w, "ending %d process(es) the Pulumi CLI left running when it ended: %s\n", len(left), strings.Join(names, ", "))
	set := map[proc]bool{}
	for _, p := range left {
		set[p] = true
	}
	if err := endAll(set, sweepGrace); err != nil {
		fmt.Fprintln(w, "warning:", err)
	}
	// They were reparented to this process: collect their exit status, or
	// they stay as zombies for as long as it runs.
	for _, p := range left {
		var ws syscall.WaitStatus
		_, _ = syscall.Wait4(int(p.pid), &ws, syscall.WNOHANG, nil)
	}
	return len(left)
}
