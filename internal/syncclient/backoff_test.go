package syncclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestBackoffDoublesToTheCap(t *testing.T) {
	b := NewBackoff()
	b.rand = func() float64 { return 0.999999 } // the top of each window
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
	for i, w := range want {
		got := b.Next(0).Round(time.Second)
		if got != w*time.Second {
			t.Fatalf("attempt %d: wait %v, want %v", i+1, got, w*time.Second)
		}
	}
	for range 100 { // far past 2^30 s: the cap, never an overflow
		if got := b.Next(0); got > b.Cap || got < 0 {
			t.Fatalf("wait %v outside [0, %v]", got, b.Cap)
		}
	}
	b.Reset()
	if got := b.Next(0).Round(time.Second); got != time.Second {
		t.Fatalf("after Reset: %v, want 1s", got)
	}
}

func TestBackoffIsJitteredAndHonoursRetryAfter(t *testing.T) {
	b := NewBackoff()
	b.rand = func() float64 { return 0 }
	if got := b.Next(0); got != 0 {
		t.Fatalf("full jitter can wait nothing: got %v", got)
	}
	if got := b.Next(7 * time.Second); got != 7*time.Second {
		t.Fatalf("Retry-After 7s: waited %v", got)
	}
	b.rand = func() float64 { return 0.5 }
	b.Reset()
	if got := b.Next(0); got != 500*time.Millisecond {
		t.Fatalf("half of the first window: %v", got)
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&HTTPError{Status: 503}, true},
		{&HTTPError{Status: 500}, true},
		{&HTTPError{Status: 429}, true},
		{&HTTPError{Status: 408}, true},
		{&HTTPError{Status: 400}, false},
		{&HTTPError{Status: 401}, false},
		{&HTTPError{Status: 413}, false},
		{&HTTPError{Status: 422}, false},
		{fmt.Errorf("wrapped: %w", &HTTPError{Status: 502}), true},
		{&ProtocolError{"3 results for 4 ops"}, false},
		{context.Canceled, false},
		{errors.New("cannot reach the server: connection reset"), true},
		{nil, false},
	}
	for _, tt := range tests {
		if got := Transient(tt.err); got != tt.want {
			t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	tests := map[string]time.Duration{"": 0, "5": 5 * time.Second, "0": 0, "-1": 0, "soon": 0}
	for in, want := range tests {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if got := retryAfter(future); got < 80*time.Second || got > 91*time.Second {
		t.Errorf("an HTTP date 90 s ahead: %v", got)
	}
}

func TestRetryStopsOnWhatWaitingCannotFix(t *testing.T) {
	sleeps := 0
	sleep := func(context.Context, time.Duration) error { sleeps++; return nil }
	tries := 0
	_, err := Retry(context.Background(), 5, NewBackoff(), sleep, func(context.Context) (Report, error) {
		tries++
		if tries < 3 {
			return Report{Pushed: 10}, &HTTPError{Status: 503, RetryAfter: time.Second}
		}
		return Report{Pushed: 1}, &HTTPError{Status: 401}
	})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 401 || tries != 3 || sleeps != 2 {
		t.Fatalf("err %v after %d tries and %d sleeps", err, tries, sleeps)
	}
	rep, err := Retry(context.Background(), 3, NewBackoff(), sleep, func(context.Context) (Report, error) {
		return Report{Pushed: 2}, &HTTPError{Status: 503}
	})
	if err == nil || rep.Pushed != 6 {
		t.Fatalf("gave up with %v after pushing %d, want an error after 3×2", err, rep.Pushed)
	}
}

func TestNewRefusesPlainHTTPOffLoopback(t *testing.T) {
	tests := map[string]bool{
		"https://iro.example.gov.uk":  true,
		"http://127.0.0.1:8443":       true,
		"http://localhost:8443/":      true,
		"http://[::1]:8443":           true,
		"http://iro.example.gov.uk":   false,
		"ftp://iro.example.gov.uk":    false,
		"iro.example.gov.uk":          false,
		"":                            false,
		"http://127.0.0.1.evil.com/x": false,
	}
	for in, ok := range tests {
		if _, err := New(in, "", nil); (err == nil) != ok {
			t.Errorf("New(%q): %v, want ok=%v", in, err, ok)
		}
	}
}
