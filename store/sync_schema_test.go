package store

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
)

// The sync schema the server enforces is this laptop's tables: every field
// is a column of a type that holds it, NOT NULL exactly where the field
// cannot be null, and every column a pull may set is a field. A migration
// that adds or changes a synced column fails here until the schema says
// the same, so the two cannot drift.
func TestSyncSchemaIsTheLaptopsTables(t *testing.T) {
	db, _ := unlockedTestDB(t)
	err := db.Update(context.Background(), func(tx *Tx) error {
		tables, err := loadSyncTables(tx)
		if err != nil {
			return err
		}
		if len(tables) != len(syncschema.Entities()) {
			t.Errorf("%d tables sync, the schema has %d entities", len(tables), len(syncschema.Entities()))
		}
		for _, e := range syncschema.Entities() {
			tab := tables[e.Name]
			if tab == nil {
				t.Errorf("entity %s has no table", e.Name)
				continue
			}
			for _, f := range e.Fields {
				if f.Type == syncschema.Steps {
					if _, ok := tab.columns[f.Name]; ok {
						t.Errorf("%s.%s is a column, but the schema keeps it inside the record", e.Name, f.Name)
					}
					continue
				}
				c, ok := tab.columns[f.Name]
				if !ok {
					t.Errorf("%s.%s is in the schema but not a column", e.Name, f.Name)
					continue
				}
				if want := columnType(f, c.sealed); c.typ != want {
					t.Errorf("%s.%s is %s, the schema's %v needs %s", e.Name, f.Name, c.typ, f.Type, want)
				}
				if c.notNull == f.Nullable {
					t.Errorf("%s.%s: NOT NULL is %v, schema nullable is %v", e.Name, f.Name, c.notNull, f.Nullable)
				}
				if c.notNull != f.Required && f.Name != e.Key {
					t.Errorf("%s.%s: NOT NULL is %v, but required on create is %v", e.Name, f.Name, c.notNull, f.Required)
				}
			}
			for _, name := range tab.order {
				if _, settable := tab.field(name); !settable || (name == "created_at" && !e.AppendOnly) {
					continue
				}
				if _, ok := e.Field(name); !ok {
					t.Errorf("column %s.%s is not in the sync schema", e.Name, name)
				}
			}
			if e.AppendOnly == tab.versioned {
				t.Errorf("%s: append-only %v, but versioned %v", e.Name, e.AppendOnly, tab.versioned)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// columnType is the laptop column type a field needs.
func columnType(f syncschema.Field, sealed bool) string {
	switch {
	case sealed:
		return "BLOB"
	case f.Type == syncschema.Integer || f.Type == syncschema.Bool:
		return "INTEGER"
	case f.Type == syncschema.Number:
		return "REAL"
	}
	return "TEXT"
}

// A pulled record that does not fit the schema is set aside with the
// schema's plain reason (not SQLite's), and nothing of it is stored: the
// laptop's tables are as before, the set-aside list gains it.
func TestSyncPullChecksTheSyncSchema(t *testing.T) {
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 4}); err != nil {
		t.Fatal(err)
	}
	newReview := func(change func(f map[string]json.RawMessage)) protocol.Entity {
		r := c.Reviews[0]
		r.ID = "01900000-0000-7000-8000-00000000e001"
		return reviewEntity(c.ID, r, 1, change)
	}
	cases := []struct {
		name string
		e    protocol.Entity
		want string
	}{
		{"an object for a name", protocol.Entity{Entity: "child", ID: c.ID, ChildID: c.ID, Version: 9,
			Fields: map[string]json.RawMessage{"first_name": raw(`{"x":1}`)}}, "field first_name: want text"},
		{"a new review without its kind", newReview(func(f map[string]json.RawMessage) { delete(f, "kind") }), "a new review needs kind"},
		{"an impossible date", newReview(func(f map[string]json.RawMessage) { f["due"] = raw(`"2026-13-01"`) }), "want a date"},
		{"a field too large", newReview(func(f map[string]json.RawMessage) {
			f["location"] = json.RawMessage(`"` + strings.Repeat("x", syncschema.MaxFieldBytes) + `"`)
		}), "more than the"},
	}
	before := snapshot(t, db)
	for _, tc := range cases {
		stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 50, Entities: []protocol.Entity{tc.e}})
		if err != nil || stats.SetAside != 1 {
			t.Errorf("%s: %+v, %v; want it set aside", tc.name, stats, err)
		}
		after := snapshot(t, db)
		for _, bookkeeping := range []string{"sync_set_aside", "sync_state", "audit"} {
			delete(after, bookkeeping) // the list, the cursor and its audit line move
			delete(before, bookkeeping)
		}
		if !reflect.DeepEqual(after, before) {
			t.Errorf("%s: the record set aside left writes behind", tc.name)
		}
		aside, err := db.SetAsideRecords(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(aside, func(r SetAsideRecord) bool { return r.ID == tc.e.ID })
		if i < 0 || !strings.Contains(aside[i].Reason, tc.want) {
			t.Errorf("%s: set aside %+v, want %s with a reason saying %q", tc.name, aside, tc.e.ID, tc.want)
		}
	}
	// A field this laptop does not know is still ignored: a newer server
	// may keep more.
	known := newReview(func(f map[string]json.RawMessage) { f["colour"] = raw(`"blue"`) })
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 50, Entities: []protocol.Entity{known}}); err != nil {
		t.Fatalf("record with an unknown field: %v", err)
	}
}
