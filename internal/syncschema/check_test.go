package syncschema_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
	"github.com/iro-app/iro/internal/syncschema/syncschematest"
)

// fields parses a JSON object for a table row.
func fields(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

// with is a complete create of entity with some fields set (over the
// completed ones) or removed (a value of "-").
func with(t *testing.T, entity, id string, set map[string]string) map[string]json.RawMessage {
	t.Helper()
	parents := map[string]json.RawMessage{}
	e, _ := syncschema.Lookup(entity)
	for _, f := range e.Refs() {
		if f.Required && f.Name != e.Key {
			parents[f.Name] = json.RawMessage(`"p1"`)
		}
	}
	m := syncschematest.Complete(entity, id, parents)
	for k, v := range set {
		if v == "-" {
			delete(m, k)
		} else {
			m[k] = json.RawMessage(v)
		}
	}
	return m
}

func TestCheckOp(t *testing.T) {
	big := `"` + strings.Repeat("x", 2_000_000) + `"`
	cases := []struct {
		name     string
		entity   string
		id       string
		kind     protocol.Kind
		fields   map[string]json.RawMessage
		want     string // "" for valid; else a part of the reason
		notQuote string // a value the reason must not repeat
	}{
		{"complete child", "child", "c1", protocol.KindCreate, with(t, "child", "c1", nil), "", ""},
		{"child with codes and dates", "child", "c1", protocol.KindCreate,
			with(t, "child", "c1", map[string]string{"sex": `"2"`, "ethnicity": `"WBRI"`, "dob": `"2015-01-02"`, "iro_allocated": `null`}), "", ""},
		{"object in a text field", "child", "c1", protocol.KindUpdate, fields(t, `{"first_name":{"x":1}}`), "field first_name: want text", ""},
		{"number in a text field", "child", "c1", protocol.KindUpdate, fields(t, `{"last_name":7}`), "want text", ""},
		{"review without kind", "review", "r1", protocol.KindCreate, with(t, "review", "r1", map[string]string{"kind": "-"}), "a new review needs kind", ""},
		{"review with an unknown kind", "review", "r1", protocol.KindCreate, with(t, "review", "r1", map[string]string{"kind": `"weekly"`}), "not one of its codes", "weekly"},
		{"empty kind", "review", "r1", protocol.KindUpdate, fields(t, `{"kind":""}`), "cannot be empty", ""},
		{"blank participation code", "review", "r1", protocol.KindUpdate, fields(t, `{"participation_code":""}`), "", ""},
		{"participation code", "review", "r1", protocol.KindUpdate, fields(t, `{"participation_code":"PN7"}`), "", ""},
		{"unknown participation code", "review", "r1", protocol.KindUpdate, fields(t, `{"participation_code":"PN8"}`), "not one of its codes", "PN8"},
		{"impossible date", "review", "r1", protocol.KindUpdate, fields(t, `{"due":"2026-02-30"}`), "want a date", "2026-02-30"},
		{"no date", "review", "r1", protocol.KindUpdate, fields(t, `{"due":""}`), "", ""},
		{"null date", "review", "r1", protocol.KindUpdate, fields(t, `{"due":null}`), "", ""},
		{"null in a required field", "review", "r1", protocol.KindUpdate, fields(t, `{"location":null}`), "cannot be null", ""},
		{"unknown field", "child", "c1", protocol.KindUpdate, fields(t, `{"name":"Ada"}`), `"name" is not a field of child`, "Ada"},
		{"whole number", "review", "r1", protocol.KindUpdate, fields(t, `{"sequence":3}`), "", ""},
		{"fraction for a whole number", "review", "r1", protocol.KindUpdate, fields(t, `{"sequence":1.5}`), "want a whole number", ""},
		{"too large a whole number", "review", "r1", protocol.KindUpdate, fields(t, `{"sequence":99999999999999999999}`), "want a whole number", ""},
		{"string for a whole number", "review", "r1", protocol.KindUpdate, fields(t, `{"sequence":"3"}`), "want a whole number", ""},
		{"below the minimum", "section", "s1", protocol.KindUpdate, fields(t, `{"position":-1}`), "must be 0 or more", ""},
		{"number out of range", "episode", "e1", protocol.KindUpdate, fields(t, `{"distance_miles":1e400}`), "want a number", ""},
		{"number", "episode", "e1", protocol.KindUpdate, fields(t, `{"distance_miles":12.5}`), "", ""},
		{"1 for a bool", "episode", "e1", protocol.KindUpdate, fields(t, `{"out_of_area":1}`), "want true or false", ""},
		{"bad timestamp", "meeting", "r1", protocol.KindUpdate, fields(t, `{"started_at":"2026-03-02 09:00"}`), "want a UTC timestamp", ""},
		{"timestamp", "meeting", "r1", protocol.KindUpdate, fields(t, `{"started_at":"2026-03-02T09:00:00.000000Z"}`), "", ""},
		{"meeting of another review", "meeting", "r1", protocol.KindCreate, with(t, "meeting", "r1", map[string]string{"review_id": `"r2"`}), "must be its own id", ""},
		{"2 MB field", "section", "s1", protocol.KindUpdate, map[string]json.RawMessage{"notes": json.RawMessage(big)}, "more than the 1048576 allowed", ""},
		{"1 MiB field", "section", "s1", protocol.KindUpdate, map[string]json.RawMessage{"notes": json.RawMessage(`"` + strings.Repeat("x", syncschema.MaxFieldBytes-2) + `"`)}, "", ""},
		{"not UTF-8", "section", "s1", protocol.KindUpdate, map[string]json.RawMessage{"notes": json.RawMessage("\"\xff\"")}, "not UTF-8", ""},
		{"empty parent id", "section", "s1", protocol.KindCreate, with(t, "section", "s1", map[string]string{"review_id": `""`}), "cannot be empty", ""},
		{"parent id not a string", "section", "s1", protocol.KindCreate, with(t, "section", "s1", map[string]string{"review_id": `5`}), "want an id", ""},
		{"optional parent", "challenge", "ch1", protocol.KindCreate, with(t, "challenge", "ch1", map[string]string{"review_id": `""`, "recommendation_id": `null`}), "", ""},
		{"delete", "review", "r1", protocol.KindDelete, fields(t, `{}`), "", ""},
		{"delete with fields", "review", "r1", protocol.KindDelete, fields(t, `{"due":""}`), "a delete carries no fields", ""},
		{"update of an entry in a history", "progress", "p1", protocol.KindUpdate, fields(t, `{"text":"x"}`), "append-only", ""},
		{"delete of an entry in a history", "challenge_step", "st1", protocol.KindDelete, fields(t, `{}`), "append-only", ""},
		{"progress without created_at", "progress", "p1", protocol.KindCreate, with(t, "progress", "p1", map[string]string{"created_at": "-"}), "needs created_at", ""},
		{"progress with an empty created_at", "progress", "p1", protocol.KindCreate, with(t, "progress", "p1", map[string]string{"created_at": `""`}), "cannot be empty", ""},
		{"step below the first", "challenge_step", "st1", protocol.KindCreate, with(t, "challenge_step", "st1", map[string]string{"seq": `0`}), "must be 1 or more", ""},
		{"Cafcass stage", "challenge_step", "st1", protocol.KindCreate, with(t, "challenge_step", "st1", map[string]string{"stage": `-1`}), "", ""},
		{"unsyncable entity", "settings", "s1", protocol.KindCreate, fields(t, `{}`), "not an entity that syncs", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := syncschema.CheckOp(c.entity, c.id, c.kind, c.fields)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted; want %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("reason %q, want it to say %q", err, c.want)
			case c.notQuote != "" && strings.Contains(err.Error(), c.notQuote):
				t.Fatalf("reason %q repeats the value", err)
			}
		})
	}
}

func TestCheckOpSteps(t *testing.T) {
	correcting := func(id string, seq int, challenge, corrects string) string {
		s := syncschematest.Complete("challenge_step", id, map[string]json.RawMessage{
			"challenge_id": mustJSON(t, challenge), "seq": mustJSON(t, seq), "corrects": mustJSON(t, corrects)})
		s["id"] = mustJSON(t, id)
		return string(mustJSON(t, s))
	}
	step := func(id string, seq int, challenge string) string { return correcting(id, seq, challenge, "") }
	cases := []struct {
		name, steps, want string
	}{
		{"none", `[]`, ""},
		{"two", "[" + step("s1", 1, "ch1") + "," + step("s2", 2, "ch1") + "]", ""},
		{"not a list", `{"id":"s1"}`, "want a list of steps"},
		{"not a record", `[1]`, "want a list of steps"},
		{"null step", `[null]`, "not a record"},
		{"no id", `[{"challenge_id":"ch1"}]`, "has no id"},
		{"same id twice", "[" + step("s1", 1, "ch1") + "," + step("s1", 2, "ch1") + "]", "repeats the id"},
		{"same place twice", "[" + step("s1", 1, "ch1") + "," + step("s2", 1, "ch1") + "]", "repeats the place"},
		{"another challenge's step", "[" + step("s1", 1, "ch2") + "]", "another challenge"},
		{"a correction of a step it has", "[" + step("s1", 1, "ch1") + "," + correcting("s2", 2, "ch1", "s1") + "]", ""},
		{"a correction of a step it lacks", "[" + correcting("s2", 1, "ch1", "s9") + "]", "not raised with"},
		{"a bad step", `[{"id":"s1","challenge_id":"ch1","seq":1,"kind":"phoned"}]`, "step 1: field kind is not one of its codes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := with(t, "challenge", "ch1", map[string]string{"steps": c.steps})
			err := syncschema.CheckOp("challenge", "ch1", protocol.KindCreate, m)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

// A pulled record may carry fields a newer server keeps: they are left to
// the laptop to ignore, while an op with one is refused.
func TestCheckRecordIgnoresUnknownFields(t *testing.T) {
	m := with(t, "child", "c1", map[string]string{"nickname": `"Ada"`})
	if err := syncschema.CheckRecord("child", "c1", m, true); err != nil {
		t.Fatalf("pulled record refused: %v", err)
	}
	if err := syncschema.CheckOp("child", "c1", protocol.KindCreate, m); err == nil {
		t.Fatal("op with an unknown field accepted")
	}
	delete(m, "first_name")
	if err := syncschema.CheckRecord("child", "c1", m, true); err == nil || !strings.Contains(err.Error(), "needs first_name") {
		t.Fatalf("new record without a required field: %v", err)
	}
	if err := syncschema.CheckRecord("child", "c1", m, false); err != nil {
		t.Fatalf("update of a record it has: %v", err)
	}
}

// Every code list comes from its domain package and none is empty; every
// reference names an entity that syncs.
func TestSchemaIsWhole(t *testing.T) {
	for _, e := range syncschema.Entities() {
		for _, f := range e.Fields {
			if f.Type == syncschema.Code && len(f.Codes) == 0 {
				t.Errorf("%s.%s has no codes", e.Name, f.Name)
			}
			if f.Ref != "" {
				if _, ok := syncschema.Lookup(f.Ref); !ok {
					t.Errorf("%s.%s names %q, which does not sync", e.Name, f.Name, f.Ref)
				}
			}
		}
		// What Complete fills in must itself be valid.
		parents := map[string]json.RawMessage{}
		for _, f := range e.Refs() {
			if f.Required {
				parents[f.Name] = json.RawMessage(`"p1"`)
			}
		}
		if e.Key != "" {
			parents[e.Key] = json.RawMessage(`"x1"`)
		}
		if err := syncschema.CheckOp(e.Name, "x1", protocol.KindCreate, syncschematest.Complete(e.Name, "x1", parents)); err != nil {
			t.Errorf("completed %s: %v", e.Name, err)
		}
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
