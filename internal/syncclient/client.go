// Package syncclient is the laptop side of the sync protocol: an HTTP client
// for `iro serve`, the push-then-pull procedure over the store's outbox, and
// the backoff that spaces out retries. It never decides conflicts: the store
// keeps both values and the IRO chooses.
package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/iro-app/iro/internal/protocol"
)

// RequestTimeout bounds one request: a train's dead spot must not hang a sync.
const RequestTimeout = 30 * time.Second

// Client talks to one server as one enrolled device.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New checks the server address and makes a client. token may be empty
// until the device has enrolled. A plain http:// address is allowed only on
// loopback, as the server itself insists.
func New(server, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("server address %q is not an http(s) URL", server)
	}
	if u.Scheme == "http" && !protocol.IsLoopback(u.Host) {
		return nil, fmt.Errorf("server address %q: plain http is only for a server on this machine; use https", server)
	}
	if hc == nil {
		hc = &http.Client{Timeout: RequestTimeout}
	}
	return &Client{base: u, token: token, http: hc}, nil
}

// Server is the address the client talks to, for storing with the enrolment.
func (c *Client) Server() string { return c.base.String() }

// HTTPError is a reply other than 2xx. Transient ones are worth retrying.
type HTTPError struct {
	Status     int
	Message    string
	OpID       string        // for 422: the op id reused with a different payload
	Epoch      string        // for protocol.StatusNewEpoch: the server's epoch now
	RetryAfter time.Duration // from the Retry-After header, 0 if none
}

// newEpoch is the server's epoch if err says the server's database was
// restored under this laptop (protocol.StatusNewEpoch).
func newEpoch(err error) (string, bool) {
	he, ok := errors.AsType[*HTTPError](err)
	if !ok || he.Status != protocol.StatusNewEpoch || he.Epoch == "" {
		return "", false
	}
	return he.Epoch, true
}

func (e *HTTPError) Error() string {
	if e.Status == http.StatusUnauthorized {
		return "server answered 401: it no longer accepts this laptop (revoked or expired); ask for a new code and run iro sync enrol"
	}
	if e.Message == "" {
		return fmt.Sprintf("server answered %d", e.Status)
	}
	return fmt.Sprintf("server answered %d: %s", e.Status, e.Message)
}

// Transient reports whether err may go away by itself (a dropped link, a
// busy or restarting server) and so should be retried after a backoff.
func Transient(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests || he.Status == http.StatusRequestTimeout
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.As(err, new(*ProtocolError))
}

// ProtocolError is a reply that does not make sense (wrong number of
// results, unknown op ids): retrying the same request will not fix it.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "server reply: " + e.Msg }

// Enrol exchanges a one-time code for this device's token.
func (c *Client) Enrol(ctx context.Context, code, device string) (protocol.EnrolResponse, error) {
	var out protocol.EnrolResponse
	err := c.do(ctx, http.MethodPost, protocol.PathEnrol, protocol.EnrolRequest{Code: code, Device: device}, &out)
	if err == nil && out.Token == "" {
		err = &ProtocolError{"enrolment gave no token"}
	}
	return out, err
}

// Push sends one batch and checks that the reply answers exactly its ops, in order.
func (c *Client) Push(ctx context.Context, req protocol.PushRequest) (protocol.PushResponse, error) {
	var out protocol.PushResponse
	if err := c.do(ctx, http.MethodPost, protocol.PathPush, req, &out); err != nil {
		return out, err
	}
	ops := req.Ops
	if len(out.Results) != len(ops) {
		return out, &ProtocolError{fmt.Sprintf("%d results for %d ops", len(out.Results), len(ops))}
	}
	for i, r := range out.Results {
		if r.OpID != ops[i].OpID {
			return out, &ProtocolError{fmt.Sprintf("result %d is for op %s, not %s", i, r.OpID, ops[i].OpID)}
		}
	}
	return out, nil
}

// Changes fetches one page of changes after the cursor q.Since.
func (c *Client) Changes(ctx context.Context, q protocol.ChangesQuery) (protocol.ChangesResponse, error) {
	var out protocol.ChangesResponse
	err := c.do(ctx, http.MethodGet, protocol.PathChanges+"?"+q.Encode(), nil, &out)
	return out, err
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the server: %w", err)
	}
	defer resp.Body.Close()
	// A reply is bounded like a request body, times the pull page.
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("the connection dropped while reading the reply: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
		var e protocol.ErrorResponse
		if json.Unmarshal(data, &e) == nil {
			he.Message, he.OpID, he.Epoch = e.Error, e.OpID, e.Epoch
		}
		return he
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &ProtocolError{"not JSON: " + err.Error()}
	}
	return nil
}

// retryAfter reads the delay-seconds form; an HTTP date is read too.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
