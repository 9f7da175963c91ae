package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
)

// TestSealedColumnsMatchSchema: every BLOB column the migrations create is
// either in sealedTables (which Check walks) or named as not sealed, and
// each sealed table's row-id column is a unique TEXT key. A migration that
// adds a sealed column fails here until the list knows it.
func TestSealedColumnsMatchSchema(t *testing.T) {
	db, _ := openTestDB(t)
	var blobs []string
	types := map[string]string{} // table.column → declared type
	for _, table := range tableNames(t, db) {
		rows, err := db.sql.Query("SELECT name, type FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			types[table+"."+name] = typ
			if strings.EqualFold(typ, "BLOB") {
				blobs = append(blobs, table+"."+name)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}

	listed := slices.Clone(unsealedBlobColumns)
	for _, st := range sealedTables {
		for _, col := range st.Columns {
			listed = append(listed, st.Table+"."+col)
		}
		if typ := types[st.Table+"."+st.RowID]; typ != "TEXT" {
			t.Errorf("%s: row-id column %s has type %q, want TEXT", st.Table, st.RowID, typ)
		}
		if !uniqueColumn(t, db, st.Table, st.RowID) {
			t.Errorf("%s: row-id column %s is neither the primary key nor UNIQUE, so it cannot name one row", st.Table, st.RowID)
		}
	}
	slices.Sort(blobs)
	slices.Sort(listed)
	if !slices.Equal(blobs, listed) {
		t.Errorf("BLOB columns in the schema:\n  %v\nsealed or known-unsealed columns in check.go:\n  %v", blobs, listed)
	}
}

// uniqueColumn reports whether column alone is table's primary key or has a
// UNIQUE index of its own.
func uniqueColumn(t *testing.T, db *DB, table, column string) bool {
	t.Helper()
	var pk int
	if err := db.sql.QueryRow("SELECT pk FROM pragma_table_info(?) WHERE name = ?", table, column).Scan(&pk); err != nil {
		t.Fatal(err)
	}
	var pkColumns int
	if err := db.sql.QueryRow("SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0", table).Scan(&pkColumns); err != nil {
		t.Fatal(err)
	}
	if pk > 0 && pkColumns == 1 {
		return true
	}
	var n int
	err := db.sql.QueryRow(`SELECT count(*) FROM pragma_index_list(?) AS il
		WHERE il."unique" AND (SELECT count(*) FROM pragma_index_info(il.name)) = 1
		AND (SELECT name FROM pragma_index_info(il.name)) = ?`, table, column).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// checkFixture is a closed database holding the 60-child demo caseload and,
// for one child, a row in every other sealed table, with the ids the damage
// cases aim at.
type checkFixture struct {
	path                            string
	first, second                   string // the first two children's ids
	reviewID, monitoringID, firstOp string
	indexPage, childPage, pageSize  int64
	childCount                      int
}

func newCheckFixture(t *testing.T) checkFixture {
	t.Helper()
	ctx := context.Background()
	db, path := unlockedTestDB(t)
	kids := demo.Caseload(calendar.D(2026, 11, 22), demo.DefaultChildren, demo.DefaultSeed)
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	f := checkFixture{path: path, first: kids[0].ID, second: kids[1].ID, childCount: len(kids)}
	var c child.Child
	for _, k := range kids {
		if len(k.Reviews) > 0 {
			c = k
			break
		}
	}
	f.reviewID = c.Reviews[0].ID
	sec := review.Section{Title: "Health"}
	rec := review.Recommendation{ReviewID: f.reviewID, Text: "Dental check", OwnerName: "Ms Social Worker"}
	mon := review.Monitoring{On: calendar.D(2026, 11, 1), Contact: "Phone", Checked: "Plan", Outcome: "Fine"}
	err := db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(
			tx.StartMeeting(f.reviewID, time.Now()), tx.SaveWishes(f.reviewID, "Wants to stay"), tx.SaveLetter(f.reviewID, "Dear"),
			tx.AddConsultation(f.reviewID, &review.Consultation{Name: "Carer", Summary: "Settled"}),
			tx.SaveChecklistItem(f.reviewID, &review.ChecklistItem{Topic: review.TopicHealth, Note: "Up to date"}),
			tx.AddAttendee(f.reviewID, &review.Attendee{Name: "Mr Carer", Role: "carer"}),
			tx.AddSection(f.reviewID, &sec), tx.AddRecommendation(c.ID, &rec), tx.AddMonitoring(c.ID, &mon),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.monitoringID = mon.ID
	err = db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(tx.AddProgress(rec.ID, &review.Progress{Text: "Booked", Chased: "Dentist"}), tx.SaveNotes(sec.ID, "Notes"))
	})
	if err != nil {
		t.Fatal(err)
	}
	d := calendar.D(2026, 11, 2)
	ch := raised(t, c.ID, d, sentTo(0, d))
	if err := db.RaiseChallengeNow(ctx, ch); err != nil {
		t.Fatal(err)
	}
	// Sync: an enrolment, a conflict the server left on the challenge's
	// op (the newest: the first op must stay pending for the damage cases),
	// a pulled section parked for want of its review and a pulled review
	// set aside for a kind this laptop does not know.
	if err := db.SaveEnrolment(ctx, "https://iro.example.test", "device-1", "iro-1", "token-Quillwort"); err != nil {
		t.Fatal(err)
	}
	var raiseOp string
	if err := db.sql.QueryRow("SELECT op_id FROM outbox ORDER BY seq DESC LIMIT 1").Scan(&raiseOp); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: raiseOp, Status: protocol.Conflict, Version: 2,
		Conflicts: map[string]json.RawMessage{"issue": json.RawMessage(`"Their issue"`)}}}); err != nil {
		t.Fatal(err)
	}
	orphan := protocol.Entity{Entity: "section", ID: "01900000-0000-7000-8000-00000000a001", ChildID: c.ID, Version: 1,
		Fields: map[string]json.RawMessage{"review_id": json.RawMessage(`"no-such-review"`), "position": json.RawMessage(`0`),
			"title": json.RawMessage(`"Later"`), "notes": json.RawMessage(`""`)}}
	odd := protocol.Entity{Entity: "review", ID: "01900000-0000-7000-8000-00000000a002", ChildID: c.ID, Version: 1,
		Fields: map[string]json.RawMessage{"child_id": json.RawMessage(`"` + c.ID + `"`), "kind": json.RawMessage(`"weekly"`)}}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 1, Entities: []protocol.Entity{orphan, odd}}); err != nil {
		t.Fatal(err)
	}
	for _, st := range sealedTables {
		var n int
		if err := db.sql.QueryRow("SELECT count(*) FROM " + st.Table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("fixture has no %s row, so the check of its sealed columns would prove nothing", st.Table)
		}
	}
	q := func(query string, dst any) {
		t.Helper()
		if err := db.sql.QueryRow(query).Scan(dst); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q("SELECT op_id FROM outbox ORDER BY seq LIMIT 1", &f.firstOp)
	q("SELECT rootpage FROM sqlite_schema WHERE name = 'outbox_entity'", &f.indexPage)
	q("SELECT rootpage FROM sqlite_schema WHERE name = 'child'", &f.childPage)
	q("PRAGMA page_size", &f.pageSize)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return f
}

// copyOf copies a closed database into the test's own directory.
func copyOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "iro.db")
	writeFile(t, dst, b)
	return dst
}

// openUnlocked opens and unlocks path, closing it when the test ends.
func openUnlocked(t *testing.T, path string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Unlock(ctx, passphrase); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCheckClean(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCheckFixture(t)
	db := openUnlocked(t, f.path)
	r, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 0 {
		t.Fatalf("a clean database has problems: %v", r.Problems)
	}
	var wantSealed, wantOps int
	for _, st := range sealedTables {
		var n int
		if err := db.sql.QueryRow("SELECT count(*) FROM " + st.Table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		wantSealed += n * len(st.Columns)
	}
	if err := db.sql.QueryRow("SELECT count(*) FROM outbox").Scan(&wantOps); err != nil {
		t.Fatal(err)
	}
	want := Report{Tables: len(tableNames(t, db)), SealedValues: wantSealed, OutboxOps: wantOps}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Check counted %+v, want %+v", r, want)
	}
	if wantSealed < 10*f.childCount {
		t.Errorf("only %d sealed values for %d children: the fixture changed shape", wantSealed, f.childCount)
	}

	db.Lock()
	if _, err := db.Check(ctx); !errors.Is(err, ErrLocked) {
		t.Errorf("Check while locked = %v, want ErrLocked", err)
	}
}

const (
	doesNotOpen = "does not open: it was altered, cut short or copied from another row"
	secretText  = "Secret-Payload-Quillwort-Ardent"
)

// TestCheckFindsDamage damages a copy of the fixture through a second
// connection (with foreign keys off, as any other SQLite tool would have
// them) and expects exactly the problems each damage causes.
func TestCheckFindsDamage(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	sealed := func(where string) Problem { return Problem{"sealed", where, doesNotOpen} }

	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, db *DB, raw *sql.DB) []Problem
	}{
		{"a byte flipped in a child's first name", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			flipByte(t, raw, "child", "first_name", "id", f.first)
			return []Problem{sealed("child.first_name of " + f.first)}
		}},
		{"a byte flipped in the meeting's wishes, sealed under its review's id", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			flipByte(t, raw, "meeting", "wishes", "review_id", f.reviewID)
			return []Problem{sealed("meeting.wishes of " + f.reviewID)}
		}},
		{"last names swapped between two children", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			var a, b []byte
			if err := raw.QueryRow("SELECT a.last_name, b.last_name FROM child AS a, child AS b WHERE a.id = ? AND b.id = ?",
				f.first, f.second).Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			exec(t, raw, "UPDATE child SET last_name = ? WHERE id = ?", b, f.first)
			exec(t, raw, "UPDATE child SET last_name = ? WHERE id = ?", a, f.second)
			return []Problem{sealed("child.last_name of " + f.first), sealed("child.last_name of " + f.second)}
		}},
		{"a monitoring outcome cut short", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE monitoring SET outcome = substr(outcome, 1, length(outcome) - 1) WHERE id = ?", f.monitoringID)
			return []Problem{sealed("monitoring.outcome of " + f.monitoringID)}
		}},
		{"a byte flipped in an outbox payload", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			flipByte(t, raw, "outbox", "payload", "op_id", f.firstOp)
			return []Problem{{"outbox", "outbox.payload of " + f.firstOp, doesNotOpen}}
		}},
		{"an outbox payload that opens but is not JSON", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE outbox SET payload = ? WHERE op_id = ?", db.key.Seal(outboxAAD(f.firstOp), []byte(secretText)), f.firstOp)
			return []Problem{{"outbox", "outbox.payload of " + f.firstOp, "opens but is not valid JSON"}}
		}},
		{"a pending op for a table that never syncs", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE outbox SET entity = 'holiday' WHERE op_id = ?", f.firstOp)
			return []Problem{{"outbox", "outbox op " + f.firstOp + " (seq 1)", `is pending for "holiday", which is not a table that syncs`}}
		}},
		{"a pending op for no table at all", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE outbox SET entity = 'kid' WHERE op_id = ?", f.firstOp)
			return []Problem{{"outbox", "outbox op " + f.firstOp + " (seq 1)", `is pending for "kid", which is not a table that syncs`}}
		}},
		{"an acknowledged op may name anything", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE outbox SET entity = 'kid', state = 'acked' WHERE op_id = ?", f.firstOp)
			return nil
		}},
		{"an unknown state and a repeated op id (outbox rebuilt without its constraints)", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "CREATE TABLE loose AS SELECT * FROM outbox")
			exec(t, raw, "DROP TABLE outbox")
			exec(t, raw, "ALTER TABLE loose RENAME TO outbox")
			exec(t, raw, `INSERT INTO outbox SELECT (SELECT max(seq) + 1 FROM outbox), op_id, entity, entity_id, op, payload,
				base_version, created_at, state, sent_at, reason, pulled_to, resent FROM outbox WHERE seq = 1`)
			exec(t, raw, "UPDATE outbox SET state = 'sent' WHERE seq = 1")
			var last int
			if err := raw.QueryRow("SELECT max(seq) FROM outbox").Scan(&last); err != nil {
				t.Fatal(err)
			}
			return []Problem{
				{"outbox", "outbox op " + f.firstOp + " (seq 1)", `has unknown state "sent"`},
				{"outbox", fmt.Sprintf("outbox op %s (seq %d)", f.firstOp, last), "has the same op id as seq 1"},
			}
		}},
		{"a plan inserted for a child who does not exist", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, `INSERT INTO cp_plan (id, child_id, version, created_at, updated_at, category)
				VALUES ('orphan-plan', 'no-such-child', 1, '', '', 'NEG')`)
			return []Problem{{"foreign key", "cp_plan orphan-plan", "refers to a child that does not exist"}}
		}},
		{"a meeting moved to a review that does not exist", func(t *testing.T, db *DB, raw *sql.DB) []Problem {
			exec(t, raw, "UPDATE meeting SET review_id = 'no-such-review' WHERE review_id = ?", f.reviewID)
			// Its sealed values were sealed under the old review id, so
			// they no longer open either.
			return []Problem{
				{"foreign key", "meeting no-such-review", "refers to a review that does not exist"},
				sealed("meeting.wishes of no-such-review"), sealed("meeting.letter of no-such-review"),
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := copyOf(t, f.path)
			db := openUnlocked(t, path)
			raw, err := sql.Open("sqlite", path) // no foreign_keys pragma: off
			if err != nil {
				t.Fatal(err)
			}
			want := tc.damage(t, db, raw)
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := db.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Problems, want) {
				t.Errorf("problems:\n  %v\nwant:\n  %v", r.Problems, want)
			}
			for _, p := range r.Problems {
				if strings.Contains(p.String(), secretText) {
					t.Errorf("problem %q holds a sealed value's plaintext", p)
				}
			}
		})
	}
}

// TestCheckFindsDamagedPages writes garbage over one page of the closed
// file: Check must report what SQLite's integrity check finds, and carry on
// rather than fail, whatever else it can no longer read.
func TestCheckFindsDamagedPages(t *testing.T) {
	t.Parallel()
	f := newCheckFixture(t)
	for _, tc := range []struct {
		name string
		page int64
	}{
		{"an index page", f.indexPage},
		{"the child table's root page", f.childPage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := copyOf(t, f.path)
			garble(t, path, (tc.page-1)*f.pageSize, int(f.pageSize))
			db := openUnlocked(t, path)
			r, err := db.Check(context.Background())
			if err != nil {
				t.Fatalf("Check = %v; a damaged page should be a problem in the report", err)
			}
			if !slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Area == "integrity" }) {
				t.Errorf("no integrity problem reported: %v", r.Problems)
			}
		})
	}
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// flipByte flips one bit of a byte inside the sealed box of one cell.
func flipByte(t *testing.T, db *sql.DB, table, column, key, id string) {
	t.Helper()
	var b []byte
	if err := db.QueryRow("SELECT "+column+" FROM "+table+" WHERE "+key+" = ?", id).Scan(&b); err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	exec(t, db, "UPDATE "+table+" SET "+column+" = ? WHERE "+key+" = ?", b, id)
}

// garble overwrites n bytes of the file at off with a pattern no page has.
func garble(t *testing.T, path string, off int64, n int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, n)
	for i := range junk {
		junk[i] = byte(i*31 + 7)
	}
	if _, err := f.WriteAt(junk, off); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
