package protocol

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8443", true},
		{"127.1.2.3:80", true},
		{"[::1]:8443", true},
		{"localhost:8443", true},
		{"LOCALHOST:1", true},
		{"127.0.0.1", true},
		{"::1", true},
		{"[::ffff:127.0.0.1]:8443", true},
		{":8443", false},
		{"0.0.0.0:8443", false},
		{"[::]:8443", false},
		{"192.168.1.10:8443", false},
		{"10.0.0.1:8443", false},
		{"example.org:443", false},
		{"localhost.example.org:443", false},
		{"128.0.0.1:80", false},
		{"127.0.0.1.example.org:443", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsLoopback(tt.addr); got != tt.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
