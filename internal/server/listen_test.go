package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestListenAndServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	h := http.NotFoundHandler()
	tests := []struct {
		addr, cert, key string
		want            string
	}{
		{"0.0.0.0:0", "", "", "--tls-cert"},
		{":0", "", "", "--tls-key"},
		{"192.168.1.10:0", "", "", "not a loopback"},
		{"127.0.0.1:0", "cert.pem", "", "both"},
		{"127.0.0.1:0", "", "key.pem", "both"},
		{"0.0.0.0:0", "/no/such/cert.pem", "/no/such/key.pem", "loading"},
	}
	for _, tt := range tests {
		err := ListenAndServe(t.Context(), tt.addr, tt.cert, tt.key, h)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ListenAndServe(%q, %q, %q) = %v, want an error mentioning %q", tt.addr, tt.cert, tt.key, err, tt.want)
		}
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-release // a request in flight when the server is told to stop
		_, _ = io.WriteString(w, "done")
	})
	srv := newHTTPServer(h)
	if srv.ReadHeaderTimeout != 10*time.Second || srv.ReadTimeout != 60*time.Second ||
		srv.WriteTimeout != 60*time.Second || srv.IdleTimeout != 120*time.Second {
		t.Fatalf("timeouts: %+v", srv)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, srv, ln, "", "") }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-inside
	cancel()
	time.Sleep(50 * time.Millisecond) // let Shutdown close the listener
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after cancel")
	}
	close(release)
	if body := <-got; body != "done" {
		t.Fatalf("the request in flight got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
