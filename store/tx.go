package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
	"github.com/iro-app/iro/internal/vault"
)

// Tx is one write transaction, handed to an Update callback.
type Tx struct {
	ctx context.Context // the Update's; Tx methods would otherwise each need one
	tx  *sql.Tx
	key *vault.Key // nil while locked
	now string     // one timestamp for every row the transaction touches

	// failed is the first write error. It dooms the transaction even if the
	// callback ignores it, so a row can never be committed without its op.
	failed error
}

// Update runs fn in one immediate transaction and commits if fn returns nil
// and none of its writes failed; otherwise, or if fn panics, it rolls back.
// fn must do all its work through tx: calling other DB methods from inside
// it can deadlock.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()

	sqlTx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = sqlTx.Rollback()
		}
	}()

	tx := &Tx{ctx: ctx, tx: sqlTx, key: db.key, now: timestamp(time.Now())}
	if err := fn(tx); err != nil {
		return err
	}
	if tx.failed != nil {
		return tx.failed
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return nil
}

// write runs one logical write (a row and its op) and records its failure.
func (tx *Tx) write(what string, sealed bool, fn func() error) error {
	if tx.failed != nil {
		return fmt.Errorf("store: %s: an earlier write in this transaction failed: %w", what, tx.failed)
	}
	err := ErrLocked
	if tx.key != nil || !sealed {
		err = fn()
	}
	if err != nil {
		tx.failed = fmt.Errorf("store: %s: %w", what, err)
		return tx.failed
	}
	return nil
}

// seal encrypts one column value for its row. Only called inside a sealed
// write, so the key is present and cannot be wiped (Update holds db.mu).
func (tx *Tx) seal(table, column, rowID, value string) []byte {
	return tx.key.Seal(vault.AAD{Table: table, Column: column, RowID: rowID}, []byte(value))
}

// appendOp queues the change for sync. fields is marshalled to JSON with the
// entity's column names as keys.
func (tx *Tx) appendOp(entity, entityID, name string, baseVersion int, fields any) error {
	payload, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	defer clear(payload)
	if err := checkQueued(entity, entityID, name, payload); err != nil {
		return err
	}
	opID, err := newID()
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO outbox
		(op_id, entity, entity_id, op, payload, base_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		opID, entity, entityID, name, tx.key.Seal(outboxAAD(opID), payload), baseVersion, tx.now)
	return err
}

// checkQueued refuses an op the server would refuse or that could never be
// sent, so that a save is never accepted here and rejected later (the
// rejection would come after the IRO had moved on): it must fit the sync
// schema the server enforces, and a push batch whole, at the largest its
// base version and cursor can grow to. The push batch is the tighter cap
// on text: a field may be up to syncschema.MaxFieldBytes, but no op may
// pass protocol.MaxBatchBytes.
func checkQueued(entity, entityID, name string, payload []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return err
	}
	if err := syncschema.CheckOp(entity, entityID, protocol.KindOf(name), fields); err != nil {
		return fmt.Errorf("%w: %v", ErrCannotSync, err)
	}
	envelope, err := json.Marshal(protocol.Op{OpID: "01900000-0000-7000-8000-000000000000", Entity: entity, EntityID: entityID,
		Name: name, BaseVersion: math.MaxInt64, PulledTo: math.MaxInt64, Payload: json.RawMessage("{}")})
	if err != nil {
		return err
	}
	if n := len("[]") + len(envelope) - len("{}") + len(payload); n > protocol.MaxBatchBytes {
		return fmt.Errorf("%w: it is %d bytes, more than the %d that go to the server at once; shorten the text", ErrCannotSync, n, protocol.MaxBatchBytes)
	}
	return nil
}

func outboxAAD(opID string) vault.AAD {
	return vault.AAD{Table: "outbox", Column: "payload", RowID: opID}
}

// newID makes a UUIDv7: unique without asking the server, and time-ordered
// so that ids sort roughly by creation.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// dateArg stores the zero Date ("no date") as NULL.
func dateArg(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// civilDate scans a nullable YYYY-MM-DD column.
type civilDate struct{ d *calendar.Date }

func (c civilDate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.d = calendar.Date{}
		return nil
	case string:
		return c.d.UnmarshalText([]byte(v))
	case []byte:
		return c.d.UnmarshalText(v)
	}
	return fmt.Errorf("date column holds %T", src)
}
