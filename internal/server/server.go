// Package server is the HTTP JSON API of `iro serve` (see protocol for the
// wire format) over a serverdb database.
//
// What it never does: log or echo a payload, a field value, a name or a
// token. Logs carry the method, path, status, device id and duration of
// each request; error bodies carry fixed messages.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
)

// Options configure the handler.
type Options struct {
	// Now is the clock for token expiry and audit rows; nil means time.Now.
	Now func() time.Time
	// Logger gets one line per request; nil discards them.
	Logger *slog.Logger
}

type api struct {
	db  *serverdb.DB
	now func() time.Time
	log *slog.Logger
}

// New returns the handler for the sync API.
func New(db *serverdb.DB, opts Options) http.Handler {
	a := &api{db: db, now: opts.Now, log: opts.Logger}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	// Methods are checked by hand rather than in the patterns so a wrong
	// one gets a JSON 405 like every other error.
	mux.HandleFunc(protocol.PathEnrol, only(http.MethodPost, a.enrol))
	mux.HandleFunc(protocol.PathPush, only(http.MethodPost, a.authed(a.push)))
	mux.HandleFunc(protocol.PathChanges, only(http.MethodGet, a.authed(a.changes)))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusNotFound, protocol.ErrorResponse{Error: "no such endpoint"})
	})
	return a.logged(mux)
}

// only refuses every method but method.
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			reply(w, http.StatusMethodNotAllowed, protocol.ErrorResponse{Error: r.Method + " is not allowed here; use " + method})
			return
		}
		h(w, r)
	}
}

func (a *api) enrol(w http.ResponseWriter, r *http.Request) {
	var req protocol.EnrolRequest
	if !decode(w, r, &req) {
		return
	}
	id, iro, token, err := a.db.Enrol(r.Context(), req.Code, req.Device, a.now())
	switch {
	case errors.Is(err, serverdb.ErrBadCode):
		reply(w, http.StatusForbidden, protocol.ErrorResponse{Error: "the enrolment code is not valid: it may be mistyped, already used or expired; ask for a new one"})
		return
	case err != nil:
		a.unavailable(w, r, err)
		return
	}
	setDevice(r, id)
	reply(w, http.StatusOK, protocol.EnrolResponse{DeviceID: id, IRO: iro, Token: token})
}

func (a *api) push(w http.ResponseWriter, r *http.Request, dev serverdb.Device) {
	var req protocol.PushRequest
	if !decode(w, r, &req) {
		return
	}
	if len(req.Ops) > protocol.MaxBatchOps {
		reply(w, http.StatusBadRequest, protocol.ErrorResponse{Error: "too many ops in one push; send at most " + strconv.Itoa(protocol.MaxBatchOps)})
		return
	}
	resp, err := a.db.Push(r.Context(), dev, req, a.now())
	var reused *serverdb.OpReusedError
	switch {
	case errors.As(err, &reused):
		reply(w, http.StatusUnprocessableEntity, protocol.ErrorResponse{
			Error: "an op id was sent before with a different op; nothing in this push was applied",
			OpID:  reused.OpID,
		})
		return
	case newEpoch(w, err):
		return
	case err != nil:
		a.unavailable(w, r, err)
		return
	}
	reply(w, http.StatusOK, resp)
}

// newEpoch answers a device whose sync position is from before the
// database was restored, and reports whether it did.
func newEpoch(w http.ResponseWriter, err error) bool {
	moved, ok := errors.AsType[*serverdb.NewEpochError](err)
	if ok {
		reply(w, protocol.StatusNewEpoch, protocol.ErrorResponse{
			Error: "the server was restored from a backup since this laptop last synced; nothing in this request was applied: send everything again and pull from the start",
			Epoch: moved.Epoch,
		})
	}
	return ok
}

func (a *api) changes(w http.ResponseWriter, r *http.Request, dev serverdb.Device) {
	q, err := protocol.ParseChangesQuery(r.URL.Query())
	if err != nil {
		reply(w, http.StatusBadRequest, protocol.ErrorResponse{Error: err.Error()})
		return
	}
	resp, err := a.db.Changes(r.Context(), dev, q, 0, a.now())
	switch {
	case newEpoch(w, err):
		return
	case err != nil:
		a.unavailable(w, r, err)
		return
	}
	reply(w, http.StatusOK, resp)
}

// authed resolves the bearer token to a device before h runs. Every
// failure gets the same 401, so a caller learns nothing about a token.
func (a *api) authed(h func(http.ResponseWriter, *http.Request, serverdb.Device)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			token = ""
		}
		dev, err := a.db.Authenticate(r.Context(), strings.TrimSpace(token), a.now())
		switch {
		case errors.Is(err, serverdb.ErrUnauthorized):
			w.Header().Set("WWW-Authenticate", `Bearer realm="iro"`)
			reply(w, http.StatusUnauthorized, protocol.ErrorResponse{Error: "this device is not enrolled, or its token was revoked or has expired; enrol it again"})
			return
		case err != nil:
			a.unavailable(w, r, err)
			return
		}
		setDevice(r, dev.ID)
		h(w, r, dev)
	}
}

// decode reads one JSON value from a size-limited body and nothing after
// it. On failure it has replied. Messages are fixed: a decoder's own would
// quote the body back.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, protocol.MaxBodyBytes))
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		reply(w, http.StatusRequestEntityTooLarge, protocol.ErrorResponse{Error: "the request body is larger than " + strconv.Itoa(protocol.MaxBodyBytes) + " bytes"})
		return false
	}
	reply(w, http.StatusBadRequest, protocol.ErrorResponse{Error: "the request body is not the JSON this endpoint takes"})
	return false
}

// unavailable answers a database failure with 503, which the client retries
// after Retry-After. The log gets what kind of failure it was, not what
// the request held.
func (a *api) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	a.log.LogAttrs(r.Context(), slog.LevelError, "database error", slog.String("path", r.URL.Path), slog.String("error", describe(err)))
	w.Header().Set("Retry-After", "1")
	reply(w, http.StatusServiceUnavailable, protocol.ErrorResponse{Error: "the server cannot reach its database just now; try again shortly"})
}

// describe is a database error fit for the log. PostgreSQL's messages can
// quote the values in a statement, so only its error code is kept; ours
// and SQLite's name tables and columns, never values.
func describe(err error) string {
	if errors.Is(err, context.Canceled) {
		return "request cancelled"
	}
	if pg, ok := errors.AsType[*pgconn.PgError](err); ok {
		return "postgres error " + pg.Code
	}
	return err.Error()
}

// reply writes v as the JSON body with status.
func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client has gone if this fails; nothing to do
}

// requestLog is filled in as a request is handled, for its log line.
type requestLog struct{ device string }

type requestLogKey struct{}

func setDevice(r *http.Request, id string) {
	if l, ok := r.Context().Value(requestLogKey{}).(*requestLog); ok {
		l.device = id
	}
}

// recorder remembers the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// logged writes one line per request and turns a panic into a 500 rather
// than a dropped connection. The query string is left out of the line.
func (a *api) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestLog{}
		r = r.WithContext(context.WithValue(r.Context(), requestLogKey{}, info))
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				// The panic value may hold request data: log only that it happened.
				a.log.LogAttrs(r.Context(), slog.LevelError, "handler panicked", slog.String("path", r.URL.Path))
				if rec.status == 0 {
					reply(rec, http.StatusInternalServerError, protocol.ErrorResponse{Error: "internal error"})
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelWarn
			}
			a.log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.String("device", info.device),
				slog.Duration("duration", time.Since(start)),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}
