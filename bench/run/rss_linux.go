package main

import "syscall"

// maxRSSMB is the peak resident set size in MiB: Linux reports ru_maxrss
// in KiB.
func maxRSSMB(ru *syscall.Rusage) int { return int(ru.Maxrss / 1024) }
