package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Op is one queued change, as sync will push it. Payload is JSON whose keys
// are the entity table's column names; a create carries every field, an
// update only the fields it changed.
type Op struct {
	Seq         int64
	OpID        string
	Entity      string // table name: child, review, section, recommendation, …
	EntityID    string
	Name        string // intent, e.g. review.update
	Payload     []byte
	BaseVersion int // the version the change was made against; 0 for a create
	CreatedAt   time.Time
}

// PendingOps returns up to limit pending ops (all of them if limit <= 0) in
// the order they were made, with payloads opened: those not yet sent, and
// those sent whose answer has not arrived (sync_push.go).
func (db *DB) PendingOps(ctx context.Context, limit int) ([]Op, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.key == nil {
		return nil, ErrLocked
	}
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	var ops []Op
	err = each(ctx, tx, `SELECT seq, op_id, entity, entity_id, op, payload, base_version, created_at
		FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`, []any{limit}, func(rows *sql.Rows) error {
		var (
			op      Op
			sealed  []byte
			created string
		)
		if err := rows.Scan(&op.Seq, &op.OpID, &op.Entity, &op.EntityID, &op.Name, &sealed, &op.BaseVersion, &created); err != nil {
			return err
		}
		payload, err := db.key.Open(outboxAAD(op.OpID), sealed)
		if err != nil {
			return fmt.Errorf("outbox payload of %s: %w", op.OpID, err)
		}
		if op.CreatedAt, err = parseTimestamp(created); err != nil {
			return fmt.Errorf("outbox created_at of %s: %w", op.OpID, err)
		}
		op.Payload = payload
		ops = append(ops, op)
		return nil
	})
	return ops, err
}
