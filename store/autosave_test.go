package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// sectionOp is one outbox row for a section, whatever its state.
type sectionOp struct {
	Seq         int64
	OpID        string
	Name, State string
	BaseVersion int
	Payload     map[string]any
}

func opsOf(t *testing.T, db *DB, entityID string) []sectionOp {
	t.Helper()
	rows, err := db.sql.Query(`SELECT seq, op_id, op, state, base_version, payload FROM outbox
		WHERE entity = 'section' AND entity_id = ? ORDER BY seq`, entityID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ops []sectionOp
	for rows.Next() {
		var (
			op     sectionOp
			sealed []byte
		)
		if err := rows.Scan(&op.Seq, &op.OpID, &op.Name, &op.State, &op.BaseVersion, &sealed); err != nil {
			t.Fatal(err)
		}
		payload, err := db.key.Open(outboxAAD(op.OpID), sealed)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(payload, &op.Payload); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, op)
	}
	return ops
}

func sectionVersion(t *testing.T, db *DB, id string) int {
	t.Helper()
	var v int
	if err := db.sql.QueryRow("SELECT version FROM section WHERE id = ?", id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// wantOp is an expected op of a section: name, state, base version and
// payload.
type wantOp struct {
	name, state string
	base        int
	payload     map[string]any
}

func TestSaveNotesCoalescing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	rv := c.Reviews[0].ID
	a := &review.Section{Title: "Health"}
	b := &review.Section{Position: 1, Title: "Education"}
	if err := db.Update(ctx, func(tx *Tx) error { return errorsJoin(tx.AddSection(rv, a), tx.AddSection(rv, b)) }); err != nil {
		t.Fatal(err)
	}
	save := func(id, text string) func(tx *Tx) error {
		return func(tx *Tx) error { return tx.SaveNotes(id, text) }
	}
	created := wantOp{"section.create", "pending", 0, map[string]any{"review_id": rv, "position": 0.0, "title": "Health", "notes": ""}}
	notes := func(state string, base int, text string) wantOp {
		return wantOp{"section.update", state, base, map[string]any{"notes": text}}
	}
	lastOps := opsOf(t, db, a.ID)
	for _, tc := range []struct {
		name        string
		before      func(t *testing.T) // outside the SaveNotes transaction
		write       func(tx *Tx) error
		wantErr     bool
		want        []wantOp
		wantVersion int
		kept        int // this many leading ops keep their seq and op id from the step before
	}{
		{"a create is newest: append", nil, save(a.ID, "one"), false,
			[]wantOp{created, notes("pending", 1, "one")}, 2, 1},
		{"a pending notes op is newest: replace it", nil, save(a.ID, "two"), false,
			[]wantOp{created, notes("pending", 1, "two")}, 2, 2},
		{"the same text again: nothing", nil, save(a.ID, "two"), false,
			[]wantOp{created, notes("pending", 1, "two")}, 2, 2},
		{"another entity's op in between does not count", nil, func(tx *Tx) error {
			return errorsJoin(tx.AddAttendee(rv, &review.Attendee{Name: "Nan"}), tx.SaveNotes(a.ID, "three"))
		}, false, []wantOp{created, notes("pending", 1, "three")}, 2, 2},
		{"another section's notes are its own", nil, save(b.ID, "b's notes"), false,
			[]wantOp{created, notes("pending", 1, "three")}, 2, 2},
		{"a failed save changes neither row nor op", func(t *testing.T) {
			t.Cleanup(failOutbox(t, db)) // restored when this step ends
		}, save(a.ID, "lost"), true, []wantOp{created, notes("pending", 1, "three")}, 2, 2},
		{"a rename appends its own section.update", nil, func(tx *Tx) error {
			s := *a
			s.Version, s.Title = 2, "Health and teeth"
			return tx.UpdateSection(&s)
		}, false, []wantOp{created, notes("pending", 1, "three"),
			{"section.update", "pending", 2, map[string]any{"title": "Health and teeth"}}}, 3, 2},
		{"notes after a rename join it, keeping the title", nil, save(a.ID, "four"), false,
			[]wantOp{created, notes("pending", 1, "three"),
				{"section.update", "pending", 2, map[string]any{"title": "Health and teeth", "notes": "four"}}}, 3, 3},
		{"the newest op was sent and acked: append", func(t *testing.T) {
			if _, err := db.sql.Exec("UPDATE outbox SET state = 'acked' WHERE state = 'pending'"); err != nil {
				t.Fatal(err)
			}
		}, save(a.ID, "five"), false, []wantOp{
			{created.name, "acked", 0, created.payload}, notes("acked", 1, "three"),
			{"section.update", "acked", 2, map[string]any{"title": "Health and teeth", "notes": "four"}},
			notes("pending", 3, "five")}, 4, 3},
		{"the newest op was rejected: append", func(t *testing.T) {
			if _, err := db.sql.Exec("UPDATE outbox SET state = 'rejected' WHERE seq = (SELECT max(seq) FROM outbox WHERE entity_id = ?)", a.ID); err != nil {
				t.Fatal(err)
			}
		}, save(a.ID, "six"), false, []wantOp{
			{created.name, "acked", 0, created.payload}, notes("acked", 1, "three"),
			{"section.update", "acked", 2, map[string]any{"title": "Health and teeth", "notes": "four"}},
			notes("rejected", 3, "five"), notes("pending", 4, "six")}, 5, 4},
		{"and the op after it is replaced again", nil, save(a.ID, "seven"), false, []wantOp{
			{created.name, "acked", 0, created.payload}, notes("acked", 1, "three"),
			{"section.update", "acked", 2, map[string]any{"title": "Health and teeth", "notes": "four"}},
			notes("rejected", 3, "five"), notes("pending", 4, "seven")}, 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before(t)
			}
			before := snapshot(t, db)
			err := db.Update(ctx, tc.write)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Update = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr && !reflect.DeepEqual(snapshot(t, db), before) {
				t.Fatal("the failed save changed the database")
			}
			ops := opsOf(t, db, a.ID)
			var got []wantOp
			for _, op := range ops {
				got = append(got, wantOp{op.Name, op.State, op.BaseVersion, op.Payload})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ops of the section\n got %v\nwant %v", got, tc.want)
			}
			for i := range tc.kept {
				if ops[i].Seq != lastOps[i].Seq || ops[i].OpID != lastOps[i].OpID {
					t.Errorf("op %d moved or changed id: %+v, was %+v", i, ops[i], lastOps[i])
				}
			}
			if v := sectionVersion(t, db, a.ID); v != tc.wantVersion {
				t.Errorf("section version = %d, want %d", v, tc.wantVersion)
			}
			lastOps = ops
		})
	}
	m, err := db.Meeting(ctx, rv)
	if err != nil || len(m.Sections) != 2 || m.Sections[0].Notes != "seven" || m.Sections[1].Notes != "b's notes" {
		t.Fatalf("sections read back = %+v, %v", m.Sections, err)
	}
	if got := opsOf(t, db, b.ID); len(got) != 2 || got[1].Payload["notes"] != "b's notes" {
		t.Errorf("ops of the other section = %+v", got)
	}
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestSaveNotesHundredTimes types into a section whose create has already
// been synced: a hundred autosaves leave one pending op, holding the last text.
func TestSaveNotesHundredTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	s := &review.Section{Title: "Plan"}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.AddSection(c.Reviews[0].ID, s) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.Exec("UPDATE outbox SET state = 'acked'"); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for i := range 100 {
		fmt.Fprintf(&text, "word%d ", i)
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveNotes(s.ID, text.String()) }); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	ops, err := db.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0].EntityID != s.ID || ops[0].Name != "section.update" || ops[0].BaseVersion != 1 {
		t.Fatalf("pending ops = %+v, want one section.update", ops)
	}
	var payload map[string]string
	if err := json.Unmarshal(ops[0].Payload, &payload); err != nil || !reflect.DeepEqual(payload, map[string]string{"notes": text.String()}) {
		t.Fatalf("payload = %q, %v; want the last text", ops[0].Payload, err)
	}
	m, err := db.Meeting(ctx, c.Reviews[0].ID)
	if err != nil || m.Sections[0].Notes != text.String() || m.Sections[0].Version != 2 {
		t.Fatalf("section = %+v, %v", m.Sections, err)
	}
}

// noteText is about n bytes of prose.
func noteText(n int) string {
	words := []string{"Alfie", "said", "he", "is", "happy", "at", "school", "and", "wants", "to", "see", "his", "nan", "more", "often."}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()[:n]
}

// BenchmarkSaveNotes is the autosave path: one transaction per save, each
// text differing from the last (as typing makes it), on a file database
// with synchronous=FULL. Budget: 5 ms p99 for a note of a few KB.
func BenchmarkSaveNotes(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "iro.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Initialise(ctx, []byte("benchmark passphrase"), true, vault.MinParams); err != nil {
		b.Fatal(err)
	}
	c := addCycleChild(b, db)
	for _, size := range []struct {
		name  string
		bytes int
	}{{"2KB", 2 << 10}, {"300KB", 300 << 10}} {
		b.Run(size.name, func(b *testing.B) {
			s := &review.Section{Title: size.name}
			if err := db.Update(ctx, func(tx *Tx) error { return tx.AddSection(c.Reviews[0].ID, s) }); err != nil {
				b.Fatal(err)
			}
			base := noteText(size.bytes)
			var took []time.Duration
			i := 0
			for b.Loop() {
				i++
				text := fmt.Sprintf("%s%08d", base[:len(base)-8], i)
				t0 := time.Now()
				if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveNotes(s.ID, text) }); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

func TestNotesOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		payload any // marshalled by encoding/json, as the outbox's are
		want    bool
	}{
		{"plain notes", notesPayload{"Alfie is well"}, true},
		{"empty notes", notesPayload{""}, true},
		{"quotes and braces inside", notesPayload{`He said "no" } {"title":"x"}`}, true},
		{"ends with a backslash", notesPayload{`C:\`}, true},
		{"ends with an escaped quote", notesPayload{`say "`}, true},
		{"html and unicode escapes", notesPayload{"<b>&</b> \u2028 é \x01"}, true},
		{"notes with a title", map[string]string{"notes": `a"}`, "title": "b"}, false},
		{"notes with a position", map[string]any{"notes": `\`, "position": 2}, false},
		{"a title only", map[string]string{"title": `{"notes":"x"}`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			if got := notesOnly(b); got != tc.want {
				t.Errorf("notesOnly(%s) = %v, want %v", b, got, tc.want)
			}
		})
	}
	for _, raw := range []string{`{"notes":"unterminated`, `{"notes":"`, `{"notes":"x"`, `{"notes":"x"}}`} {
		if notesOnly([]byte(raw)) {
			t.Errorf("notesOnly(%s) = true", raw)
		}
	}
}
