package protocol

import (
	"net"
	"net/netip"
	"strings"
)

// IsLoopback reports whether addr ("host:port", or a bare host) is on this
// machine only: localhost, 127.0.0.0/8 or ::1. An empty host (":8443")
// listens everywhere, so it is not. Both sides allow plain HTTP only here:
// the server to listen on, the client to talk to. The address is parsed,
// never prefix-matched, so 127.0.0.1.example.org is not this machine.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
