package serverdb_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
)

// step is one op pushed in a sequence, and what the server must answer.
type step struct {
	op            protocol.Op
	status        protocol.Status
	version       int64
	reason        string // a substring of Reason, for Rejected
	conflicts     map[string]string
	byOtherLaptop bool // pushed by the IRO's second laptop
}

// runSteps pushes each step alone, checking its result.
func runSteps(t *testing.T, db *serverdb.DB, laptop, other serverdb.Device, steps []step) {
	t.Helper()
	for i, s := range steps {
		dev := laptop
		if s.byOtherLaptop {
			dev = other
		}
		r := pushOne(t, db, dev, s.op)
		if r.OpID != s.op.OpID || r.Status != s.status || r.Version != s.version {
			t.Fatalf("step %d (%s %s): got %s v%d %q, want %s v%d", i, s.op.OpID, s.op.Name, r.Status, r.Version, r.Reason, s.status, s.version)
		}
		if s.status == protocol.Rejected && !strings.Contains(r.Reason, s.reason) {
			t.Fatalf("step %d: reason %q, want it to mention %q", i, r.Reason, s.reason)
		}
		got := map[string]string{}
		for f, v := range r.Conflicts {
			got[f] = string(v)
		}
		if len(got) != len(s.conflicts) {
			t.Fatalf("step %d: conflicts %v, want %v", i, got, s.conflicts)
		}
		for f, v := range s.conflicts {
			if got[f] != v {
				t.Fatalf("step %d: conflicts %v, want %v", i, got, s.conflicts)
			}
		}
	}
}

func TestPushCreateUpdateDelete(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		laptop := device(t, db, "ann", "laptop")
		runSteps(t, db, laptop, laptop, []step{
			{op: op("1", "child", "c1", "child.create", 0, `{"first_name": "Ada", "dob": "2015-01-02"}`), status: protocol.Applied, version: 1},
			{op: op("2", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`), status: protocol.Rejected, reason: "already exists"},
			{op: op("3", "review", "r1", "review.create", 0, `{"child_id":"c1","kind":"lac","due":"2026-04-01"}`), status: protocol.Applied, version: 1},
			{op: op("4", "review", "r1", "review.update", 1, `{"due":"2026-04-08"}`), status: protocol.Applied, version: 2},
			{op: op("5", "review", "r1", "review.update", 2, `{"due":"2026-04-08"}`), status: protocol.Applied, version: 2}, // nothing new
			{op: op("6", "review", "r2", "review.update", 0, `{"due":"2026-04-08"}`), status: protocol.Rejected, reason: "not on the server"},
			{op: op("7", "review", "r1", "review.update", 2, `{"child_id":"c2"}`), status: protocol.Rejected, reason: "another child"},
			{op: op("8", "review", "r1", "review.delete", 2, `{}`), status: protocol.Applied, version: 3},
			{op: op("9", "review", "r1", "review.delete", 3, `{}`), status: protocol.Applied, version: 3},
			{op: op("10", "review", "r1", "review.update", 3, `{"due":"2026-05-01"}`), status: protocol.Rejected, reason: "deleted"},
			{op: op("11", "review", "r9", "review.delete", 0, `{}`), status: protocol.Applied, version: 0},
			{op: op("12", "review", "r1", "review.create", 0, `{"child_id":"c1","kind":"cp"}`), status: protocol.Applied, version: 4},
			{op: op("13", "progress", "p1", "progress.append", 0, `{"recommendation_id":"nope"}`), status: protocol.Rejected, reason: "recommendation nope is not on the server"},
		})

		got := pullAll(t, db, laptop, 0, 0)
		child, review := got.entities["child/c1"], got.entities["review/r1"]
		if field(t, child, "first_name") != `"Ada"` || field(t, child, "dob") != `"2015-01-02"` || child.ChildID != "c1" {
			t.Errorf("child: %+v", child)
		}
		if review.Version != 4 || review.Deleted || field(t, review, "kind") != `"cp"` || field(t, review, "due") != "<missing>" {
			t.Errorf("re-created review: %+v", review)
		}
		if len(got.entities) != 2 {
			t.Errorf("pulled %v", got.keys())
		}
	})
}

func TestPushRejectsMalformedOps(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		laptop := device(t, db, "ann", "laptop")
		tests := []struct {
			name   string
			op     protocol.Op
			reason string
		}{
			{"no op id", op("", "child", "c1", "child.create", 0, `{}`), "no op_id"},
			{"no entity id", op("a", "child", "", "child.create", 0, `{}`), "names no entity"},
			{"unknown verb", op("b", "child", "c1", "child.frobnicate", 0, `{}`), "unknown operation"},
			{"negative base", op("c", "child", "c1", "child.update", -1, `{}`), "negative base"},
			{"payload not an object", op("d", "child", "c1", "child.create", 0, `[1,2]`), "not a JSON object"},
			{"payload missing", op("e", "child", "c1", "child.create", 0, ``), "not a JSON object"},
			{"unsyncable entity", op("f", "settings", "s1", "settings.create", 0, `{"child_id":"c1"}`), "not an entity"},
			{"bad field name", op("g", "child", "c1", "child.create", 0, `{"Name":"x"}`), "is not a field of child"},
			{"injected field name", op("h", "child", "c1", "child.create", 0, `{"a\" = 1; --":"x"}`), "is not a field of child"},
			{"child_id not a string", op("i", "review", "r1", "review.create", 0, `{"child_id":7}`), "field child_id: want an id"},
			{"no way to the child", op("j", "review", "r1", "review.create", 0, `{"kind":"lac"}`), "a new review needs child_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := pushOne(t, db, laptop, tt.op)
				if r.Status != protocol.Rejected || !strings.Contains(r.Reason, tt.reason) {
					t.Fatalf("got %s %q, want rejected for %q", r.Status, r.Reason, tt.reason)
				}
				if strings.Contains(r.Reason, `"x"`) {
					t.Errorf("the reason echoes a value: %q", r.Reason)
				}
			})
		}
		if got := pullAll(t, db, laptop, 0, 0); len(got.entities) != 0 {
			t.Fatalf("rejected ops left %v", got.keys())
		}
	})
}

func TestPushDuplicateReturnsStoredResult(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		laptop, other := device(t, db, "ann", "laptop"), device(t, db, "ann", "desktop")
		create := op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada","home_la":"A"}`)
		pushOne(t, db, laptop, create)
		pushOne(t, db, other, op("x", "child", "c1", "child.update", 1, `{"first_name":"Ada L"}`))
		conflicting := op("2", "child", "c1", "child.update", 1, `{"first_name":"Ada B","home_la":"B"}`)
		first := pushOne(t, db, laptop, conflicting)
		if first.Status != protocol.Conflict {
			t.Fatalf("setup: %+v", first)
		}
		rejected := op("3", "child", "c2", "child.create", 0, `{}`)
		pushOne(t, db, laptop, rejected)
		// Other changes land in between: a retry still gets the first answer.
		pushOne(t, db, other, op("y", "child", "c1", "child.update", 3, `{"first_name":"Ada C"}`))

		tests := []struct {
			name string
			op   protocol.Op
			want protocol.Result
		}{
			{"applied", create, protocol.Result{OpID: "1", Status: protocol.Duplicate, Original: protocol.Applied, Version: 1}},
			{"conflict, with its conflicts", conflicting, protocol.Result{OpID: "2", Status: protocol.Duplicate, Original: protocol.Conflict, Version: 3,
				Conflicts: map[string]json.RawMessage{"first_name": json.RawMessage(`"Ada L"`)}}},
			{"rejected, with its reason", rejected, protocol.Result{OpID: "3", Status: protocol.Duplicate, Original: protocol.Rejected, Reason: "child not in your allocation"}},
			{"whitespace and base version do not matter", rawOp("1", "child", "c1", "child.create", 7, " "+strings.ReplaceAll(string(create.Payload), ",", " ,\n ")+" "),
				protocol.Result{OpID: "1", Status: protocol.Duplicate, Original: protocol.Applied, Version: 1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := pushOne(t, db, laptop, tt.op)
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(tt.want)
				if string(gj) != string(wj) {
					t.Fatalf("got  %s\nwant %s", gj, wj)
				}
				if got.Outcome() != tt.want.Original {
					t.Fatalf("outcome %s", got.Outcome())
				}
			})
		}
		// The same op id from another device is that device's own op.
		if r := pushOne(t, db, other, op("1", "child", "c1", "child.update", 4, `{"home_la":"Z"}`)); r.Status != protocol.Applied {
			t.Fatalf("another device's op 1: %+v", r)
		}
		// An op repeated within one batch is a duplicate of itself.
		rs := push(t, db, laptop, op("4", "child", "c1", "child.update", 5, `{"home_la":"Q"}`), op("4", "child", "c1", "child.update", 5, `{"home_la":"Q"}`))
		if rs[0].Status != protocol.Applied || rs[1].Status != protocol.Duplicate || rs[1].Original != protocol.Applied {
			t.Fatalf("repeated in a batch: %+v", rs)
		}
	})
}

func TestPushReusedOpIDFailsTheWholeBatch(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		laptop := device(t, db, "ann", "laptop")
		pushOne(t, db, laptop, op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`))
		cursor := pullAll(t, db, laptop, 0, 0).cursor

		tests := []struct {
			name  string
			reuse protocol.Op
		}{
			{"different payload", op("1", "child", "c1", "child.create", 0, `{"first_name":"Bea"}`)},
			{"different op", op("1", "child", "c1", "child.update", 0, `{"first_name":"Ada"}`)},
			{"different entity id", op("1", "child", "c2", "child.create", 0, `{"first_name":"Ada"}`)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.Push(t.Context(), laptop, protocol.PushRequest{Ops: []protocol.Op{
					op("2", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
					op("3", "child", "c1", "child.update", 1, `{"first_name":"Cat"}`),
					tt.reuse,
				}}, t0)
				var reused *serverdb.OpReusedError
				if !errors.As(err, &reused) || reused.OpID != "1" {
					t.Fatalf("err = %v, want OpReusedError for op 1", err)
				}
				if got := pullAll(t, db, laptop, cursor, 0); len(got.entities) != 0 || got.cursor != cursor {
					t.Fatalf("the failed batch left %v, cursor %d → %d", got.keys(), cursor, got.cursor)
				}
			})
		}
		// Nothing of the batch was stored either: its ops apply afresh.
		if r := pushOne(t, db, laptop, op("3", "child", "c1", "child.update", 1, `{"first_name":"Cat"}`)); r.Status != protocol.Applied {
			t.Fatalf("op 3 after the failed batch: %+v", r)
		}
	})
}

func TestPushConflicts(t *testing.T) {
	const create = `{"first_name":"Ada","home_la":"A","sex":"2"}`
	tests := []struct {
		name  string
		steps []step
	}{
		{"another device changed the field after base", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"first_name":"Other"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("l1", "child", "c1", "child.update", 1, `{"first_name":"Mine"}`), status: protocol.Conflict, version: 2, conflicts: map[string]string{"first_name": `"Other"`}},
		}},
		{"another device changed a different field: they merge", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"first_name":"Other"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("l1", "child", "c1", "child.update", 1, `{"home_la":"B"}`), status: protocol.Applied, version: 3},
		}},
		{"partly conflicting: the rest applies", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"first_name":"Other"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("l1", "child", "c1", "child.update", 1, `{"first_name":"Mine","home_la":"B"}`), status: protocol.Conflict, version: 3, conflicts: map[string]string{"first_name": `"Other"`}},
		}},
		{"the same device never conflicts with itself", []step{
			{op: op("l1", "child", "c1", "child.update", 1, `{"first_name":"First"}`), status: protocol.Applied, version: 2},
			{op: op("l2", "child", "c1", "child.update", 1, `{"first_name":"Second"}`), status: protocol.Applied, version: 3},
		}},
		{"a base at or after the other change is no conflict", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"first_name":"Other"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("l1", "child", "c1", "child.update", 2, `{"first_name":"Mine"}`), status: protocol.Applied, version: 3},
		}},
		{"the same value both sides is no conflict", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"first_name":"Same"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("l1", "child", "c1", "child.update", 1, `{"first_name": "Same"}`), status: protocol.Applied, version: 2},
		}},
		{"a field the creator set conflicts for a device that never saw it", []step{
			{op: op("o1", "child", "c1", "child.update", 0, `{"sex":"1"}`), byOtherLaptop: true, status: protocol.Conflict, version: 1, conflicts: map[string]string{"sex": `"2"`}},
		}},
		{"a field nobody set is no conflict", []step{
			{op: op("o1", "child", "c1", "child.update", 0, `{"iro_allocated":"2026-01-05"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
		}},
		{"conflict with a deleted field's value keeps the server's", []step{
			{op: op("o1", "child", "c1", "child.update", 1, `{"iro_allocated":"2026-01-05"}`), byOtherLaptop: true, status: protocol.Applied, version: 2},
			{op: op("o2", "child", "c1", "child.update", 2, `{"iro_allocated":null}`), byOtherLaptop: true, status: protocol.Applied, version: 3},
			{op: op("l1", "child", "c1", "child.update", 1, `{"iro_allocated":"2026-01-06"}`), status: protocol.Conflict, version: 3, conflicts: map[string]string{"iro_allocated": `null`}},
		}},
	}
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		laptop, other := device(t, db, "ann", "laptop"), device(t, db, "ann", "desktop")
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				child := "c" + string(rune('a'+i))
				allocate(t, db, "ann", child)
				steps := []step{{op: op(child+"create", "child", child, "child.create", 0, create), status: protocol.Applied, version: 1}}
				for _, s := range tt.steps {
					s.op.EntityID, s.op.OpID = child, child+s.op.OpID
					steps = append(steps, s)
				}
				runSteps(t, db, laptop, other, steps)
			})
		}
		// The server's value survives a conflict: pull and look.
		got := pullAll(t, db, laptop, 0, 0).entities["child/ca"]
		if field(t, got, "first_name") != `"Other"` {
			t.Fatalf("after a conflict the server holds %s", field(t, got, "first_name"))
		}
		merged := pullAll(t, db, laptop, 0, 0).entities["child/cb"]
		if field(t, merged, "first_name") != `"Other"` || field(t, merged, "home_la") != `"B"` || merged.Version != 3 {
			t.Fatalf("merged: %+v", merged)
		}
	})
}

func TestPushAllocationEnforcement(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "mine")
		allocate(t, db, "bob", "theirs")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		// Each IRO's own records, for the other to aim at.
		for _, s := range []struct {
			dev   serverdb.Device
			child string
		}{{ann, "mine"}, {bob, "theirs"}} {
			rs := push(t, db, s.dev,
				op(s.child+"1", "child", s.child, "child.create", 0, `{}`),
				op(s.child+"2", "review", "review-"+s.child, "review.create", 0, `{"child_id":"`+s.child+`"}`),
				op(s.child+"3", "recommendation", "rec-"+s.child, "recommendation.create", 0, `{"child_id":"`+s.child+`","review_id":"review-`+s.child+`"}`),
				op(s.child+"4", "challenge", "ch-"+s.child, "challenge.raise", 0, `{"child_id":"`+s.child+`"}`),
			)
			for _, r := range rs {
				if r.Status != protocol.Applied {
					t.Fatalf("setup: %+v", r)
				}
			}
		}
		tests := []struct {
			name     string
			op       protocol.Op
			mineOK   bool // the op aimed at ann's own child
			theirsOp protocol.Op
		}{
			{"child create: its own id", op("a", "child", "new-mine", "child.create", 0, `{}`), false,
				op("a", "child", "new-theirs", "child.create", 0, `{}`)},
			{"child_id", op("b", "episode", "ep-mine", "episode.create", 0, `{"child_id":"mine"}`), true,
				op("b", "episode", "ep-theirs", "episode.create", 0, `{"child_id":"theirs"}`)},
			{"review_id", op("c", "attendee", "at-mine", "attendee.create", 0, `{"review_id":"review-mine"}`), true,
				op("c", "attendee", "at-theirs", "attendee.create", 0, `{"review_id":"review-theirs"}`)},
			{"recommendation_id", op("d", "progress", "p-mine", "progress.append", 0, `{"recommendation_id":"rec-mine"}`), true,
				op("d", "progress", "p-theirs", "progress.append", 0, `{"recommendation_id":"rec-theirs"}`)},
			{"challenge_id", op("e", "challenge_step", "s-mine", "challenge.step", 0, `{"challenge_id":"ch-mine"}`), true,
				op("e", "challenge_step", "s-theirs", "challenge.step", 0, `{"challenge_id":"ch-theirs"}`)},
			{"child_id and review_id", op("f", "recommendation", "rec2-mine", "recommendation.create", 0, `{"child_id":"mine","review_id":"review-mine"}`), true,
				op("f", "recommendation", "rec2-theirs", "recommendation.create", 0, `{"child_id":"theirs","review_id":"review-mine"}`)},
			{"update of an existing record", op("g", "review", "review-mine", "review.update", 1, `{"due":"2026-05-01"}`), true,
				op("g", "review", "review-theirs", "review.update", 1, `{"due":"2026-05-01"}`)},
			{"update cannot borrow a child_id", op("h", "challenge", "ch-mine", "challenge.update", 1, `{"issue":"n"}`), true,
				op("h", "challenge", "ch-theirs", "challenge.update", 1, `{"child_id":"mine"}`)},
			{"delete of an existing record", op("i", "recommendation", "rec-mine", "recommendation.delete", 1, `{}`), true,
				op("i", "recommendation", "rec-theirs", "recommendation.delete", 1, `{}`)},
			{"create over another IRO's record", op("j", "episode", "ep-x", "episode.create", 0, `{"child_id":"mine"}`), true,
				op("j", "review", "review-theirs", "review.create", 0, `{"child_id":"mine"}`)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.mineOK {
					if r := pushOne(t, db, ann, tt.op); r.Status != protocol.Applied {
						t.Fatalf("own child: %+v", r)
					}
				} else if r := pushOne(t, db, ann, tt.op); r.Status != protocol.Rejected || r.Reason != "child not in your allocation" {
					t.Fatalf("unallocated child: %+v", r)
				}
				tt.theirsOp.OpID += "-theirs"
				r := pushOne(t, db, ann, tt.theirsOp)
				if r.Status != protocol.Rejected {
					t.Fatalf("another IRO's child: %+v", r)
				}
			})
		}
		// bob's records are exactly as bob left them.
		got := pullAll(t, db, bob, 0, 0)
		want := "challenge/ch-theirs child/theirs recommendation/rec-theirs review/review-theirs"
		if strings.Join(got.keys(), " ") != want {
			t.Fatalf("bob holds %v", got.keys())
		}
		for _, e := range got.entities {
			if e.Version != 1 || e.Deleted {
				t.Errorf("bob's %s/%s was changed: %+v", e.Entity, e.ID, e)
			}
		}
	})
}
