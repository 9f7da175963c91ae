package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
	"github.com/iro-app/iro/internal/syncschema/syncschematest"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store/serverdb"
)

// FuzzServerStoresOnlyWhatALaptopApplies is the acceptance check of issue
// 11 item 2: random ops from a valid enrolled device, pushed to the server
// (SQLite); whatever it accepts, a fresh laptop then pulls, and every page
// must apply with nothing set aside (parked, kept or skipped) and the
// child must read back. The input is a program: each op takes a few bytes
// choosing the entity, what it does, which record and which fields get
// which values, from pools of valid values and of the malformed ones seen
// in the wild (objects for names, missing kinds, impossible dates, unknown
// codes, fields too large, parents of another child).
//
//	go test ./store/ -run '^$' -fuzz FuzzServerStoresOnlyWhatALaptopApplies -fuzztime 60s
func FuzzServerStoresOnlyWhatALaptopApplies(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	h := newFuzzHarness(f)
	var n int
	f.Fuzz(func(t *testing.T, program []byte) {
		n++
		h.run(t, n, program)
	})
}

// fuzzSeeds are programs for the reproduced cases and a few whole
// records, in the encoding fuzzProgram reads.
func fuzzSeeds() [][]byte {
	e := func(name string) byte {
		return byte(slices.IndexFunc(syncschema.Entities(), func(x *syncschema.Entity) bool { return x.Name == name }))
	}
	f := func(entity, field string) byte {
		s, _ := syncschema.Lookup(entity)
		return byte(slices.IndexFunc(s.Fields, func(x syncschema.Field) bool { return x.Name == field }))
	}
	const create, update, del = 0, 1, 2
	const complete, bare = 0, 1
	return [][]byte{
		// child.update {"first_name":{"x":1}}
		{e("child"), update, 0, bare, 1, f("child", "first_name"), valueObject},
		// review.create without kind
		{e("review"), create, 1, complete, 1, f("review", "kind"), valueDrop},
		// a review with a section, a document twice, then the review deleted
		{e("review"), create, 1, complete, 0, e("section"), create, 1, complete, 0,
			e("document"), create, 1, complete, 0, e("document"), create, 2, complete, 0, e("review"), del, 0, bare, 0},
		// a recommendation with progress, a challenge naming the review
		{e("review"), create, 1, complete, 0, e("recommendation"), create, 1, complete, 0,
			e("progress"), create, 1, complete, 0, e("challenge"), create, 1, complete, 1, f("challenge", "review_id"), valueRef,
			e("review"), del, 0, bare, 0},
		// a challenge raised with steps, then a step appended in a taken place
		{e("challenge"), create, 1, complete, 1, f("challenge", "steps"), valueSteps,
			e("challenge_step"), create, 1, complete, 0},
	}
}

// Value choices a program can make for a field, before the per-type ones.
const (
	valueDrop   byte = iota // leave the field out
	valueObject             // {"x":1}
	valueRef                // an id of a record of the entity the field names
	valueSteps              // valid steps for a challenge
	valueNull
	valueEmpty
	valueNumber
	valueFraction
	valueBool
	valueBadDate
	valueBadCode
	valueTooLarge
	valueArray
	valueGhost // an id on no record
	valueOtherChild
	valueValid // the first of the type's valid values
)

// fuzzHarness is one server and a template laptop for a fuzzing worker:
// each input gets a child, an IRO and a device of its own on the server,
// and a fresh copy of the laptop.
type fuzzHarness struct {
	server   *serverdb.DB
	template []byte     // an empty laptop database, enrolled
	key      *vault.Key // its data key, so a copy opens without Argon2
	dir      string
}

func newFuzzHarness(f *testing.F) *fuzzHarness {
	ctx := context.Background()
	dir := f.TempDir()
	server, err := serverdb.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = server.Close() })
	path := filepath.Join(dir, "template.db")
	tmpl, err := Open(ctx, path)
	if err != nil {
		f.Fatal(err)
	}
	if err := tmpl.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		f.Fatal(err)
	}
	if err := tmpl.SaveEnrolment(ctx, syncServer, "device-1", "iro-1", "token-1"); err != nil {
		f.Fatal(err)
	}
	if _, err := tmpl.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	// The template stays open so its key is never wiped; the copies share it.
	f.Cleanup(func() { _ = tmpl.Close() })
	return &fuzzHarness{server: server, template: b, key: tmpl.key, dir: dir}
}

// freshLaptop is a new copy of the template, unlocked. It must be closed
// with closeShared: Close would wipe the key the copies share.
func (h *fuzzHarness) freshLaptop(t *testing.T, n int) *DB {
	path := filepath.Join(t.TempDir(), fmt.Sprintf("laptop%d.db", n))
	if err := os.WriteFile(path, h.template, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.key = h.key
	t.Cleanup(func() { _ = db.sql.Close() })
	return db
}

func (h *fuzzHarness) run(t *testing.T, n int, program []byte) {
	ctx := context.Background()
	now := time.Now()
	iro := fmt.Sprintf("iro-%d", n)
	childID, otherChild := fmt.Sprintf("c%d", n), fmt.Sprintf("c%d-other", n)
	code, err := h.server.CreateEnrolment(ctx, iro, now)
	if err != nil {
		t.Fatal(err)
	}
	_, _, token, err := h.server.Enrol(ctx, code, "laptop", now)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := h.server.Authenticate(ctx, token, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.server.Allocate(ctx, iro, childID, otherChild); err != nil {
		t.Fatal(err)
	}

	g := newFuzzProgram(program, n, childID, otherChild)
	ops := g.ops()
	var accepted []string
	for start := 0; start < len(ops); start += protocol.MaxBatchOps {
		batch := ops[start:min(start+protocol.MaxBatchOps, len(ops))]
		res, err := h.server.Push(ctx, dev, protocol.PushRequest{Ops: batch}, now)
		if err != nil {
			t.Fatalf("push: %v", err)
		}
		for i, r := range res.Results {
			if r.Status == protocol.Applied || r.Status == protocol.Conflict {
				accepted = append(accepted, fmt.Sprintf("%s %s %s", batch[i].Name, batch[i].EntityID, summarise(batch[i].Payload)))
			}
		}
	}

	laptop := h.freshLaptop(t, n)
	var since int64
	var epoch string
	for pages := 0; ; pages++ {
		page, err := h.server.Changes(ctx, dev, protocol.ChangesQuery{Since: since, Epoch: epoch}, 0, now)
		if err != nil {
			t.Fatalf("changes: %v", err)
		}
		stats, err := laptop.ApplyChanges(ctx, page)
		if err != nil {
			t.Fatalf("the server accepted what a laptop cannot apply: %v\naccepted:\n%s", err, strings.Join(accepted, "\n"))
		}
		if stats.Kept != 0 || stats.Skipped != 0 {
			t.Fatalf("a fresh laptop set records aside: %+v\naccepted:\n%s", stats, strings.Join(accepted, "\n"))
		}
		if !page.More {
			break
		}
		since, epoch = page.Cursor, page.Epoch
	}
	var parked int
	if err := laptop.sql.QueryRowContext(ctx, "SELECT count(*) FROM sync_parked").Scan(&parked); err != nil {
		t.Fatal(err)
	}
	if parked != 0 {
		t.Fatalf("%d records parked on a fresh laptop\naccepted:\n%s", parked, strings.Join(accepted, "\n"))
	}
	for _, c := range []string{childID, otherChild} {
		if _, err := laptop.Child(ctx, c); err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("child %s does not read back: %v\naccepted:\n%s", c, err, strings.Join(accepted, "\n"))
		}
	}
}

// summarise is an op's payload for a failure message, long values cut.
func summarise(payload json.RawMessage) string {
	if len(payload) > 300 {
		return string(payload[:300]) + "…"
	}
	return string(payload)
}

// fuzzProgram turns bytes into ops on two children of one IRO.
type fuzzProgram struct {
	in           []byte
	n            int
	child, other string
	ids          map[string][]string // entity → ids created so far (accepted or not)
	ofOther      map[string][]string // entity → ids of records of the other child
	stepSeq      map[string]int
	next         int
}

func newFuzzProgram(in []byte, n int, child, other string) *fuzzProgram {
	return &fuzzProgram{in: in, n: n, child: child, other: other, ids: map[string][]string{}, ofOther: map[string][]string{}, stepSeq: map[string]int{}}
}

func (g *fuzzProgram) byte() (byte, bool) {
	if len(g.in) == 0 {
		return 0, false
	}
	b := g.in[0]
	g.in = g.in[1:]
	return b, true
}

func (g *fuzzProgram) newID(entity string) string {
	g.next++
	return fmt.Sprintf("%s-%d-%d", entity, g.n, g.next)
}

// ops are both children, whole, then what the program says; the other
// child gets a review, for records to name wrongly.
func (g *fuzzProgram) ops() []protocol.Op {
	var ops []protocol.Op
	add := func(entity, id, name string, fields map[string]json.RawMessage) {
		b, _ := json.Marshal(fields)
		ops = append(ops, protocol.Op{OpID: fmt.Sprintf("op-%d", len(ops)), Entity: entity, EntityID: id, Name: name, BaseVersion: 0, Payload: b})
	}
	add("child", g.child, "child.create", syncschematest.Complete("child", g.child, nil))
	add("child", g.other, "child.create", syncschematest.Complete("child", g.other, nil))
	otherReview := g.newID("review")
	add("review", otherReview, "review.create", syncschematest.Complete("review", otherReview, map[string]json.RawMessage{"child_id": jsonOf(g.other)}))
	g.ofOther["review"] = []string{otherReview}
	g.ofOther["child"] = []string{g.other}
	g.ids["child"] = []string{g.child}

	entities := syncschema.Entities()
	for len(ops) < 400 {
		b, ok := g.byte()
		if !ok {
			break
		}
		e := entities[int(b)%len(entities)]
		kb, _ := g.byte()
		tb, _ := g.byte()
		mb, _ := g.byte()
		kind := []protocol.Kind{protocol.KindCreate, protocol.KindUpdate, protocol.KindDelete}[int(kb)%3]
		id := g.target(e, kind, tb)
		var fields map[string]json.RawMessage
		if kind == protocol.KindCreate && mb%2 == 0 {
			fields = g.whole(e, id)
		} else {
			fields = map[string]json.RawMessage{}
		}
		nb, _ := g.byte()
		for range int(nb) % 4 {
			fb, _ := g.byte()
			vb, _ := g.byte()
			name := "bogus"
			var field syncschema.Field
			if i := int(fb) % (len(e.Fields) + 1); i < len(e.Fields) {
				field = e.Fields[i]
				name = field.Name
			}
			if v, keep := g.value(e, id, field, vb); keep {
				fields[name] = v
			} else {
				delete(fields, name)
			}
		}
		if kind == protocol.KindCreate {
			g.ids[e.Name] = append(g.ids[e.Name], id)
		}
		verb := map[protocol.Kind]string{protocol.KindCreate: "create", protocol.KindUpdate: "update", protocol.KindDelete: "delete"}[kind]
		add(e.Name, id, e.Name+"."+verb, fields)
	}
	return ops
}

// target is the record an op is about: a new id for most creates, else one
// made before (a meeting's is its review's).
func (g *fuzzProgram) target(e *syncschema.Entity, kind protocol.Kind, b byte) string {
	pool := g.ids[e.Name]
	if e.Name == "meeting" {
		pool = g.ids["review"]
	}
	if e.Name == "child" {
		return g.child
	}
	if len(pool) > 0 && (kind != protocol.KindCreate || e.Name == "meeting" || b%5 == 0) {
		return pool[int(b)%len(pool)]
	}
	if e.Name == "meeting" {
		return g.newID("review")
	}
	return g.newID(e.Name)
}

// whole is a valid create of e, its parents taken from records made
// before (or the child).
func (g *fuzzProgram) whole(e *syncschema.Entity, id string) map[string]json.RawMessage {
	parents := map[string]json.RawMessage{}
	for _, f := range e.Refs() {
		if !f.Required || f.Name == e.Key {
			continue
		}
		parents[f.Name] = jsonOf(g.pick(f.Ref, id))
	}
	fields := syncschematest.Complete(e.Name, id, parents)
	if e.Name == syncschema.StepEntity {
		ch := idOf(fields["challenge_id"])
		g.stepSeq[ch]++
		fields["seq"] = jsonOf(g.stepSeq[ch])
	}
	return fields
}

// pick is a record of entity to name: the child, or the latest made.
func (g *fuzzProgram) pick(entity, self string) string {
	if entity == "child" {
		return g.child
	}
	pool := g.ids[entity]
	if len(pool) == 0 {
		return "ghost"
	}
	return pool[len(pool)-1]
}

// value is the JSON a program gives a field, or keep false to drop it.
func (g *fuzzProgram) value(e *syncschema.Entity, id string, f syncschema.Field, b byte) (json.RawMessage, bool) {
	switch b % (valueValid + 4) {
	case valueDrop:
		return nil, false
	case valueObject:
		return json.RawMessage(`{"x":1}`), true
	case valueRef:
		if f.Ref != "" {
			return jsonOf(g.pick(f.Ref, id)), true
		}
		return jsonOf("x"), true
	case valueSteps:
		return g.steps(id), true
	case valueNull:
		return json.RawMessage(`null`), true
	case valueEmpty:
		return jsonOf(""), true
	case valueNumber:
		return json.RawMessage(`7`), true
	case valueFraction:
		return json.RawMessage(`1.5`), true
	case valueBool:
		return json.RawMessage(`true`), true
	case valueBadDate:
		return jsonOf("2026-02-30"), true
	case valueBadCode:
		return jsonOf("PN9"), true
	case valueTooLarge:
		return tooLarge, true
	case valueArray:
		return json.RawMessage(`[1]`), true
	case valueGhost:
		return jsonOf("ghost"), true
	case valueOtherChild:
		if f.Ref == "child" {
			return jsonOf(g.other), true
		}
		if other := g.ofOther[f.Ref]; len(other) > 0 {
			return jsonOf(other[0]), true
		}
		return jsonOf(g.other), true
	}
	// The rest: a valid value of the field's type.
	switch f.Type {
	case syncschema.Code:
		return jsonOf(f.Codes[int(b)%len(f.Codes)]), true
	case syncschema.Date:
		return jsonOf("2026-03-02"), true
	case syncschema.Timestamp:
		return jsonOf(syncschematest.Stamp), true
	case syncschema.Integer:
		return jsonOf(f.Min + int64(b%3)), true
	case syncschema.Number:
		return json.RawMessage(`2.5`), true
	case syncschema.Bool:
		return json.RawMessage(`false`), true
	case syncschema.ID:
		return jsonOf(g.pick(f.Ref, id)), true
	case syncschema.Steps:
		return g.steps(id), true
	}
	return jsonOf(fmt.Sprintf("text %d <&> \u202e", b)), true
}

// steps are two valid steps for the challenge id, the second correcting
// the first.
func (g *fuzzProgram) steps(challengeID string) json.RawMessage {
	var steps []map[string]json.RawMessage
	for i := 1; i <= 2; i++ {
		sid := g.newID("challenge_step")
		s := syncschematest.Complete(syncschema.StepEntity, sid, map[string]json.RawMessage{
			"challenge_id": jsonOf(challengeID), "seq": jsonOf(i)})
		if i == 2 {
			s["kind"], s["corrects"] = jsonOf("correction"), jsonOf(idOf(steps[0]["id"]))
		}
		s["id"] = jsonOf(sid)
		steps = append(steps, s)
	}
	g.stepSeq[challengeID] = 2
	return jsonOf(steps)
}

var tooLarge = jsonOf(strings.Repeat("x", syncschema.MaxFieldBytes))

func jsonOf(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func idOf(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
