// Package syncschematest builds records that fit the sync schema, for
// tests that care about a few fields and need the rest to be valid.
package syncschematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/iro-app/iro/internal/syncschema"
)

// Stamp is the timestamp Complete gives a required timestamp.
const Stamp = "2026-03-02T09:00:00.000000Z"

// Complete returns fields with a valid value added for every required
// field of entity that it lacks: "" for text, the first code, the lowest
// whole number allowed, false, Stamp; a meeting's review_id is its own id.
// Ids of parents cannot be made up: a missing one stays missing, for the
// check to refuse. It panics on an entity that does not sync.
func Complete(entity, id string, fields map[string]json.RawMessage) map[string]json.RawMessage {
	e, ok := syncschema.Lookup(entity)
	if !ok {
		panic(fmt.Sprintf("syncschematest: %q does not sync", entity))
	}
	out := maps.Clone(fields)
	if out == nil {
		out = map[string]json.RawMessage{}
	}
	for _, f := range e.Fields {
		if _, ok := out[f.Name]; ok || !f.Required {
			continue
		}
		var v any
		switch {
		case f.Name == e.Key:
			v = id
		case f.Type == syncschema.ID:
			continue
		case f.Type == syncschema.Code:
			v = f.Codes[0]
		case f.Type == syncschema.Integer:
			v = f.Min
		case f.Type == syncschema.Number:
			v = 0
		case f.Type == syncschema.Bool:
			v = false
		case f.Type == syncschema.Timestamp:
			v = Stamp
		default: // text, and a date that may be blank
			v = ""
		}
		out[f.Name], _ = json.Marshal(v)
	}
	return out
}

// CompleteJSON is Complete on a JSON object, for ops written as text; the
// values given keep their bytes (no HTML escaping). It panics on text that
// is not an object.
func CompleteJSON(entity, id, payload string) json.RawMessage {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(payload), &fields); err != nil {
		panic(fmt.Sprintf("syncschematest: %v", err))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Complete(entity, id, fields)); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
