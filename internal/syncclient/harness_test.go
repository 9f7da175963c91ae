package syncclient_test

// The harness for the sync acceptance tests: a real server (internal/server
// over serverdb, on SQLite and on PostgreSQL), a fault-injecting proxy in
// front of it, and laptops that are real store databases on disk.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/store/serverdb"
)

var passphrase = []byte("correct horse battery staple")

// fault is what the proxy does to one request.
type fault int

const (
	pass        fault = iota
	dropRequest       // the link dies before the server sees the request
	dropReply         // the server handles the request; the reply is lost
	busy              // 503 with Retry-After: 1
)

// proxy forwards to the server, doing to each request what decide says.
// It stands for the train's mobile link.
type proxy struct {
	srv      *httptest.Server
	target   string
	client   *http.Client
	decide   atomic.Pointer[func(r *http.Request) fault]
	requests atomic.Int64
}

func newProxy(t testing.TB, target string) *proxy {
	p := &proxy{target: target, client: &http.Client{Timeout: 30 * time.Second}}
	p.setFaults(func(*http.Request) fault { return pass })
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) setFaults(f func(r *http.Request) fault) { p.decide.Store(&f) }

func (p *proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	f := (*p.decide.Load())(r)
	switch f {
	case dropRequest:
		hangUp(w)
		return
	case busy:
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, p.target+r.URL.RequestURI(), strings.NewReader(string(body)))
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		hangUp(w)
		return
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil || f == dropReply {
		hangUp(w) // the server has done the work; the device never hears
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(reply)
}

// hangUp closes the connection without a reply, as a dead link does.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// world is one server with its proxy.
type world struct {
	t     testing.TB
	dsn   string
	db    *serverdb.DB
	srv   *httptest.Server
	proxy *proxy
}

func newWorld(t testing.TB, dsn string) *world {
	t.Helper()
	w := openWorld(t, dsn)
	w.srv = httptest.NewServer(server.New(w.db, server.Options{Now: time.Now}))
	t.Cleanup(w.srv.Close)
	w.proxy = newProxy(t, w.srv.URL)
	return w
}

// openWorld opens the server's database without serving it, for a test
// that runs the server elsewhere (another process).
func openWorld(t testing.TB, dsn string) *world {
	t.Helper()
	db, err := serverdb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("serverdb.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &world{t: t, dsn: dsn, db: db}
}

// laptop is one IRO's device: a real store database in a file.
type laptop struct {
	t    testing.TB
	path string
	db   *store.DB
	id   string // device id on the server
}

// enrol makes a laptop for iro and enrols it through the proxy.
func (w *world) enrol(iro string) *laptop {
	t := w.t
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	l := &laptop{t: t, path: path, db: db}
	t.Cleanup(func() { _ = l.db.Close() })
	code, err := w.db.CreateEnrolment(ctx, iro, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c, err := syncclient.New(w.proxy.srv.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Enrol(ctx, code, "test laptop")
	if err != nil {
		t.Fatalf("enrol: %v", err)
	}
	l.id = got.DeviceID
	if err := db.SaveEnrolment(ctx, c.Server(), got.DeviceID, got.IRO, got.Token); err != nil {
		t.Fatal(err)
	}
	return l
}

// restart closes the laptop's database and opens the file again, as after
// the process was killed: only what was committed survives.
func (l *laptop) restart() {
	l.t.Helper()
	_ = l.db.Close()
	db, err := store.Open(context.Background(), l.path)
	if err != nil {
		l.t.Fatal(err)
	}
	if err := db.Unlock(context.Background(), passphrase); err != nil {
		l.t.Fatal(err)
	}
	l.db = db
}

// sync runs one push-then-pull with no retries.
func (l *laptop) sync(ctx context.Context) (syncclient.Report, error) {
	return syncclient.Once(ctx, l.db, nil, time.Now)
}

// mustSync syncs over a healthy link and fails the test on error.
func (l *laptop) mustSync() syncclient.Report {
	l.t.Helper()
	rep, err := l.sync(context.Background())
	if err != nil {
		l.t.Fatalf("sync: %v", err)
	}
	return rep
}

// addChildren writes n demo children (with their episodes, plans and
// reviews) on the laptop and allocates them to iro on the server.
func (w *world) addChildren(l *laptop, iro string, n int, seed int64) []child.Child {
	w.t.Helper()
	kids := demo.Caseload(calendar.MustParse("2026-11-22"), n, seed)
	if err := l.db.Update(context.Background(), func(tx *store.Tx) error { return store.AddChildren(tx, kids) }); err != nil {
		w.t.Fatal(err)
	}
	ids := make([]string, len(kids))
	for i, k := range kids {
		ids[i] = k.ID
	}
	if err := w.db.Allocate(context.Background(), iro, ids...); err != nil {
		w.t.Fatal(err)
	}
	return kids
}

// rawDB opens a database file or URL behind the application's back, for
// checks that must not trust the code under test.
func rawDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// localOp is an outbox row as the laptop's file holds it.
type localOp struct {
	id, entity, entityID, state string
}

func (l *laptop) outbox() []localOp {
	l.t.Helper()
	rows, err := rawDB(l.t, l.path).Query(`SELECT op_id, entity, entity_id, state FROM outbox ORDER BY seq`)
	if err != nil {
		l.t.Fatal(err)
	}
	defer rows.Close()
	var ops []localOp
	for rows.Next() {
		var o localOp
		if err := rows.Scan(&o.id, &o.entity, &o.entityID, &o.state); err != nil {
			l.t.Fatal(err)
		}
		ops = append(ops, o)
	}
	return ops
}

// serverFacts reads the server's op results of one device and every
// entity's version straight from its tables.
func (w *world) serverFacts(deviceID string) (results map[string]string, versions map[string]int64) {
	t := w.t
	t.Helper()
	db := rawDB(t, w.dsn)
	q := func(s string) string {
		if strings.HasPrefix(w.dsn, "postgres") {
			return strings.Replace(s, "?", "$1", 1)
		}
		return s
	}
	results = map[string]string{}
	rows, err := db.Query(q(`SELECT op_id, status FROM op_result WHERE device_id = ?`), deviceID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		if _, dup := results[id]; dup {
			t.Errorf("server holds op %s twice", id)
		}
		results[id] = st
	}
	rows.Close()
	versions = map[string]int64{}
	rows, err = db.Query(`SELECT entity, id, version FROM entity`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, id string
		var v int64
		if err := rows.Scan(&e, &id, &v); err != nil {
			t.Fatal(err)
		}
		versions[e+"/"+id] = v
	}
	return results, versions
}

// checkExactlyOnce is the invariant of every fault test, for laptops that
// are the only writers of their records: nothing is left to send, every op
// the laptop holds as acknowledged is on the server, nothing the server
// holds is unknown to the laptop, and every record's server version equals
// the number of ops the laptop made for it — an op applied twice would
// show as one version too many, a lost one as one too few.
func (w *world) checkExactlyOnce(l *laptop) {
	t := w.t
	t.Helper()
	results, versions := w.serverFacts(l.id)
	ops := l.outbox()
	perEntity := map[string]int64{}
	local := map[string]bool{}
	for _, o := range ops {
		local[o.id] = true
		switch o.state {
		case "pending":
			t.Errorf("op %s is still pending after a clean sync", o.id)
		case "acked":
			st, ok := results[o.id]
			if !ok {
				t.Errorf("op %s is acknowledged on the laptop but missing on the server", o.id)
			} else if st != string(protocol.Applied) {
				t.Errorf("op %s: server result %s, want applied", o.id, st)
			}
			perEntity[o.entity+"/"+o.entityID]++
		case "rejected":
			t.Errorf("op %s was rejected", o.id)
		}
	}
	for id := range results {
		if !local[id] {
			t.Errorf("server holds op %s that the laptop never made", id)
		}
	}
	for key, n := range perEntity {
		if versions[key] != n {
			t.Errorf("%s: server version %d after %d ops (applied %s)", key, versions[key], n, map[bool]string{true: "twice", false: "not at all"}[versions[key] > n])
		}
	}
	if len(ops) == 0 {
		t.Fatal("the laptop made no ops: the check proves nothing")
	}
}

// flakyLink drops the proxy's connections at random moments 1–5 s apart
// (or scaled by every), until stop is called.
func flakyLink(p *proxy, every time.Duration, seed uint64) (stop func(), drops *atomic.Int64) {
	drops = new(atomic.Int64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewPCG(seed, seed))
		for {
			wait := every + time.Duration(r.Int64N(int64(4*every)))
			select {
			case <-done:
				return
			case <-time.After(wait):
			}
			p.srv.CloseClientConnections()
			drops.Add(1)
		}
	}()
	return func() { close(done); wg.Wait() }, drops
}

var errCrash = errors.New("simulated crash")

func describe(r syncclient.Report) string {
	return fmt.Sprintf("pushed %d (applied %d, dup %d, conflict %d, rejected %d); pulled %+v",
		r.Pushed, r.Applied, r.Duplicates, r.Conflicts, r.Rejects, r.Pulled)
}

// skipLoadUnderRace skips a load test in the -race run: the race detector
// makes the pure-Go SQLite and the sealing ten times slower without finding
// anything more in a test that is about volume. `make test` runs these again
// without -race (see the Makefile), so they always run.
func skipLoadUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("load test: runs in make test's second, non-race pass")
	}
}
