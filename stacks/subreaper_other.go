//go:build !linux

package main

// becomeSubreaper has no equivalent outside Linux: there, the plugins of
// a killed CLI are reparented to init, and sweep cannot find them.
func becomeSubreaper() error { return nil }
