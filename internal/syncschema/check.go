package syncschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/protocol"
)

// Messages name entities and fields, never a value: they are stored as
// the reason an op was rejected and shown to admins and IROs.

// CheckOp is why an op on entity (its record id) does not fit the schema,
// or nil: a create must carry every required field, an update only fields
// the entity has, a delete none; each one given must be valid.
func CheckOp(entity, id string, kind protocol.Kind, fields map[string]json.RawMessage) error {
	e, ok := Lookup(entity)
	if !ok {
		return fmt.Errorf("%q is not an entity that syncs", entity)
	}
	switch kind {
	case protocol.KindCreate:
		return e.check(id, fields, true, false)
	case protocol.KindUpdate:
		if e.AppendOnly {
			return fmt.Errorf("%s is append-only: an entry cannot be changed", e.Name)
		}
		return e.check(id, fields, false, false)
	case protocol.KindDelete:
		if e.AppendOnly {
			return fmt.Errorf("%s is append-only: an entry cannot be deleted", e.Name)
		}
		if len(fields) > 0 {
			return errors.New("a delete carries no fields")
		}
		return nil
	}
	return errors.New("unknown operation")
}

// CheckRecord is why a record pulled from the server cannot be applied,
// or nil. A record new to the laptop (create) must carry every required
// field. Fields the schema does not know are left for the caller to
// ignore: a newer server may send more than this laptop keeps.
func CheckRecord(entity, id string, fields map[string]json.RawMessage, create bool) error {
	e, ok := Lookup(entity)
	if !ok {
		return fmt.Errorf("%q is not an entity that syncs", entity)
	}
	return e.check(id, fields, create, true)
}

func (e *Entity) check(id string, fields map[string]json.RawMessage, create, ignoreUnknown bool) error {
	for _, name := range sortedKeys(fields) {
		f, ok := e.Field(name)
		if !ok {
			if ignoreUnknown {
				continue
			}
			return fmt.Errorf("%q is not a field of %s", name, e.Name)
		}
		if err := f.check(fields[name]); err != nil {
			return err
		}
		if f.Type == Steps {
			if err := checkSteps(id, fields[name], ignoreUnknown); err != nil {
				return err
			}
		}
	}
	if create {
		for _, f := range e.Fields {
			if _, ok := fields[f.Name]; f.Required && !ok {
				return fmt.Errorf("a new %s needs %s", e.Name, f.Name)
			}
		}
	}
	if e.Key != "" {
		if raw, ok := fields[e.Key]; ok {
			var key string
			if json.Unmarshal(raw, &key) != nil || key != id {
				return fmt.Errorf("%s of a %s must be its own id", e.Key, e.Name)
			}
		}
	}
	return nil
}

// check is why one field's JSON value does not fit it, or nil.
func (f Field) check(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if n := len(raw); n > f.MaxBytes() {
		return fmt.Errorf("field %s is %d bytes, more than the %d allowed", f.Name, n, f.MaxBytes())
	}
	if !utf8.Valid(raw) {
		return fmt.Errorf("field %s is not UTF-8 text", f.Name)
	}
	if string(raw) == "null" {
		if !f.Nullable {
			return fmt.Errorf("field %s cannot be null", f.Name)
		}
		return nil
	}
	switch f.Type {
	case Text:
		if len(raw) == 0 || raw[0] != '"' {
			return f.want("text")
		}
		return nil
	case Integer:
		n, err := number(raw)
		if err != nil {
			return f.want("a whole number")
		}
		i, err := n.Int64()
		if err != nil {
			return f.want("a whole number")
		}
		if f.HasMin && i < f.Min {
			return fmt.Errorf("field %s must be %d or more", f.Name, f.Min)
		}
		return nil
	case Number:
		n, err := number(raw)
		if err != nil {
			return f.want("a number")
		}
		if _, err := strconv.ParseFloat(n.String(), 64); err != nil {
			return f.want("a number")
		}
		return nil
	case Bool:
		if string(raw) != "true" && string(raw) != "false" {
			return f.want("true or false")
		}
		return nil
	case Steps:
		if len(raw) == 0 || raw[0] != '[' {
			return f.want("a list of steps")
		}
		return nil
	}
	// The rest are strings with a meaning.
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return f.want(f.Type.String())
	}
	if s == "" {
		if f.Nullable || f.Blank {
			return nil
		}
		return fmt.Errorf("field %s cannot be empty", f.Name)
	}
	switch f.Type {
	case ID:
		return nil
	case Date:
		if _, err := calendar.Parse(s); err != nil {
			return f.want("a date (YYYY-MM-DD)")
		}
	case Timestamp:
		if _, err := time.Parse(TimestampLayout, s); err != nil {
			return f.want("a UTC timestamp")
		}
	case Code:
		if !slices.Contains(f.Codes, s) {
			return fmt.Errorf("field %s is not one of its codes", f.Name)
		}
	}
	return nil
}

func (f Field) want(what string) error { return fmt.Errorf("field %s: want %s", f.Name, what) }

// String names the type in a message.
func (t Type) String() string {
	switch t {
	case Text:
		return "text"
	case ID:
		return "an id"
	case Integer:
		return "a whole number"
	case Number:
		return "a number"
	case Bool:
		return "true or false"
	case Date:
		return "a date (YYYY-MM-DD)"
	case Timestamp:
		return "a UTC timestamp"
	case Code:
		return "a code"
	case Steps:
		return "a list of steps"
	}
	return "a known type"
}

func number(raw json.RawMessage) (json.Number, error) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return "", errors.New("not a number")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var n json.Number
	err := dec.Decode(&n)
	return n, err
}

// checkSteps checks the steps a challenge is raised with: each one a whole
// challenge_step record of this challenge, with an id of its own, and no
// two with the same id or place in the history.
func checkSteps(challengeID string, raw json.RawMessage, ignoreUnknown bool) error {
	var steps []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &steps); err != nil {
		return errors.New("field steps: want a list of steps")
	}
	step := byName[StepEntity]
	ids, seqs := map[string]bool{}, map[string]bool{}
	var corrects []string
	for i, s := range steps {
		if s == nil {
			return fmt.Errorf("step %d is not a record", i+1)
		}
		var id string
		if raw, ok := s["id"]; !ok || json.Unmarshal(raw, &id) != nil || id == "" || len(raw) > MaxIDBytes {
			return fmt.Errorf("step %d has no id", i+1)
		}
		if ids[id] {
			return fmt.Errorf("step %d repeats the id of an earlier step", i+1)
		}
		ids[id] = true
		fields := make(map[string]json.RawMessage, len(s))
		for k, v := range s {
			if k != "id" {
				fields[k] = v
			}
		}
		if err := step.check(id, fields, true, ignoreUnknown); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
		var owner string
		if json.Unmarshal(fields["challenge_id"], &owner) != nil || owner != challengeID {
			return fmt.Errorf("step %d belongs to another challenge", i+1)
		}
		seq := string(bytes.TrimSpace(fields["seq"]))
		if seqs[seq] {
			return fmt.Errorf("step %d repeats the place of an earlier step", i+1)
		}
		seqs[seq] = true
		var c string
		if json.Unmarshal(fields["corrects"], &c) == nil && c != "" {
			corrects = append(corrects, c)
		}
	}
	// A new challenge has no other steps for one to correct.
	for _, c := range corrects {
		if !ids[c] {
			return errors.New("a step corrects a step the challenge is not raised with")
		}
	}
	return nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
