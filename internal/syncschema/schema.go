// Package syncschema is the one description of what a synced record may
// hold: per entity, each field's type, whether a create must carry it,
// whether it may be null or empty, the codes it may take and how large it
// may be. The server refuses every op that does not fit it, and the laptop
// checks what it queues and what it pulls against it, so a record the
// server stores is always one a laptop can apply. It knows no SQL.
package syncschema

import (
	"slices"

	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/ssda903"
)

// Type is what kind of JSON value a field holds, and what it means.
type Type int

// The field types.
const (
	// Text is a JSON string: a name, a note.
	Text Type = iota + 1
	// ID is a JSON string naming another record (Field.Ref).
	ID
	// Integer is a whole JSON number that fits in 64 bits.
	Integer
	// Number is any finite JSON number.
	Number
	// Bool is true or false.
	Bool
	// Date is a civil date, YYYY-MM-DD.
	Date
	// Timestamp is a UTC time in TimestampLayout.
	Timestamp
	// Code is one of Field.Codes.
	Code
	// Steps is the history a challenge is raised with: an array of
	// StepEntity records, each with its "id".
	Steps
)

// StepEntity is the entity of the records a Steps field holds: the laptop
// keeps each as a record of its own.
const StepEntity = "challenge_step"

// TimestampLayout is how timestamps are written, on the laptop and in ops:
// fixed width UTC, so they sort as text.
const TimestampLayout = "2006-01-02T15:04:05.000000Z"

// Size limits, in bytes of the field's JSON value as sent (quotes and
// escapes included), so the server can check them without decoding.
const (
	// MaxFieldBytes bounds any one field: a note of a million characters
	// is far past anything an IRO writes, and a few such records must fit
	// a pull page (see serverdb's page budget).
	MaxFieldBytes = 1 << 20
	// MaxIDBytes bounds an id: the laptop makes 36-character UUIDs.
	MaxIDBytes = 130
)

// Field is one field of an entity, named like its laptop column.
type Field struct {
	Name string
	Type Type
	// Required: a create must carry the field.
	Required bool
	// Nullable: null is allowed, and so is "" for an ID, Date or
	// Timestamp; both mean "none" (the laptop stores NULL).
	Nullable bool
	// Blank: "" is allowed in a field that is not Nullable (a Code not
	// yet recorded, a date of birth not known).
	Blank bool
	// Codes are the values a Code field may take.
	Codes []string
	// Min is the smallest value an Integer may take, if HasMin.
	Min    int64
	HasMin bool
	// Ref is the entity an ID field names; OnDelete says what deleting
	// that record does to this one.
	Ref      string
	OnDelete OnDelete
	// Fixed: an update may not change the field (a record cannot move to
	// another parent, a challenge's first steps cannot be rewritten).
	Fixed bool
}

// OnDelete is what deleting a referenced record does to the records that
// name it, as the laptop's foreign keys do it.
type OnDelete int

const (
	// Cascade: they go with it.
	Cascade OnDelete = iota
	// Restrict: it cannot be deleted while one names it (a challenge is a
	// record of what the IRO did).
	Restrict
)

// MaxBytes is the largest JSON value the field may hold.
func (f Field) MaxBytes() int {
	if f.Type == ID {
		return MaxIDBytes
	}
	return MaxFieldBytes
}

// Entity is one kind of synced record.
type Entity struct {
	Name   string
	Fields []Field
	// Key is the field that is the record's own id, if it has one in its
	// fields (a meeting is its review's): it must equal the op's entity id.
	Key string
	// AppendOnly records are created and never changed or deleted.
	AppendOnly bool
	// Unique lists sets of fields no two live records of the entity may
	// share.
	Unique [][]string
}

// Field is the named field, if the entity has it.
func (e *Entity) Field(name string) (Field, bool) {
	i := slices.IndexFunc(e.Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return e.Fields[i], true
}

// Refs are the entity's ID fields that name another record.
func (e *Entity) Refs() []Field {
	var out []Field
	for _, f := range e.Fields {
		if f.Ref != "" {
			out = append(out, f)
		}
	}
	return out
}

// Lookup is the named entity, if it syncs.
func Lookup(name string) (*Entity, bool) {
	e, ok := byName[name]
	return e, ok
}

// Entities are every synced entity, parents before the records that name
// them.
func Entities() []*Entity { return slices.Clone(entities) }

var byName = func() map[string]*Entity {
	m := make(map[string]*Entity, len(entities))
	for _, e := range entities {
		m[e.Name] = e
	}
	return m
}()

// Field constructors, so the table below reads as a schema.

func text(name string) Field { return Field{Name: name, Type: Text, Required: true} }

func integer(name string) Field { return Field{Name: name, Type: Integer, Required: true} }

func atLeast(name string, min int64) Field {
	return Field{Name: name, Type: Integer, Required: true, Min: min, HasMin: true}
}

func boolean(name string) Field { return Field{Name: name, Type: Bool, Required: true} }

// date is an optional date: "" or null is no date.
func date(name string) Field { return Field{Name: name, Type: Date, Nullable: true} }

// timestamp is an optional timestamp.
func timestamp(name string) Field { return Field{Name: name, Type: Timestamp, Nullable: true} }

// createdAt is when an entry in a history was made.
func createdAt() Field { return Field{Name: "created_at", Type: Timestamp, Required: true} }

// code is a code that may be "" until it is recorded.
func code[T ~string](name string, values []T) Field {
	f := mustCode(name, values)
	f.Blank = true
	return f
}

// mustCode is a code that is always recorded.
func mustCode[T ~string](name string, values []T) Field {
	codes := make([]string, len(values))
	for i, v := range values {
		codes[i] = string(v)
	}
	return Field{Name: name, Type: Code, Required: true, Codes: codes}
}

// parent is the required id of the record this one belongs to.
func parent(name, entity string) Field {
	return Field{Name: name, Type: ID, Required: true, Ref: entity, Fixed: true}
}

// optionalRef is an id that may name a record, or be "" or null.
func optionalRef(name, entity string, onDelete OnDelete) Field {
	return Field{Name: name, Type: ID, Nullable: true, Ref: entity, OnDelete: onDelete, Fixed: true}
}

// childOf is the child_id every record but the child has or reaches.
func childOf() Field { return parent("child_id", "child") }

var entities = []*Entity{
	{Name: "child", Fields: []Field{
		text("la_id"), text("first_name"), text("last_name"),
		{Name: "dob", Type: Date, Required: true, Blank: true},
		code("sex", ssda903.SexCodes()), code("ethnicity", ssda903.EthnicityCodes()),
		text("upn"), text("home_la"),
		date("iro_allocated"), date("care_plan_agreed"), date("last_health_assessment"), date("last_pep_review"),
		text("plan_status"),
	}},
	{Name: "episode", Fields: []Field{
		childOf(), date("start_date"), date("end_date"),
		code("legal_status", ssda903.LegalStatusCodes()), code("placement", ssda903.PlacementCodes()),
		code("reason_new", ssda903.ReasonNewCodes()), code("reason_end", ssda903.ReasonEndCodes()),
		text("provider"), text("postcode_district"),
		{Name: "distance_miles", Type: Number, Required: true}, boolean("out_of_area"),
	}},
	{Name: "cp_plan", Fields: []Field{
		childOf(), date("strategy_discussion"), code("category", ssda903.CPCategoryCodes()),
		date("start_date"), date("end_date"),
	}},
	{Name: "review", Fields: []Field{
		childOf(), mustCode("kind", child.Kinds()), integer("sequence"),
		date("due"), date("scheduled"), date("held"), text("location"),
		code("participation_code", ssda903.ParticipationCodes()), code("state", review.States()),
		date("decisions_circulated"), date("record_circulated"),
	}},
	{Name: "meeting", Key: "review_id", Fields: []Field{
		parent("review_id", "review"), timestamp("started_at"), timestamp("held_at"), text("wishes"), text("letter"),
	}},
	{Name: "section", Fields: []Field{
		parent("review_id", "review"), atLeast("position", 0), text("title"), text("notes"),
	}},
	{Name: "consultation", Fields: []Field{
		parent("review_id", "review"), code("who", review.Consultees()), text("name"),
		code("how", review.Methods()), date("on_date"), boolean("seen_alone"), text("summary"),
	}},
	{Name: "document", Unique: [][]string{{"review_id", "kind"}}, Fields: []Field{
		parent("review_id", "review"), mustCode("kind", review.DocumentKinds()), date("received"),
	}},
	{Name: "checklist_item", Unique: [][]string{{"review_id", "topic"}}, Fields: []Field{
		parent("review_id", "review"), mustCode("topic", review.Topics()),
		code("check_value", review.Checks()), text("note"),
	}},
	{Name: "attendee", Fields: []Field{
		parent("review_id", "review"), text("name"), text("role"), code("attendance", review.Attendances()),
	}},
	{Name: "recommendation", Fields: []Field{
		childOf(), parent("review_id", "review"), text("text"), text("owner_role"), text("owner_name"),
		date("due"), code("status", review.RecStatuses()),
	}},
	{Name: "progress", AppendOnly: true, Fields: []Field{
		parent("recommendation_id", "recommendation"), date("on_date"), text("text"), text("chased"),
		code("status", review.RecStatuses()), createdAt(),
	}},
	{Name: "monitoring", Fields: []Field{
		childOf(), date("on_date"), text("contact"), text("checked"), text("outcome"),
	}},
	{Name: "challenge", Fields: []Field{
		childOf(), optionalRef("review_id", "review", Restrict), optionalRef("recommendation_id", "recommendation", Restrict),
		date("raised"), code("category", challenge.Categories()), text("issue"), text("decision"), text("remedy"),
		{Name: "steps", Type: Steps, Fixed: true},
	}},
	{Name: "challenge_step", AppendOnly: true, Unique: [][]string{{"challenge_id", "seq"}}, Fields: []Field{
		parent("challenge_id", "challenge"), atLeast("seq", 1), mustCode("kind", challenge.StepKinds()),
		date("on_date"), atLeast("stage", challenge.CafcassStage), text("stage_name"), text("addressee"),
		date("response_due"), text("text"), code("outcome", challenge.Outcomes()),
		optionalRef("corrects", "challenge_step", Restrict), createdAt(),
	}},
}
