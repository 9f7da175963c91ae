package serverdb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
)

// fieldMeta is, per field, when and by whom it last changed: what decides
// whether an update conflicts.
type fieldMeta struct {
	Version int64  `json:"version"`
	Device  string `json:"device"`
}

// entityRow is one row of the entity table.
type entityRow struct {
	childID string
	version int64
	deleted bool
	fields  map[string]json.RawMessage
	meta    map[string]fieldMeta
}

// Push applies a batch of ops from dev in one transaction, so a crash
// leaves none or all of it, and returns one result per op, in order, with
// the server's epoch. An op id the device used before with a different op
// fails the whole batch with *OpReusedError; an epoch or cursor this
// database never gave the device fails it with *NewEpochError.
func (db *DB) Push(ctx context.Context, dev Device, req protocol.PushRequest, now time.Time) (protocol.PushResponse, error) {
	var results []protocol.Result
	var epoch string
	ops := req.Ops
	err := db.write(ctx, func(w *writeTx) error {
		b, err := w.startBatch(ctx, dev, req, now)
		if err != nil {
			return err
		}
		epoch = b.pos.epoch
		results = make([]protocol.Result, 0, len(ops))
		count := map[protocol.Status]int{}
		for _, op := range ops {
			r, err := b.push(ctx, op)
			var reused *OpReusedError
			if errors.As(err, &reused) {
				// Had each op been written as it ran, a row before this
				// op that the database refuses would have failed the
				// batch first: that error wins.
				if err := b.flush(ctx, now); err != nil {
					return err
				}
			}
			if err != nil {
				return err
			}
			results = append(results, r)
			count[r.Status]++
		}
		if err := b.flush(ctx, now); err != nil {
			return err
		}
		return w.audit(ctx, now, dev.ID, dev.IRO, "push", fmt.Sprintf("ops=%d applied=%d duplicate=%d conflict=%d rejected=%d",
			len(ops), count[protocol.Applied], count[protocol.Duplicate], count[protocol.Conflict], count[protocol.Rejected]))
	})
	var reused *OpReusedError
	var moved *NewEpochError
	switch {
	case errors.As(err, &reused):
		return protocol.PushResponse{}, reused
	case errors.As(err, &moved):
		return protocol.PushResponse{}, moved
	case err != nil:
		return protocol.PushResponse{}, fmt.Errorf("serverdb: push: %w", err)
	}
	return protocol.PushResponse{Results: results, Epoch: epoch}, nil
}

// push answers one op: the stored result if the device sent it before,
// otherwise the outcome of applying it, stored for next time.
func (b *batch) push(ctx context.Context, op protocol.Op) (protocol.Result, error) {
	if op.OpID == "" {
		// Nothing to store it under: the device learns why and that is all.
		return protocol.Result{Status: protocol.Rejected, Reason: "op has no op_id"}, nil
	}
	hash := opHash(op)
	prior, found, err := b.opResult(ctx, op.OpID)
	if err != nil {
		return protocol.Result{}, err
	}
	if found {
		if prior.hash != hash {
			return protocol.Result{}, &OpReusedError{OpID: op.OpID}
		}
		r := prior.result
		r.Original, r.Status = r.Status, protocol.Duplicate
		return r, nil
	}
	r, err := b.apply(ctx, op)
	if err != nil {
		return protocol.Result{}, err
	}
	r.OpID = op.OpID
	b.storeResult(hash, r)
	return r, nil
}

// opHash identifies what an op does, so a retry is told from a reused id.
// The base version is left out: a client that pulled between two attempts
// may resend the same op with a newer one. Each part is length-prefixed so
// no two ops hash alike by shifting bytes between parts.
func opHash(op protocol.Op) string {
	h := sha256.New()
	payload := op.Payload
	var compact bytes.Buffer
	if json.Compact(&compact, op.Payload) == nil {
		payload = compact.Bytes()
	}
	for _, part := range [][]byte{[]byte(op.Entity), []byte(op.EntityID), []byte(op.Name), payload} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type storedResult struct {
	hash   string
	result protocol.Result
}

func (w *writeTx) opResult(ctx context.Context, deviceID, opID string) (storedResult, bool, error) {
	var s storedResult
	var status string
	var conflicts sql.NullString
	err := w.queryRow(ctx, `SELECT hash, status, version, reason, conflicts FROM op_result WHERE device_id = ? AND op_id = ?`,
		deviceID, opID).Scan(&s.hash, &status, &s.result.Version, &s.result.Reason, &conflicts)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	} else if err != nil {
		return s, false, err
	}
	s.result.OpID, s.result.Status = opID, protocol.Status(status)
	return s, true, decodeConflicts(&s, conflicts)
}

// decodeConflicts fills in the conflicts stored with a result, if any.
func decodeConflicts(s *storedResult, conflicts sql.NullString) error {
	if !conflicts.Valid {
		return nil
	}
	if err := json.Unmarshal([]byte(conflicts.String), &s.result.Conflicts); err != nil {
		return fmt.Errorf("stored conflicts of op %s: %w", s.result.OpID, err)
	}
	return nil
}

// rejected is a result for an op that changed nothing.
func rejected(format string, args ...any) protocol.Result {
	return protocol.Result{Status: protocol.Rejected, Reason: fmt.Sprintf(format, args...)}
}

// apply does what an op asks, if the device may. Reasons name entities,
// ids and field names, never a value.
func (b *batch) apply(ctx context.Context, op protocol.Op) (protocol.Result, error) {
	if err := op.Check(); err != nil {
		return rejected("%v", err), nil
	}
	schema, ok := syncschema.Lookup(op.Entity)
	if !ok {
		return rejected("%q is not an entity the server keeps", op.Entity), nil
	}
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(op.Payload, &payload); err != nil {
		return rejected("payload is not a JSON object"), nil // Check let it through; be safe anyway
	}
	for f, v := range payload {
		var compact bytes.Buffer
		if err := json.Compact(&compact, v); err != nil {
			return rejected("field %s is not valid JSON", f), nil
		}
		payload[f] = compact.Bytes()
	}
	// Only what a laptop can apply is stored: the payload's keys become
	// the keys of pulled fields, and its values the laptop's columns.
	kind := protocol.KindOf(op.Name)
	if err := syncschema.CheckOp(op.Entity, op.EntityID, kind, payload); err != nil {
		return rejected("%s %s: %v", op.Entity, op.EntityID, err), nil
	}

	row, found, err := b.entity(ctx, op.Entity, op.EntityID)
	if err != nil {
		return protocol.Result{}, err
	}
	switch {
	case !found && kind == protocol.KindDelete:
		return protocol.Result{Status: protocol.Applied}, nil // already gone: deleting is idempotent
	case !found && kind == protocol.KindUpdate:
		return rejected("%s %s is not on the server", op.Entity, op.EntityID), nil
	}

	child := row.childID
	if !found {
		var reason string
		if child, reason, err = b.childOfNew(ctx, op, schema, payload); err != nil {
			return protocol.Result{}, err
		} else if reason != "" {
			return rejected("%s", reason), nil
		}
	}
	if reason, err := b.mayWrite(ctx, op, child); err != nil {
		return protocol.Result{}, err
	} else if reason != "" {
		return rejected("%s", reason), nil
	}

	switch kind {
	case protocol.KindCreate:
		if found && !row.deleted {
			return rejected("%s %s already exists on the server", op.Entity, op.EntityID), nil
		}
		if reason, err := b.refusedCreate(ctx, op, schema, child, payload); err != nil {
			return protocol.Result{}, err
		} else if reason != "" {
			return rejected("%s", reason), nil
		}
		// A create over a deleted row continues its versions, so a device
		// never sees a version go backwards.
		version := row.version + 1
		meta := make(map[string]fieldMeta, len(payload))
		for f := range payload {
			meta[f] = fieldMeta{Version: version, Device: b.dev.ID}
		}
		b.saveEntity(op.Entity, op.EntityID, entityRow{childID: child, version: version, fields: payload, meta: meta})
		return protocol.Result{Status: protocol.Applied, Version: version}, nil

	case protocol.KindUpdate:
		if row.deleted {
			return rejected("%s %s was deleted on the server", op.Entity, op.EntityID), nil
		}
		if reason := refusedUpdate(op, schema, row, payload); reason != "" {
			return rejected("%s", reason), nil
		}
		return b.update(op, row, payload), nil

	default: // protocol.KindDelete; Check refused KindUnknown
		if row.deleted {
			return protocol.Result{Status: protocol.Applied, Version: row.version}, nil
		}
		version, reason, err := b.deleteWith(ctx, op, row)
		if err != nil {
			return protocol.Result{}, err
		} else if reason != "" {
			return rejected("%s", reason), nil
		}
		return protocol.Result{Status: protocol.Applied, Version: version}, nil
	}
}

// update merges an update field by field. A field another device changed
// after the op's base version keeps the server's value and is reported as
// a conflict; every other field is applied. A device never conflicts with
// its own changes, and a field already holding the op's value needs
// neither.
func (b *batch) update(op protocol.Op, row entityRow, payload map[string]json.RawMessage) protocol.Result {
	conflicts := map[string]json.RawMessage{}
	applied := []string{}
	for f, v := range payload {
		current, has := row.fields[f]
		if has && bytes.Equal(current, v) {
			continue
		}
		if m, ok := row.meta[f]; ok && m.Version > op.BaseVersion && m.Device != b.dev.ID {
			if !has {
				current = json.RawMessage("null")
			}
			conflicts[f] = current
			continue
		}
		applied = append(applied, f)
	}
	if len(applied) > 0 {
		row.version++
		for _, f := range applied {
			row.fields[f] = payload[f]
			row.meta[f] = fieldMeta{Version: row.version, Device: b.dev.ID}
		}
		b.saveEntity(op.Entity, op.EntityID, row)
	}
	r := protocol.Result{Status: protocol.Applied, Version: row.version}
	if len(conflicts) > 0 {
		r.Status, r.Conflicts = protocol.Conflict, conflicts
	}
	return r
}

func (w *writeTx) entity(ctx context.Context, entity, id string) (entityRow, bool, error) {
	var r entityRow
	var fields, meta string
	err := w.queryRow(ctx, `SELECT child_id, version, deleted, fields, field_meta FROM entity WHERE entity = ? AND id = ?`,
		entity, id).Scan(&r.childID, &r.version, &r.deleted, &fields, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	} else if err != nil {
		return r, false, err
	}
	err = decodeEntity(&r, entityKey{entity, id}, fields, meta)
	return r, err == nil, err
}

// decodeEntity fills in a row's stored fields and field versions.
func decodeEntity(r *entityRow, k entityKey, fields, meta string) error {
	if err := json.Unmarshal([]byte(fields), &r.fields); err != nil {
		return fmt.Errorf("stored fields of %s %s: %w", k.entity, k.id, err)
	}
	if err := json.Unmarshal([]byte(meta), &r.meta); err != nil {
		return fmt.Errorf("stored field versions of %s %s: %w", k.entity, k.id, err)
	}
	if r.fields == nil {
		r.fields = map[string]json.RawMessage{}
	}
	if r.meta == nil {
		r.meta = map[string]fieldMeta{}
	}
	return nil
}

// marshal encodes without json.Marshal's HTML escaping, so a stored value
// keeps the bytes the device sent (compacted) and compares equal to them.
func marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}
