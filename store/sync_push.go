package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/vault"
)

// Pushing: which ops go next, what the server said about them, and the
// conflicts it left for the IRO.

// NextPushBatch returns the oldest pending ops, in outbox order, as many as
// fit in maxOps and maxBytes (their encoded JSON array), and fences them:
// each gets sent_at, so autosave no longer merges into it and a retry after
// a crash sends exactly the same op. Ops already sent but not answered come
// again. An op too large to go in any batch is rejected on the spot (it
// would block the queue for ever) and the batch goes on without it. Each
// op's base version is the server version the device last pulled of its
// record, 0 if none. A batch stops at the first op that does not fit, so
// ops always reach the server in the order they were made.
func (db *DB) NextPushBatch(ctx context.Context, maxOps, maxBytes int) ([]protocol.Op, error) {
	if maxOps <= 0 {
		maxOps = protocol.MaxBatchOps
	}
	if maxBytes <= 0 {
		maxBytes = protocol.MaxBatchBytes
	}
	var batch []protocol.Op
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.write("pick the next push batch", true, func() error {
			var err error
			batch, err = tx.nextPushBatch(maxOps, maxBytes)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return batch, nil
}

func (tx *Tx) nextPushBatch(maxOps, maxBytes int) ([]protocol.Op, error) {
	type queued struct {
		seq    int64
		op     protocol.Op
		sealed []byte
	}
	var (
		batch []protocol.Op
		size  = len("[]")
		after int64
		stmts = stmtCache{tx: tx}
	)
	for len(batch) < maxOps {
		var page []queued
		err := stmts.each(`SELECT o.seq, o.op_id, o.entity, o.entity_id, o.op, o.payload, COALESCE(s.server_version, 0), o.pulled_to
			FROM outbox o LEFT JOIN sync_entity s ON s.entity = o.entity AND s.id = o.entity_id
			WHERE o.state = 'pending' AND o.seq > ? ORDER BY o.seq LIMIT ?`, []any{after, maxOps - len(batch)},
			func(rows *sql.Rows) error {
				var q queued
				err := rows.Scan(&q.seq, &q.op.OpID, &q.op.Entity, &q.op.EntityID, &q.op.Name, &q.sealed, &q.op.BaseVersion, &q.op.PulledTo)
				page = append(page, q)
				return err
			})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, q := range page {
			after = q.seq
			payload, err := tx.key.Open(outboxAAD(q.op.OpID), q.sealed)
			if err != nil {
				return nil, fmt.Errorf("outbox payload of %s: %w", q.op.OpID, err)
			}
			q.op.Payload = payload
			encoded, err := json.Marshal(q.op)
			if err != nil {
				return nil, fmt.Errorf("outbox op %s: %w", q.op.OpID, err)
			}
			n := len(encoded)
			clear(encoded)
			if len("[]")+n > maxBytes {
				if err := tx.setRejected(q.op.OpID, fmt.Sprintf("too large to send (%d bytes)", n)); err != nil {
					return nil, err
				}
				continue
			}
			if len(batch) > 0 {
				n++ // the comma
			}
			if size+n > maxBytes {
				return batch, markSent(&stmts, batch)
			}
			size += n
			batch = append(batch, q.op)
		}
	}
	return batch, markSent(&stmts, batch)
}

// markSent fences the ops of a batch. The first sending time is kept.
func markSent(stmts *stmtCache, batch []protocol.Op) error {
	for _, op := range batch {
		if _, err := stmts.exec("UPDATE outbox SET sent_at = COALESCE(sent_at, ?) WHERE op_id = ?", stmts.tx.now, op.OpID); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) setRejected(opID, reason string) error {
	if reason == "" {
		reason = "rejected by the server"
	}
	res, err := tx.tx.ExecContext(tx.ctx, "UPDATE outbox SET state = 'rejected', reason = ? WHERE op_id = ?", reason, opID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("%w: outbox op %s", ErrNotFound, opID)
	}
	return nil
}

// ApplyPushResults records the server's answer to each op of a batch, all
// in one transaction: applied → acknowledged; conflict → acknowledged (the
// server has the op, less the fields it kept) with one sync conflict per
// field it kept; rejected → rejected with the server's reason, kept in the
// outbox and shown, never blocking the queue. A duplicate counts as its
// original. A result naming an op this laptop never queued is an error and
// nothing is recorded. Push results never move a record's server version:
// only pulls do.
func (db *DB) ApplyPushResults(ctx context.Context, results []protocol.Result) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("record push results", true, func() error {
			stmts := stmtCache{tx: tx}
			for _, r := range results {
				if err := tx.applyPushResult(&stmts, r); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (tx *Tx) applyPushResult(stmts *stmtCache, r protocol.Result) error {
	var (
		entity, entityID string
		sealed           []byte
		resent           bool
	)
	err := stmts.scanRow("SELECT entity, entity_id, payload, resent FROM outbox WHERE op_id = ?", []any{r.OpID}, &entity, &entityID, &sealed, &resent)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: the server answered op %q, which this laptop never queued", ErrNotFound, r.OpID)
	}
	if err != nil {
		return err
	}
	if resent {
		if _, err := stmts.exec("UPDATE outbox SET resent = 0 WHERE op_id = ?", r.OpID); err != nil {
			return err
		}
	}
	outcome := r.Outcome()
	if resent && r.Status == protocol.Duplicate && outcome != protocol.Rejected {
		// Sent again after a restore, and the server still had it: this
		// laptop recorded that answer the first time (StartEpoch).
		outcome = protocol.Applied
	}
	switch outcome {
	case protocol.Applied:
		_, err = stmts.exec("UPDATE outbox SET state = 'acked', reason = '' WHERE op_id = ?", r.OpID)
		return err
	case protocol.Rejected:
		return tx.setRejected(r.OpID, r.Reason)
	case protocol.Conflict:
		if _, err := stmts.exec("UPDATE outbox SET state = 'acked', reason = '' WHERE op_id = ?", r.OpID); err != nil {
			return err
		}
		payload, err := tx.key.Open(outboxAAD(r.OpID), sealed)
		if err != nil {
			return fmt.Errorf("outbox payload of %s: %w", r.OpID, err)
		}
		defer clear(payload)
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(payload, &fields); err != nil {
			return fmt.Errorf("outbox payload of %s: %w", r.OpID, err)
		}
		names := make([]string, 0, len(r.Conflicts))
		for f := range r.Conflicts {
			names = append(names, f)
		}
		slices.Sort(names)
		for _, f := range names {
			local, ok := fields[f]
			if !ok {
				local = json.RawMessage("null")
			}
			if err := tx.recordConflict(entity, entityID, f, local, r.Conflicts[f], r.Version, r.OpID); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("the server answered op %s with %q, which is not an outcome", r.OpID, r.Status)
}

func conflictAAD(uid, column string) vault.AAD { return sealAAD("sync_conflict", column, uid) }

// recordConflict keeps both values of a field, replacing an older conflict
// on the same field.
func (tx *Tx) recordConflict(entity, entityID, field string, local, server json.RawMessage, serverVersion int64, opID string) error {
	if !json.Valid(server) {
		return fmt.Errorf("the server's value of %s.%s is not JSON", entity, field)
	}
	childID, err := tx.childOf(entity, entityID)
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM sync_conflict WHERE entity = ? AND entity_id = ? AND field = ?",
		entity, entityID, field); err != nil {
		return err
	}
	uid, err := newID()
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO sync_conflict (uid, entity, entity_id, child_id, field, local, server,
		server_version, op_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		uid, entity, entityID, childID, field, tx.key.Seal(conflictAAD(uid, "local"), local),
		tx.key.Seal(conflictAAD(uid, "server"), server), serverVersion, opID, tx.now)
	return err
}

// RejectOp sets one op aside as rejected, with the reason, when the server
// refused it outright (a 422: it holds a different op under this id).
func (db *DB) RejectOp(ctx context.Context, opID, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("reject op", false, func() error { return tx.setRejected(opID, reason) })
	})
}

// RejectedOp is an op the server (or this laptop, for one too large to
// send) refused, and why.
type RejectedOp struct {
	Op
	Reason string
}

// RejectedOps returns the rejected ops in the order they were made, with
// their payloads opened.
func (db *DB) RejectedOps(ctx context.Context) ([]RejectedOp, error) {
	var out []RejectedOp
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		return each(ctx, tx, `SELECT seq, op_id, entity, entity_id, op, payload, base_version, created_at, reason
			FROM outbox WHERE state = 'rejected' ORDER BY seq`, nil, func(rows *sql.Rows) error {
			var (
				r       RejectedOp
				sealed  []byte
				created string
			)
			if err := rows.Scan(&r.Seq, &r.OpID, &r.Entity, &r.EntityID, &r.Name, &sealed, &r.BaseVersion, &created, &r.Reason); err != nil {
				return err
			}
			payload, err := key.Open(outboxAAD(r.OpID), sealed)
			if err != nil {
				return fmt.Errorf("outbox payload of %s: %w", r.OpID, err)
			}
			if r.CreatedAt, err = parseTimestamp(created); err != nil {
				return fmt.Errorf("outbox created_at of %s: %w", r.OpID, err)
			}
			r.Payload = payload
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// SyncConflict is one field the server kept its own value of when it
// applied an op of this device. Local and Server are JSON values.
type SyncConflict struct {
	ID                      int64
	Entity, EntityID, Field string
	ChildID                 string // whose record it is, for the IRO to know which child
	Local, Server           json.RawMessage
	ServerVersion           int64
	OpID                    string
	CreatedAt               time.Time
}

const syncConflictColumns = `id, uid, entity, entity_id, child_id, field, local, server, server_version, op_id, created_at`

func scanSyncConflict(s scanner, key *vault.Key) (SyncConflict, error) {
	var (
		c             SyncConflict
		uid, created  string
		local, server []byte
	)
	if err := s.Scan(&c.ID, &uid, &c.Entity, &c.EntityID, &c.ChildID, &c.Field, &local, &server, &c.ServerVersion, &c.OpID, &created); err != nil {
		return c, err
	}
	var err error
	if c.Local, err = key.Open(conflictAAD(uid, "local"), local); err != nil {
		return c, fmt.Errorf("sync_conflict.local of %s: %w", uid, err)
	}
	if c.Server, err = key.Open(conflictAAD(uid, "server"), server); err != nil {
		return c, fmt.Errorf("sync_conflict.server of %s: %w", uid, err)
	}
	if c.CreatedAt, err = parseTimestamp(created); err != nil {
		return c, fmt.Errorf("sync_conflict.created_at of %s: %w", uid, err)
	}
	return c, nil
}

// SyncConflicts returns the open conflicts, oldest first.
func (db *DB) SyncConflicts(ctx context.Context) ([]SyncConflict, error) {
	var out []SyncConflict
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		return each(ctx, tx, "SELECT "+syncConflictColumns+" FROM sync_conflict ORDER BY id", nil, func(rows *sql.Rows) error {
			c, err := scanSyncConflict(rows, key)
			out = append(out, c)
			return err
		})
	})
	return out, err
}

// ResolveConflict settles a conflict with the value the IRO chose (JSON),
// in one transaction. The value goes into the local row (sealed if the
// column is), moving its version on so that an editor holding the old one
// gets ErrConflict. If it is not the server's value, an "<entity>.update"
// op carrying just that field is queued, for the IRO's choice to reach the
// server. Either way the record's server version becomes at least the
// conflict's, so the op's base covers the server value the IRO has seen.
// A conflict whose record is no longer on this laptop is simply dropped.
func (db *DB) ResolveConflict(ctx context.Context, id int64, value json.RawMessage) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("resolve a sync conflict", true, func() error { return tx.resolveConflict(id, value) })
	})
}

func (tx *Tx) resolveConflict(id int64, value json.RawMessage) error {
	if !json.Valid(value) {
		return errors.New("the chosen value is not JSON")
	}
	c, err := scanSyncConflict(tx.tx.QueryRowContext(tx.ctx, "SELECT "+syncConflictColumns+" FROM sync_conflict WHERE id = ?", id), tx.key)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: sync conflict %d", ErrNotFound, id)
	}
	if err != nil {
		return err
	}
	var childID string
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT child_id FROM sync_conflict WHERE id = ?", id).Scan(&childID); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM sync_conflict WHERE id = ?", id); err != nil {
		return err
	}
	t, err := loadSyncTable(tx, c.Entity)
	if err != nil {
		return fmt.Errorf("sync conflict %d: %w", id, err)
	}
	col, ok := t.field(c.Field)
	if !ok || !t.versioned {
		return fmt.Errorf("sync conflict %d: %s.%s is not a field that can be changed", id, c.Entity, c.Field)
	}
	var (
		version int
		current any
	)
	// Names from the schema (loadSyncTable), not from the conflict row.
	err = tx.tx.QueryRowContext(tx.ctx, "SELECT version, "+quote(col.name)+" FROM "+quote(t.name)+" WHERE "+quote(t.key)+" = ?",
		c.EntityID).Scan(&version, &current)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the record went (deleted here, or its child purged): nothing to settle
	}
	if err != nil {
		return err
	}
	want, err := col.value(value)
	if err != nil {
		return err
	}
	if current, err = tx.stored(t, col, c.EntityID, current); err != nil {
		return err
	}
	if !sameValue(current, want) {
		_, err := tx.tx.ExecContext(tx.ctx, "UPDATE "+quote(t.name)+" SET version = version + 1, updated_at = ?, "+quote(col.name)+
			" = ? WHERE "+quote(t.key)+" = ?", tx.now, tx.arg(t, col, c.EntityID, want), c.EntityID)
		if err != nil {
			return err
		}
	}
	if !jsonEqual(value, c.Server) {
		if err := tx.appendOp(c.Entity, c.EntityID, c.Entity+".update", version, map[string]json.RawMessage{c.Field: value}); err != nil {
			return err
		}
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO sync_entity (entity, id, child_id, server_version) VALUES (?, ?, ?, ?)
		ON CONFLICT (entity, id) DO UPDATE SET server_version = max(server_version, excluded.server_version)`,
		c.Entity, c.EntityID, childID, c.ServerVersion)
	return err
}
