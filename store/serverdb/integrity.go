package serverdb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
)

// What the laptop's foreign keys and unique keys hold, the server holds
// too, so that no record it stores is one a laptop must set aside: a
// record names parents that are on the server and belong to its child,
// does not repeat a unique key, and a delete takes with it what the
// laptop's would (or is refused where the laptop's would be). Reasons name
// entities, ids and fields, never a value.

// childOfNew finds the child a record not yet on the server belongs to:
// a child is its own; anything else names it in child_id or through the
// parent it belongs to (the schema has made sure a create carries it).
// reason is why it cannot be found.
func (b *batch) childOfNew(ctx context.Context, op protocol.Op, e *syncschema.Entity, payload map[string]json.RawMessage) (child, reason string, err error) {
	if op.Entity == "child" {
		return op.EntityID, "", nil
	}
	if id := idField(payload, "child_id"); id != "" {
		return id, "", nil
	}
	for _, f := range e.Refs() {
		id := idField(payload, f.Name)
		if !f.Required || id == "" {
			continue
		}
		parent, found, err := b.entity(ctx, f.Ref, id)
		if err != nil || !found || parent.deleted {
			return "", fmt.Sprintf("%s %s is not on the server", f.Ref, id), err
		}
		return parent.childID, "", nil
	}
	return "", fmt.Sprintf("%s %s names no child", op.Entity, op.EntityID), nil
}

// refusedCreate is why a new record of child may not be stored as it is,
// or "": every record it names must be on the server and the child's, and
// no other record may hold its unique keys.
func (b *batch) refusedCreate(ctx context.Context, op protocol.Op, e *syncschema.Entity, child string, payload map[string]json.RawMessage) (string, error) {
	for _, f := range e.Refs() {
		id := idField(payload, f.Name)
		switch {
		case id == "":
			continue // none, which the schema allowed
		case f.Ref == "child" && id != child:
			return fmt.Sprintf("%s %s: %s names another child than its parent's", op.Entity, op.EntityID, f.Name), nil
		case f.Ref == syncschema.StepEntity:
			ok, err := b.stepOf(ctx, child, idField(payload, "challenge_id"), id)
			if err != nil || !ok {
				return fmt.Sprintf("%s %s: %s names no step of its challenge", op.Entity, op.EntityID, f.Name), err
			}
			continue
		}
		parent, found, err := b.entity(ctx, f.Ref, id)
		if err != nil {
			return "", err
		}
		if !found || parent.deleted {
			return fmt.Sprintf("%s %s is not on the server", f.Ref, id), nil
		}
		if parent.childID != child {
			return fmt.Sprintf("%s %s belongs to another child", f.Ref, id), nil
		}
	}
	for _, key := range e.Unique {
		taken, err := b.taken(ctx, op, child, key, payload)
		if err != nil || taken {
			return fmt.Sprintf("another %s of this child already has this %s", op.Entity, strings.Join(key, " and ")), err
		}
	}
	return "", nil
}

// refusedUpdate is why an update may not change a record as it asks, or
// "": a field that places the record (its parent, a challenge's first
// steps) stays as it is.
func refusedUpdate(op protocol.Op, e *syncschema.Entity, row entityRow, payload map[string]json.RawMessage) string {
	for _, f := range e.Fields {
		v, ok := payload[f.Name]
		if !f.Fixed || !ok || bytes.Equal(v, row.fields[f.Name]) {
			continue
		}
		if f.Name == "child_id" {
			// Moving a record would take it out of one allocation into another.
			return fmt.Sprintf("%s %s cannot move to another child", op.Entity, op.EntityID)
		}
		return fmt.Sprintf("%s %s: %s cannot change", op.Entity, op.EntityID, f.Name)
	}
	return ""
}

// taken reports whether a live record of the child other than op's holds
// the values payload gives the fields of key. A step is also looked for
// among the steps its challenge was raised with.
func (b *batch) taken(ctx context.Context, op protocol.Op, child string, key []string, payload map[string]json.RawMessage) (bool, error) {
	same := func(fields map[string]json.RawMessage) bool {
		for _, f := range key {
			if !bytes.Equal(fields[f], payload[f]) {
				return false
			}
		}
		return true
	}
	recs, err := b.records(ctx, child, op.Entity)
	if err != nil {
		return false, err
	}
	for _, k := range recs {
		if k.id != op.EntityID && same(b.entities[k].fields) {
			return true, nil
		}
	}
	if op.Entity != syncschema.StepEntity {
		return false, nil
	}
	steps, err := b.raisedSteps(ctx, child, idField(payload, "challenge_id"))
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(steps, same), nil
}

// stepOf reports whether step is a step of the challenge: one appended to
// it, or one it was raised with.
func (b *batch) stepOf(ctx context.Context, child, challenge, step string) (bool, error) {
	r, found, err := b.entity(ctx, syncschema.StepEntity, step)
	if err != nil {
		return false, err
	}
	if found && !r.deleted {
		return r.childID == child && idField(r.fields, "challenge_id") == challenge, nil
	}
	steps, err := b.raisedSteps(ctx, child, challenge)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(steps, func(s map[string]json.RawMessage) bool { return idField(s, "id") == step }), nil
}

// raisedSteps are the steps the child's challenge was raised with.
func (b *batch) raisedSteps(ctx context.Context, child, challenge string) ([]map[string]json.RawMessage, error) {
	r, found, err := b.entity(ctx, "challenge", challenge)
	if err != nil || !found || r.deleted || r.childID != child {
		return nil, err
	}
	var steps []map[string]json.RawMessage
	if raw, ok := r.fields["steps"]; ok {
		// Stored steps were checked when they came; unreadable ones are none.
		_ = json.Unmarshal(raw, &steps)
	}
	return steps, nil
}

// deleteWith deletes a record and every record of its child that names it
// through a field the laptop cascades, and theirs in turn, as the laptop's
// delete does. It refuses, changing nothing, when a record outside what
// goes names one through a field the laptop restricts (a challenge names a
// review). It returns the deleted record's new version.
func (b *batch) deleteWith(ctx context.Context, op protocol.Op, row entityRow) (version int64, reason string, err error) {
	doomed := []entityKey{{op.Entity, op.EntityID}}
	in := map[entityKey]bool{doomed[0]: true}
	var restricted []entityKey
	for i := 0; i < len(doomed); i++ {
		k := doomed[i]
		for _, e := range syncschema.Entities() {
			for _, f := range e.Refs() {
				if f.Ref != k.entity {
					continue
				}
				recs, err := b.records(ctx, row.childID, e.Name)
				if err != nil {
					return 0, "", err
				}
				for _, rk := range recs {
					if in[rk] || idField(b.entities[rk].fields, f.Name) != k.id {
						continue
					}
					if f.OnDelete == syncschema.Restrict {
						restricted = append(restricted, rk)
						continue
					}
					in[rk] = true
					doomed = append(doomed, rk)
				}
			}
		}
	}
	for _, rk := range restricted {
		if !in[rk] {
			return 0, fmt.Sprintf("%s %s names it", rk.entity, rk.id), nil
		}
	}
	for _, k := range doomed {
		r, _, err := b.entity(ctx, k.entity, k.id)
		if err != nil {
			return 0, "", err
		}
		r.version++
		r.deleted = true
		r.fields, r.meta = map[string]json.RawMessage{}, map[string]fieldMeta{}
		b.saveEntity(k.entity, k.id, r)
		if k == doomed[0] {
			version = r.version
		}
	}
	return version, "", nil
}

// childEntities names one child's records of one entity.
type childEntities struct{ child, entity string }

// records are the keys of the child's live records of one entity as the
// batch sees them, in order. Each child's records of an entity are read
// once per batch; the batch's own changes win over what was read.
func (b *batch) records(ctx context.Context, child, entity string) ([]entityKey, error) {
	ck := childEntities{child, entity}
	if !b.loaded[ck] {
		err := b.w.each(ctx, `SELECT id, version, deleted, fields, field_meta FROM entity WHERE child_id = ? AND entity = ?`,
			[]any{child, entity}, func(rows *sql.Rows) error {
				var id, fields, meta string
				var r entityRow
				if err := rows.Scan(&id, &r.version, &r.deleted, &fields, &meta); err != nil {
					return err
				}
				k := entityKey{entity, id}
				if _, known := b.entities[k]; known {
					return nil
				}
				r.childID = child
				if err := decodeEntity(&r, k, fields, meta); err != nil {
					return err
				}
				b.entities[k] = &r
				return nil
			})
		if err != nil {
			return nil, err
		}
		if b.loaded == nil {
			b.loaded = map[childEntities]bool{}
		}
		b.loaded[ck] = true
	}
	var out []entityKey
	for k, r := range b.entities {
		if k.entity == entity && r != nil && !r.deleted && r.childID == child {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b entityKey) int { return strings.Compare(a.id, b.id) })
	return out, nil
}
