// Package loopback holds what the local control plane and the local state
// backend share about serving on loopback.
package loopback

import (
	"net"
	"strconv"
)

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
// Another process can take it before the caller binds it: callers that
// start a server on it retry with a new port when the server fails to bind.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Free reports whether TCP port is free on 127.0.0.1 now.
func Free(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
