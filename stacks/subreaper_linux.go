package main

import "golang.org/x/sys/unix"

// becomeSubreaper makes this process the parent of its orphaned
// descendants (PR_SET_CHILD_SUBREAPER), so what a killed CLI started
// stays below it, where sweep finds it.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}
