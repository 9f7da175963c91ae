package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/internal/syncschema/syncschematest"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is a server over a fresh database, with its log captured.
type fixture struct {
	t   *testing.T
	db  *serverdb.DB
	h   http.Handler
	log *syncBuffer
	now time.Time
}

func newFixture(t *testing.T, dsn string) *fixture {
	f := &fixture{t: t, db: serverdbtest.NewDB(t, dsn), log: &syncBuffer{}, now: t0}
	logger := slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.h = server.New(f.db, server.Options{Now: func() time.Time { return f.now }, Logger: logger})
	return f
}

// do sends one request and returns the response, checking every response
// is JSON.
func (f *fixture) do(method, target, token string, body io.Reader) *http.Response {
	f.t.Helper()
	req := httptest.NewRequestWithContext(f.t.Context(), method, target, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	resp := rec.Result()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	return resp
}

func (f *fixture) doJSON(method, target, token string, v any) *http.Response {
	f.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do(method, target, token, bytes.NewReader(b))
}

func decodeBody[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("decoding a %d body: %v", resp.StatusCode, err)
	}
	return v
}

// enrol makes a device for iro through the API and returns its token.
func (f *fixture) enrol(iro string) protocol.EnrolResponse {
	f.t.Helper()
	code, err := f.db.CreateEnrolment(f.t.Context(), iro, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	resp := f.doJSON(http.MethodPost, protocol.PathEnrol, "", protocol.EnrolRequest{Code: code, Device: "Ann's laptop"})
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("enrol: %d", resp.StatusCode)
	}
	return decodeBody[protocol.EnrolResponse](f.t, resp)
}

func TestEnrolEndpoint(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		code, err := f.db.CreateEnrolment(t.Context(), "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		good := fmt.Sprintf(`{"code":%q,"device":"laptop"}`, code)
		tests := []struct {
			name   string
			method string
			body   string
			status int
		}{
			{"wrong method", http.MethodGet, "", http.StatusMethodNotAllowed},
			{"not JSON", http.MethodPost, `code=` + code, http.StatusBadRequest},
			{"trailing garbage", http.MethodPost, good + ` {"x":1}`, http.StatusBadRequest},
			{"unknown code", http.MethodPost, `{"code":"ABCDEFGHJK","device":"laptop"}`, http.StatusForbidden},
			{"good", http.MethodPost, good, http.StatusOK},
			{"used", http.MethodPost, good, http.StatusForbidden},
			{"too big", http.MethodPost, `{"code":"` + strings.Repeat("A", protocol.MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := f.do(tt.method, protocol.PathEnrol, "", strings.NewReader(tt.body))
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
				}
				if tt.status == http.StatusOK {
					got := decodeBody[protocol.EnrolResponse](t, resp)
					if got.IRO != "ann" || got.DeviceID == "" || got.Token == "" {
						t.Fatalf("%+v", got)
					}
					return
				}
				if e := decodeBody[protocol.ErrorResponse](t, resp); e.Error == "" {
					t.Fatal("an error with no message")
				}
				if tt.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
					t.Errorf("Allow: %q", resp.Header.Get("Allow"))
				}
			})
		}
		if resp := f.do(http.MethodGet, "/v2/nothing", "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown path: %d", resp.StatusCode)
		}
	})
}

func TestAuthentication(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		good := f.enrol("ann")
		revoked := f.enrol("ann")
		if err := f.db.RevokeDevice(t.Context(), revoked.DeviceID, t0); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			header string
			now    time.Time
			status int
		}{
			{"no header", "", t0, http.StatusUnauthorized},
			{"not bearer", "Basic " + good.Token, t0, http.StatusUnauthorized},
			{"bearer and nothing", "Bearer ", t0, http.StatusUnauthorized},
			{"unknown token", "Bearer " + strings.Repeat("x", 43), t0, http.StatusUnauthorized},
			{"revoked", "Bearer " + revoked.Token, t0, http.StatusUnauthorized},
			{"expired", "Bearer " + good.Token, t0.AddDate(1, 0, 1), http.StatusUnauthorized},
			{"good", "Bearer " + good.Token, t0, http.StatusOK},
			{"scheme in any case", "bearer " + good.Token, t0, http.StatusOK},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f.now = tt.now
				for _, r := range []struct{ method, path, body string }{
					{http.MethodGet, protocol.PathChanges + "?since=0", ""},
					{http.MethodPost, protocol.PathPush, `{"ops":[]}`},
				} {
					req := httptest.NewRequestWithContext(t.Context(), r.method, r.path, strings.NewReader(r.body))
					if tt.header != "" {
						req.Header.Set("Authorization", tt.header)
					}
					rec := httptest.NewRecorder()
					f.h.ServeHTTP(rec, req)
					if rec.Code != tt.status {
						t.Fatalf("%s %s: status %d, want %d", r.method, r.path, rec.Code, tt.status)
					}
					if tt.status == http.StatusUnauthorized && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("WWW-Authenticate: %q", rec.Header().Get("WWW-Authenticate"))
					}
				}
			})
		}
	})
}

func TestPushEndpoint(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		if err := f.db.Allocate(t.Context(), "ann", "c1"); err != nil {
			t.Fatal(err)
		}
		dev := f.enrol("ann")
		create := protocol.Op{OpID: "o1", Entity: "child", EntityID: "c1", Name: "child.create", Payload: syncschematest.CompleteJSON("child", "c1", `{"first_name":"Ada"}`)}
		reused := create
		reused.Payload = syncschematest.CompleteJSON("child", "c1", `{"first_name":"Bea"}`)
		tooMany := make([]protocol.Op, protocol.MaxBatchOps+1)
		for i := range tooMany {
			tooMany[i] = protocol.Op{OpID: fmt.Sprint(i), Entity: "child", EntityID: "c1", Name: "child.update", BaseVersion: 1, Payload: json.RawMessage(`{}`)}
		}
		tests := []struct {
			name   string
			method string
			body   string
			status int
			opID   string
		}{
			{"wrong method", http.MethodPut, `{"ops":[]}`, http.StatusMethodNotAllowed, ""},
			{"not JSON", http.MethodPost, `ops`, http.StatusBadRequest, ""},
			{"trailing garbage", http.MethodPost, `{"ops":[]}]`, http.StatusBadRequest, ""},
			{"ops of the wrong type", http.MethodPost, `{"ops":{"a":1}}`, http.StatusBadRequest, ""},
			{"too many ops", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: tooMany}), http.StatusBadRequest, ""},
			{"too big", http.MethodPost, `{"ops":[{"op_id":"` + strings.Repeat("x", protocol.MaxBodyBytes) + `"}]}`, http.StatusRequestEntityTooLarge, ""},
			{"good", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: []protocol.Op{create}}), http.StatusOK, ""},
			{"retry", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: []protocol.Op{create}}), http.StatusOK, ""},
			{"op id reused", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: []protocol.Op{reused}}), http.StatusUnprocessableEntity, "o1"},
			// Both would apply reused were the position good: nothing is.
			{"another epoch", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: []protocol.Op{reused}, Epoch: "another"}), protocol.StatusNewEpoch, ""},
			{"a cursor never handed out", http.MethodPost, mustJSON(t, protocol.PushRequest{Ops: []protocol.Op{reused}, Cursor: 5}), protocol.StatusNewEpoch, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := f.do(tt.method, protocol.PathPush, dev.Token, strings.NewReader(tt.body))
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
				}
				if tt.status != http.StatusOK {
					e := decodeBody[protocol.ErrorResponse](t, resp)
					if e.Error == "" || e.OpID != tt.opID || (e.Epoch != "") != (tt.status == protocol.StatusNewEpoch) {
						t.Fatalf("%+v", e)
					}
					return
				}
				got := decodeBody[protocol.PushResponse](t, resp)
				if len(got.Results) != 1 || got.Results[0].Outcome() != protocol.Applied || got.Results[0].Version != 1 || got.Epoch == "" {
					t.Fatalf("%+v", got)
				}
			})
		}
	})
}

func TestChangesEndpoint(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		if err := f.db.Allocate(t.Context(), "ann", "c1"); err != nil {
			t.Fatal(err)
		}
		dev := f.enrol("ann")
		// Written by hand: json.Marshal would escape the < before it left.
		push := `{"ops":[{"op_id":"o1","entity":"child","entity_id":"c1","op":"child.create","payload":` +
			string(syncschematest.CompleteJSON("child", "c1", `{"first_name":"Ada <3"}`)) + `}]}`
		if resp := f.do(http.MethodPost, protocol.PathPush, dev.Token, strings.NewReader(push)); resp.StatusCode != http.StatusOK {
			t.Fatalf("push: %d", resp.StatusCode)
		}
		tests := []struct {
			query    string
			status   int
			entities int
		}{
			{"", http.StatusOK, 1},
			{"?since=0", http.StatusOK, 1},
			{"?since=2", http.StatusOK, 0},
			{"?since=99", protocol.StatusNewEpoch, 0}, // never handed out: the server was restored
			{"?since=0&epoch=another", protocol.StatusNewEpoch, 0},
			{"?since=abc", http.StatusBadRequest, 0},
			{"?since=-1", http.StatusBadRequest, 0},
			{"?since=1.5", http.StatusBadRequest, 0},
			{"?since=99999999999999999999", http.StatusBadRequest, 0},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				resp := f.do(http.MethodGet, protocol.PathChanges+tt.query, dev.Token, nil)
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
				}
				if tt.status == protocol.StatusNewEpoch {
					if e := decodeBody[protocol.ErrorResponse](t, resp); e.Epoch == "" || e.Epoch == "another" {
						t.Fatalf("%+v", e)
					}
				}
				if tt.status != http.StatusOK {
					return
				}
				got := decodeBody[protocol.ChangesResponse](t, resp)
				if len(got.Entities) != tt.entities || got.Cursor != 2 || got.More || got.Epoch == "" {
					t.Fatalf("%+v", got)
				}
				if tt.entities > 0 && string(got.Entities[0].Fields["first_name"]) != `"Ada <3"` {
					t.Fatalf("fields %s", got.Entities[0].Fields["first_name"])
				}
			})
		}
		if resp := f.do(http.MethodPost, protocol.PathChanges, dev.Token, nil); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST changes: %d", resp.StatusCode)
		}
	})
}

func TestDatabaseDownIs503(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		dev := f.enrol("ann")
		code, err := f.db.CreateEnrolment(t.Context(), "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.Close(); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct{ method, path, token, body string }{
			{http.MethodPost, protocol.PathEnrol, "", `{"code":"` + code + `","device":"x"}`},
			{http.MethodPost, protocol.PathPush, dev.Token, `{"ops":[]}`},
			{http.MethodGet, protocol.PathChanges, dev.Token, ""},
		} {
			resp := f.do(r.method, r.path, r.token, strings.NewReader(r.body))
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
				t.Errorf("%s: %d, Retry-After %q", r.path, resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}
		if !strings.Contains(f.log.String(), `"database error"`) {
			t.Errorf("the failure was not logged:\n%s", f.log)
		}
	})
}

// TestLogsHoldNoChildData runs a whole sync and checks the log names each
// request and device but none of the secrets or values that went through.
func TestLogsHoldNoChildData(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		if err := f.db.Allocate(t.Context(), "ann", "c1"); err != nil {
			t.Fatal(err)
		}
		code, err := f.db.CreateEnrolment(t.Context(), "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		resp := f.doJSON(http.MethodPost, protocol.PathEnrol, "", protocol.EnrolRequest{Code: code, Device: "Zebedee's ThinkPad"})
		dev := decodeBody[protocol.EnrolResponse](t, resp)
		secrets := []string{code, dev.Token, "Zebedee", "Quixote", "SW1A", "2015-07-14"}

		ops := []protocol.Op{
			{OpID: "o1", Entity: "child", EntityID: "c1", Name: "child.create", Payload: syncschematest.CompleteJSON("child", "c1", `{"first_name":"Zebedee","last_name":"Quixote","dob":"2015-07-14"}`)},
			{OpID: "o2", Entity: "child", EntityID: "c1", Name: "child.update", BaseVersion: 1, Payload: json.RawMessage(`{"upn":"SW1A"}`)},
			{OpID: "o3", Entity: "child", EntityID: "c9", Name: "child.create", Payload: syncschematest.CompleteJSON("child", "c9", `{"first_name":"Zebedee"}`)},
		}
		f.doJSON(http.MethodPost, protocol.PathPush, dev.Token, protocol.PushRequest{Ops: ops})
		f.doJSON(http.MethodPost, protocol.PathPush, dev.Token, protocol.PushRequest{Ops: []protocol.Op{
			{OpID: "o1", Entity: "child", EntityID: "c1", Name: "child.create", Payload: syncschematest.CompleteJSON("child", "c1", `{"first_name":"Zebedee Quixote II"}`)},
		}})
		f.do(http.MethodPost, protocol.PathPush, dev.Token, strings.NewReader(`{"ops":[{"op_id":"Zebedee"`))
		f.do(http.MethodPost, protocol.PathEnrol, "", strings.NewReader(`{"code":"Quixote"}`))
		f.do(http.MethodGet, protocol.PathChanges+"?since=Zebedee", dev.Token, nil)
		f.do(http.MethodGet, protocol.PathChanges+"?since=0", dev.Token, nil)
		f.do(http.MethodGet, protocol.PathChanges, "Quixote", nil)

		out := f.log.String()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("the log holds %q:\n%s", s, out)
			}
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 8 {
			t.Fatalf("%d log lines, want one per request:\n%s", len(lines), out)
		}
		var line struct {
			Method, Path, Device string
			Status               int
			Duration             int64
		}
		if err := json.Unmarshal([]byte(lines[1]), &line); err != nil {
			t.Fatal(err)
		}
		if line.Method != http.MethodPost || line.Path != protocol.PathPush || line.Device != dev.DeviceID || line.Status != http.StatusOK {
			t.Errorf("push line: %s", lines[1])
		}
		// Check the server did hold the data the log must not: the test
		// would pass vacuously otherwise.
		page, err := f.db.Changes(t.Context(), serverdb.Device{ID: dev.DeviceID, IRO: "ann"}, protocol.ChangesQuery{}, 0, time.Now())
		if err != nil || len(page.Entities) != 1 || !strings.Contains(string(page.Entities[0].Fields["first_name"]), "Zebedee") {
			t.Fatalf("%+v, %v", page, err)
		}
	})
}

// TestRoundTrip syncs over a real HTTP connection.
func TestRoundTrip(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		if err := f.db.Allocate(t.Context(), "ann", "c1"); err != nil {
			t.Fatal(err)
		}
		code, err := f.db.CreateEnrolment(t.Context(), "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		post := func(path, token string, v any) *http.Response {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, strings.NewReader(mustJSON(t, v)))
			if err != nil {
				t.Fatal(err)
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = resp.Body.Close() })
			return resp
		}
		dev := decodeBody[protocol.EnrolResponse](t, post(protocol.PathEnrol, "", protocol.EnrolRequest{Code: code, Device: "laptop"}))
		pushed := decodeBody[protocol.PushResponse](t, post(protocol.PathPush, dev.Token, protocol.PushRequest{Ops: []protocol.Op{
			{OpID: "o1", Entity: "child", EntityID: "c1", Name: "child.create", Payload: syncschematest.CompleteJSON("child", "c1", `{"first_name":"Ada"}`)},
		}}))
		if len(pushed.Results) != 1 || pushed.Results[0].Status != protocol.Applied {
			t.Fatalf("%+v", pushed)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+protocol.PathChanges+"?since=0", nil)
		req.Header.Set("Authorization", "Bearer "+dev.Token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		page := decodeBody[protocol.ChangesResponse](t, resp)
		if len(page.Entities) != 1 || page.Entities[0].ID != "c1" || page.Entities[0].Version != 1 {
			t.Fatalf("%+v", page)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
