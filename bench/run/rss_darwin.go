package main

import "syscall"

// maxRSSMB is the peak resident set size in MiB: macOS reports ru_maxrss
// in bytes.
func maxRSSMB(ru *syscall.Rusage) int { return int(ru.Maxrss / (1 << 20)) }
