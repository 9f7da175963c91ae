package serverdb_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// batchScript is a run of ops in which later ones depend on earlier ones:
// parents created in the run, records updated, deleted and created again,
// repeated op ids, conflicts, and every allocation answer.
var batchScript = []protocol.Op{
	op("1", "child", "c2", "child.create", 0, `{"first_name":"Bea"}`),
	op("2", "review", "r2", "review.create", 0, `{"child_id":"c2","due":"2026-01-01"}`),
	op("3", "recommendation", "rec2", "recommendation.create", 0, `{"review_id":"r2","text":"t"}`),
	op("4", "progress", "p2", "progress.append", 0, `{"recommendation_id":"rec2","text":"n"}`),
	op("5", "child", "c2", "child.update", 1, `{"first_name":"Bee","home_la":"L"}`),
	op("2", "review", "r2", "review.create", 0, `{"child_id":"c2","due":"2026-01-01"}`),
	op("6", "review", "r2", "review.update", 0, `{"child_id":"c1"}`),
	op("7", "review", "r2", "review.delete", 1, `{}`),
	op("8", "review", "r2", "review.update", 1, `{"due":"2026-02-02"}`),
	op("9", "review", "r2", "review.create", 0, `{"child_id":"c2","due":"2026-03-03"}`),
	op("10", "review", "nope", "review.delete", 0, `{}`),
	op("11", "child", "c1", "child.update", 1, `{"first_name":"Mine","home_la":"B"}`),
	op("12", "child", "c1", "child.update", 1, `{"first_name":"Mine again"}`),
	op("13", "episode", "e3", "episode.create", 0, `{"child_id":"c3"}`),
	op("14", "episode", "ex", "episode.create", 0, `{"child_id":"x"}`),
	op("15", "episode", "ex2", "episode.create", 0, `{"child_id":"x"}`),
	op("16", "progress", "p9", "progress.append", 0, `{"recommendation_id":"ghost"}`),
	op("", "child", "c2", "child.update", 1, `{"first_name":"Nobody"}`),
	op("17", "attendee", "a1", "attendee.create", 0, `{"review_id":"r2"}`),
	op("18", "settings", "s1", "settings.create", 0, `{}`),
	op("19", "child", "c2", "child.create", 0, `{"first_name":"Again"}`),
	op("1", "child", "c2", "child.create", 0, `{"first_name":"Bea"}`),
	op("20", "child", "c2", "child.delete", 2, `{}`),
	op("21", "recommendation", "rec2", "recommendation.update", 1, `{"text":"u"}`),
	op("22", "review", "r1", "review.update", 1, `{"due":"2026-05-05"}`),
	op("23", "child", "c1", "child.delete", 3, `{}`),
	op("24", "child", "c1", "child.create", 0, `{"first_name":"Reborn"}`),
	op("25", "episode", "e5", "episode.create", 0, `{"child_id":5}`),
	op("26", "progress", "p7", "progress.append", 0, `{"recommendation_id":7}`),
	op("27", "challenge", "ch1", "challenge.raise", 0, `{"child_id":"c2"}`),
	op("28", "challenge_step", "st1", "challenge.step", 0, `{"challenge_id":"ch1"}`),
	op("29", "progress", "p2", "progress.update", 1, `{"text":"m","child_id":"c2"}`),
}

// batchWorld is a database with the state batchScript runs against: c1
// created and changed by another laptop, c3 taken out of the allocation
// after the laptop last pulled, x never allocated.
func batchWorld(t *testing.T, dsn string) (*serverdb.DB, serverdb.Device) {
	t.Helper()
	db := serverdbtest.NewDB(t, dsn)
	allocate(t, db, "ann", "c1", "c2", "c3")
	laptop, other := device(t, db, "ann", "laptop"), device(t, db, "ann", "desktop")
	push(t, db, other,
		op("o1", "child", "c1", "child.create", 0, `{"first_name":"Ada","home_la":"A"}`),
		op("o2", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
		op("o3", "child", "c1", "child.update", 1, `{"first_name":"Other"}`))
	pullAll(t, db, laptop, 0, 0)
	if err := db.Deallocate(t.Context(), "ann", "c3"); err != nil {
		t.Fatal(err)
	}
	return db, laptop
}

// dump is every row a push writes, in a stable order, devices named by
// their labels.
func dump(t *testing.T, sdb *serverdb.DB, dsn string) string {
	t.Helper()
	devices, err := sdb.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range devices {
		names = append(names, d.ID, d.Label)
	}
	db, _ := raw(t, dsn)
	var b strings.Builder
	for _, q := range []string{
		`SELECT entity, id, child_id, version, deleted, fields, field_meta, change_no FROM entity ORDER BY entity, id`,
		`SELECT device_id, op_id, hash, status, version, reason, conflicts, at FROM op_result ORDER BY device_id, op_id`,
		`SELECT n FROM counter`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return strings.NewReplacer(names...).Replace(b.String())
}

// Ops in one batch see each other's effects exactly as if each had been
// pushed alone: the same results, the same rows, the same change numbers.
func TestPushBatchIsOpsInOrder(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		aloneDSN, batchDSN := serverdbtest.Fresh(t, dsn), serverdbtest.Fresh(t, dsn)
		aloneDB, aloneDev := batchWorld(t, aloneDSN)
		batchDB, batchDev := batchWorld(t, batchDSN)

		for round := range 2 { // the second is a retry of the whole run
			var alone []protocol.Result
			for _, o := range batchScript {
				alone = append(alone, pushOne(t, aloneDB, aloneDev, o))
			}
			batched := push(t, batchDB, batchDev, batchScript...)
			if round == 0 {
				checkReachesEveryOutcome(t, batched)
			}
			for i := range batchScript {
				a, _ := json.Marshal(alone[i])
				b, _ := json.Marshal(batched[i])
				if string(a) != string(b) {
					t.Errorf("round %d, op %d (%s %s): alone %s, in a batch %s", round, i, batchScript[i].OpID, batchScript[i].Name, a, b)
				}
			}
			if a, b := dump(t, aloneDB, aloneDSN), dump(t, batchDB, batchDSN); a != b {
				t.Fatalf("round %d: pushed alone the server holds\n%s\nin a batch\n%s", round, a, b)
			}
		}
	})
}

// An op id reused within one batch fails it, and nothing of it stays.
func TestPushReusedWithinABatch(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, dsn string) {
		allocate(t, db, "ann", "c1")
		laptop := device(t, db, "ann", "laptop")
		before := dump(t, db, dsn)
		_, err := db.Push(t.Context(), laptop, protocol.PushRequest{Ops: []protocol.Op{
			op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`),
			op("2", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
			op("1", "child", "c1", "child.create", 0, `{"first_name":"Bea"}`),
		}}, t0)
		var reused *serverdb.OpReusedError
		if !errors.As(err, &reused) || reused.OpID != "1" {
			t.Fatalf("err = %v, want OpReusedError for op 1", err)
		}
		if after := dump(t, db, dsn); after != before {
			t.Fatalf("the failed batch left\n%s", after)
		}
	})
}

// checkReachesEveryOutcome: a script that never conflicts, say, proves less
// than it claims.
func checkReachesEveryOutcome(t *testing.T, rs []protocol.Result) {
	t.Helper()
	seen := map[protocol.Status]bool{}
	for _, r := range rs {
		seen[r.Status] = true
	}
	for _, s := range []protocol.Status{protocol.Applied, protocol.Conflict, protocol.Rejected, protocol.Duplicate} {
		if !seen[s] {
			t.Errorf("no op of the script was %s", s)
		}
	}
}

// A batch bigger than one statement can carry is split, not refused.
func TestPushBatchBeyondStatementLimits(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		laptop := device(t, db, "ann", "laptop")
		ops := []protocol.Op{op("c", "child", "c1", "child.create", 0, `{}`),
			op("r", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
			op("rec", "recommendation", "rec1", "recommendation.create", 0, `{"child_id":"c1","review_id":"r1"}`)}
		for i := range 4000 { // 8 parameters a row: more than one insert
			ops = append(ops, op(fmt.Sprintf("p%d", i), "progress", fmt.Sprintf("p%d", i), "progress.append", 0, `{"recommendation_id":"rec1"}`))
		}
		for _, r := range push(t, db, laptop, ops...) {
			if r.Status != protocol.Applied {
				t.Fatalf("%+v", r)
			}
		}
		if got := pullAll(t, db, laptop, 0, 0); len(got.entities) != len(ops) {
			t.Fatalf("pulled %d records, want %d", len(got.entities), len(ops))
		}
		for _, r := range push(t, db, laptop, ops...) {
			if r.Status != protocol.Duplicate {
				t.Fatalf("retry: %+v", r)
			}
		}
	})
}
