package serverdb_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
	"github.com/iro-app/iro/internal/syncschema/syncschematest"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// device enrols a laptop for iro and returns it as Authenticate does.
func device(t *testing.T, db *serverdb.DB, iro, label string) serverdb.Device {
	t.Helper()
	code, err := db.CreateEnrolment(t.Context(), iro, t0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, token, err := db.Enrol(t.Context(), code, label, t0)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := db.Authenticate(t.Context(), token, t0)
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func allocate(t *testing.T, db *serverdb.DB, iro string, children ...string) {
	t.Helper()
	if err := db.Allocate(t.Context(), iro, children...); err != nil {
		t.Fatal(err)
	}
}

// op builds an op; payload is JSON text. A create of an entity that syncs
// is completed with valid values for the required fields it lacks
// (syncschematest.Complete), so a test names only the fields it is about;
// parents' ids it must give. rawOp is the op exactly as written.
func op(id, entity, entityID, name string, base int64, payload string) protocol.Op {
	o := rawOp(id, entity, entityID, name, base, payload)
	var fields map[string]json.RawMessage
	if _, ok := syncschema.Lookup(entity); ok && protocol.KindOf(name) == protocol.KindCreate && json.Unmarshal(o.Payload, &fields) == nil && fields != nil {
		o.Payload = syncschematest.CompleteJSON(entity, entityID, payload)
	}
	return o
}

func rawOp(id, entity, entityID, name string, base int64, payload string) protocol.Op {
	return protocol.Op{OpID: id, Entity: entity, EntityID: entityID, Name: name, BaseVersion: base, Payload: json.RawMessage(payload)}
}

func push(t *testing.T, db *serverdb.DB, dev serverdb.Device, ops ...protocol.Op) []protocol.Result {
	t.Helper()
	res, err := db.Push(t.Context(), dev, protocol.PushRequest{Ops: ops}, t0)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if len(res.Results) != len(ops) {
		t.Fatalf("push: %d results for %d ops", len(res.Results), len(ops))
	}
	return res.Results
}

// pushOne pushes one op and returns its result.
func pushOne(t *testing.T, db *serverdb.DB, dev serverdb.Device, o protocol.Op) protocol.Result {
	t.Helper()
	return push(t, db, dev, o)[0]
}

// pulled is what a device holds after pulling: records by entity/id, and
// the children it was told to purge.
type pulled struct {
	entities map[string]protocol.Entity
	revoked  []string
	cursor   int64
	pages    int
}

// pullAll pulls from since until More is false, applying pages as a
// device would, and checks every page keeps the protocol's promises.
func pullAll(t *testing.T, db *serverdb.DB, dev serverdb.Device, since int64, limit int) pulled {
	t.Helper()
	p := pulled{entities: map[string]protocol.Entity{}, cursor: since}
	for {
		page, err := db.Changes(t.Context(), dev, protocol.ChangesQuery{Since: p.cursor}, limit, time.Now())
		if err != nil {
			t.Fatalf("changes since %d: %v", p.cursor, err)
		}
		p.pages++
		seen := map[string]bool{}
		for _, e := range page.Entities {
			k := e.Entity + "/" + e.ID
			if seen[k] {
				t.Fatalf("page since %d has %s twice", p.cursor, k)
			}
			seen[k] = true
			if e.Deleted && len(e.Fields) > 0 {
				t.Errorf("deleted %s carries fields", k)
			}
			p.entities[k] = e
		}
		for _, child := range page.Revoked {
			for k, e := range p.entities {
				if e.ChildID == child {
					delete(p.entities, k)
				}
			}
		}
		p.revoked = append(p.revoked, page.Revoked...)
		if page.More && page.Cursor <= p.cursor {
			t.Fatalf("More with a cursor that did not advance: %d → %d", p.cursor, page.Cursor)
		}
		p.cursor = page.Cursor
		if !page.More {
			return p
		}
		if p.pages > 10000 {
			t.Fatal("pulling never ends")
		}
	}
}

// keys lists the records pulled, sorted.
func (p pulled) keys() []string {
	var out []string
	for k := range p.entities {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func field(t *testing.T, e protocol.Entity, name string) string {
	t.Helper()
	v, ok := e.Fields[name]
	if !ok {
		return "<missing>"
	}
	return string(v)
}

// raw opens the database behind dsn without serverdb, to poke at it as an
// attacker or a careless admin would.
func raw(t *testing.T, dsn string) (*sql.DB, func(string) string) {
	t.Helper()
	driver, source, rebind := "sqlite", dsn, func(q string) string { return q }
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
		rebind = func(q string) string {
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
			}
			return q
		}
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, rebind
}

// each is serverdbtest.Each with a fresh database opened.
func each(t *testing.T, fn func(t *testing.T, db *serverdb.DB, dsn string)) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		fn(t, serverdbtest.NewDB(t, dsn), dsn)
	})
}
