package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/iro-app/iro/internal/protocol"
)

// Timeouts of the HTTP server: a slow or stalled client cannot hold a
// connection (and its goroutine) for long, while a 2 MiB push over a poor
// link still fits in a minute.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// shutdownGrace is how long requests in flight get to finish.
	shutdownGrace = 15 * time.Second
)

// ListenAndServe serves h on addr until ctx is cancelled, then stops
// accepting and lets requests in flight finish. It serves HTTPS when given a
// certificate and key, and refuses plain HTTP anywhere but loopback: the
// API carries children's records and device tokens.
func ListenAndServe(ctx context.Context, addr, certFile, keyFile string, h http.Handler) error {
	useTLS := certFile != "" || keyFile != ""
	switch {
	case useTLS && (certFile == "" || keyFile == ""):
		return errors.New("serve: give both --tls-cert and --tls-key, or neither")
	case !useTLS && !protocol.IsLoopback(addr):
		return fmt.Errorf("serve: refusing plain HTTP on %s, which is not a loopback address: give --tls-cert and --tls-key", addr)
	}
	if useTLS {
		// Load now so a wrong path fails before anything listens.
		if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
			return fmt.Errorf("serve: loading --tls-cert and --tls-key: %w", err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return serve(ctx, newHTTPServer(h), ln, certFile, keyFile)
}

func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// serve runs srv on ln until it fails or ctx is cancelled.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, certFile, keyFile string) error {
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	if err != nil {
		return fmt.Errorf("serve: shutting down: %w", err)
	}
	return nil
}
