package serverdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iro-app/iro/internal/protocol"
)

// The admin's view and repair of one stored record (`iro serve record`),
// for a record that laptops cannot store and set aside. A repair is an op,
// applied exactly as a device's push is (batch.push): the same checks of
// names and values, the same merge, its result stored, the record's next
// version under a new change number so that every laptop holding the child
// pulls it. Only the allocation check is the admin's to pass: a repair may
// be needed for any child.

// AdminDevice is the device id repairs are made under: in op results, in
// the record's field history (a device's later update of a repaired field
// from an older base conflicts, as with any other device's change) and in
// the audit. Device ids are UUIDs, so none is ever "admin".
const AdminDevice = "admin"

// FieldChange is when and by whom a field of a record last changed.
type FieldChange struct {
	Version int64  `json:"version"`
	Device  string `json:"device"` // a device id, or AdminDevice
}

// Record is one record as the server stores it.
type Record struct {
	Entity   string                     `json:"entity"`
	ID       string                     `json:"id"`
	ChildID  string                     `json:"child_id"`
	Version  int64                      `json:"version"`
	Deleted  bool                       `json:"deleted"`
	ChangeNo int64                      `json:"change_no"`
	Fields   map[string]json.RawMessage `json:"fields"`
	Changed  map[string]FieldChange     `json:"changed"`
}

// Record reads one stored record; ErrNotFound if the server has none.
func (db *DB) Record(ctx context.Context, entity, id string) (Record, error) {
	h := handle{db.sql, db.d}
	r := Record{Entity: entity, ID: id}
	var fields, meta string
	err := h.queryRow(ctx, `SELECT child_id, version, deleted, change_no, fields, field_meta FROM entity WHERE entity = ? AND id = ?`,
		entity, id).Scan(&r.ChildID, &r.Version, &r.Deleted, &r.ChangeNo, &fields, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, fmt.Errorf("serverdb: %s %s: %w", entity, id, ErrNotFound)
	} else if err != nil {
		return Record{}, fmt.Errorf("serverdb: read %s %s: %w", entity, id, err)
	}
	var row entityRow
	if err := decodeEntity(&row, entityKey{entity, id}, fields, meta); err != nil {
		return Record{}, fmt.Errorf("serverdb: %w", err)
	}
	r.Fields, r.Changed = row.fields, make(map[string]FieldChange, len(row.meta))
	for f, m := range row.meta {
		r.Changed[f] = FieldChange(m)
	}
	return r, nil
}

// Repaired is what a repair came to: the op's result as a device would
// have had it, and whether it changed the record (and so took a change
// number that sends it to every laptop holding the child).
type Repaired struct {
	protocol.Result
	Changed bool
}

// SetField sets one field of a stored record to value (JSON) as an
// <entity>.update op from the admin, against the record's current version.
// ErrNotFound if the server has no such record. A value the server refuses
// from a device is refused here too: Result.Status is Rejected, with the
// reason.
func (db *DB) SetField(ctx context.Context, entity, id, field string, value json.RawMessage, now time.Time) (Repaired, error) {
	payload, err := marshal(map[string]json.RawMessage{field: value})
	if err != nil {
		return Repaired{}, fmt.Errorf("serverdb: set %s of %s %s: the value is not JSON", field, entity, id)
	}
	return db.repair(ctx, entity, id, "update", json.RawMessage(payload), " field="+field, now)
}

// DeleteRecord deletes a stored record as an <entity>.delete op from the
// admin. ErrNotFound if the server has no such record.
func (db *DB) DeleteRecord(ctx context.Context, entity, id string, now time.Time) (Repaired, error) {
	return db.repair(ctx, entity, id, "delete", json.RawMessage(`{}`), "", now)
}

// repair applies the op <entity>.<verb> with payload to the record, in
// one write transaction, and audits it with ids and field names (what),
// never a value.
func (db *DB) repair(ctx context.Context, entity, id, verb string, payload json.RawMessage, what string, now time.Time) (Repaired, error) {
	opID, err := uuid.NewV7()
	if err != nil {
		return Repaired{}, fmt.Errorf("serverdb: repair: %w", err)
	}
	var out Repaired
	err = db.write(ctx, func(w *writeTx) error {
		b := w.adminBatch(now)
		row, found, err := b.entity(ctx, entity, id)
		if err != nil {
			return err
		} else if !found {
			return ErrNotFound
		}
		op := protocol.Op{OpID: opID.String(), Entity: entity, EntityID: id, Name: entity + "." + verb,
			BaseVersion: row.version, Payload: payload}
		if out.Result, err = b.push(ctx, op); err != nil {
			return err
		}
		out.Changed = len(b.written) > 0
		if err := b.flush(ctx, now); err != nil {
			return err
		}
		detail := fmt.Sprintf("op=%s id=%s%s status=%s version=%d", op.Name, id, what, out.Status, out.Version)
		return w.audit(ctx, now, AdminDevice, "", "repair", detail)
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return Repaired{}, fmt.Errorf("serverdb: %s %s: %w", entity, id, ErrNotFound)
	case err != nil:
		return Repaired{}, fmt.Errorf("serverdb: repair %s %s: %w", entity, id, err)
	}
	return out, nil
}
