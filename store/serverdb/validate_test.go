package serverdb_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema/syncschematest"
	"github.com/iro-app/iro/store/serverdb"
)

// complete is a create's payload with every required field it lacks
// filled in, and those named in drop removed.
func complete(entity, id, payload string, drop ...string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(syncschematest.CompleteJSON(entity, id, payload), &m); err != nil {
		panic(err)
	}
	for _, f := range drop {
		delete(m, f)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// raisedStep is a whole step as a challenge.raise carries it, with its id.
func raisedStep(id, payload string) string {
	return complete("challenge_step", id, strings.Replace(payload, "{", `{"id":"`+id+`",`, 1))
}

// Issue 11 item 2: the server stored any JSON in any field and partial
// creates, which every other laptop then failed to apply on each pull.
// Each op that does not fit the schema is rejected with a plain reason and
// nothing of it is stored.
func TestPushRejectsWhatALaptopCannotApply(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, dsn string) {
		ann := device(t, db, "ann", "laptop")
		allocate(t, db, "ann", "c1")
		ok := []protocol.Op{
			{OpID: "1", Entity: "child", EntityID: "c1", Name: "child.create", Payload: json.RawMessage(complete("child", "c1", `{"first_name":"Ada"}`))},
			{OpID: "2", Entity: "review", EntityID: "r0", Name: "review.create", Payload: json.RawMessage(complete("review", "r0", `{"child_id":"c1"}`))},
		}
		for _, r := range push(t, db, ann, ok...) {
			if r.Status != protocol.Applied {
				t.Fatalf("valid op: %+v", r)
			}
		}
		before := pullAll(t, db, ann, 0, 0)

		cases := []struct {
			name string
			op   protocol.Op
			want string
		}{
			{"an object for a name", protocol.Op{Entity: "child", EntityID: "c1", Name: "child.update", BaseVersion: 1,
				Payload: json.RawMessage(`{"first_name":{"x":1}}`)}, "field first_name: want text"},
			{"a review without its kind", protocol.Op{Entity: "review", EntityID: "r1", Name: "review.create",
				Payload: json.RawMessage(complete("review", "r1", `{"child_id":"c1"}`, "kind"))}, "a new review needs kind"},
			{"a review of an unknown kind", protocol.Op{Entity: "review", EntityID: "r2", Name: "review.create",
				Payload: json.RawMessage(complete("review", "r2", `{"child_id":"c1","kind":"weekly"}`))}, "kind is not one of its codes"},
			{"an impossible date", protocol.Op{Entity: "review", EntityID: "r0", Name: "review.update", BaseVersion: 1,
				Payload: json.RawMessage(`{"due":"2026-02-30"}`)}, "want a date"},
			{"a field the record does not have", protocol.Op{Entity: "child", EntityID: "c1", Name: "child.update", BaseVersion: 1,
				Payload: json.RawMessage(`{"nickname":"x"}`)}, `"nickname" is not a field of child`},
			{"a delete with fields", protocol.Op{Entity: "review", EntityID: "r0", Name: "review.delete", BaseVersion: 1,
				Payload: json.RawMessage(`{"due":""}`)}, "a delete carries no fields"},
			{"a changed entry in a history", protocol.Op{Entity: "progress", EntityID: "p1", Name: "progress.update", BaseVersion: 1,
				Payload: json.RawMessage(`{"text":"x"}`)}, "append-only"},
		}
		for i, c := range cases {
			c.op.OpID = "bad-" + string(rune('a'+i))
			r := pushOne(t, db, ann, c.op)
			if r.Status != protocol.Rejected || !strings.Contains(r.Reason, c.want) {
				t.Errorf("%s: %+v, want rejected saying %q", c.name, r, c.want)
			}
		}
		after := pullAll(t, db, ann, 0, 0)
		if strings.Join(after.keys(), " ") != strings.Join(before.keys(), " ") {
			t.Errorf("records after the rejected ops: %v, want %v", after.keys(), before.keys())
		}
		for k, e := range before.entities {
			if a := after.entities[k]; a.Version != e.Version || field(t, a, "first_name") != field(t, e, "first_name") {
				t.Errorf("%s changed: %+v → %+v", k, e, a)
			}
		}
	})
}

// What the laptop's foreign and unique keys hold, the server holds: a
// record that named a missing parent, another child's parent or a taken
// unique key would be set aside by every laptop, and a delete that left
// what names it would leave orphans.
func TestPushKeepsRecordsWhole(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		ann := device(t, db, "ann", "laptop")
		allocate(t, db, "ann", "c1", "c2")
		setup := []protocol.Op{
			op("s1", "child", "c1", "child.create", 0, `{}`),
			op("s2", "child", "c2", "child.create", 0, `{}`),
			op("s3", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
			op("s4", "review", "r2", "review.create", 0, `{"child_id":"c2"}`),
			op("s5", "document", "d1", "document.create", 0, `{"review_id":"r1","kind":"pep"}`),
			op("s6", "section", "se1", "section.create", 0, `{"review_id":"r1"}`),
			op("s7", "recommendation", "rec1", "recommendation.create", 0, `{"child_id":"c1","review_id":"r1"}`),
			op("s8", "progress", "p1", "progress.append", 0, `{"recommendation_id":"rec1"}`),
			op("s9", "review", "r3", "review.create", 0, `{"child_id":"c1"}`),
			op("s10", "challenge", "ch1", "challenge.raise", 0, `{"child_id":"c1","review_id":"r3","steps":[`+
				raisedStep("st1", `{"challenge_id":"ch1","seq":1}`)+`]}`),
			op("s11", "challenge", "ch2", "challenge.raise", 0, `{"child_id":"c1"}`),
		}
		for _, r := range push(t, db, ann, setup...) {
			if r.Status != protocol.Applied {
				t.Fatalf("setup: %+v", r)
			}
		}
		cases := []struct {
			name string
			op   protocol.Op
			want string // "" for applied
		}{
			{"a parent not on the server", op("a", "section", "se2", "section.create", 0, `{"review_id":"r9"}`), "review r9 is not on the server"},
			{"a parent of another child", op("b", "recommendation", "rec2", "recommendation.create", 0, `{"child_id":"c1","review_id":"r2"}`), "review r2 belongs to another child"},
			{"a second document of a kind", op("c", "document", "d2", "document.create", 0, `{"review_id":"r1","kind":"pep"}`), "already has this review_id and kind"},
			{"a document of another kind", op("d", "document", "d3", "document.create", 0, `{"review_id":"r1","kind":"care_plan"}`), ""},
			{"a step in a raised step's place", op("e", "challenge_step", "st2", "challenge.step", 0, `{"challenge_id":"ch1","seq":1}`), "already has this challenge_id and seq"},
			{"a correction of a raised step", op("f", "challenge_step", "st3", "challenge.step", 0, `{"challenge_id":"ch1","seq":2,"kind":"correction","corrects":"st1"}`), ""},
			{"a correction of another challenge's step", op("g", "challenge_step", "st4", "challenge.step", 0, `{"challenge_id":"ch2","seq":1,"kind":"correction","corrects":"st1"}`), "names no step of its challenge"},
			{"a section moved to another review", op("h", "section", "se1", "section.update", 1, `{"review_id":"r3"}`), "review_id cannot change"},
			{"a challenge's first steps rewritten", op("i", "challenge", "ch2", "challenge.update", 1, `{"steps":[]}`), "steps cannot change"},
			{"a review a challenge names", op("j", "review", "r3", "review.delete", 1, `{}`), "challenge ch1 names it"},
			{"a review with what hangs off it", op("k", "review", "r1", "review.delete", 1, `{}`), ""},
		}
		for _, c := range cases {
			r := pushOne(t, db, ann, c.op)
			switch {
			case c.want == "" && r.Status != protocol.Applied:
				t.Errorf("%s: %+v, want applied", c.name, r)
			case c.want != "" && (r.Status != protocol.Rejected || !strings.Contains(r.Reason, c.want)):
				t.Errorf("%s: %+v, want rejected saying %q", c.name, r, c.want)
			}
		}
		// The review went with everything that named it, as on a laptop.
		got := pullAll(t, db, ann, 0, 0)
		for _, k := range []string{"review/r1", "document/d1", "document/d3", "section/se1", "recommendation/rec1", "progress/p1"} {
			if e, ok := got.entities[k]; !ok || !e.Deleted {
				t.Errorf("%s after its review was deleted: %+v", k, e)
			}
		}
		for _, k := range []string{"review/r3", "challenge/ch1", "review/r2"} {
			if e := got.entities[k]; e.Deleted {
				t.Errorf("%s was deleted", k)
			}
		}
	})
}
