package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/vault"
)

// Helpers shared by the review-cycle tables (migration 0002).

// updateRow finishes an Update… of one versioned row: it insists the stored
// row is still at the version the caller read (else ErrConflict), and if the
// fields changed it runs "UPDATE table SET version = version + 1, updated_at,
// set… WHERE id" with args and queues table.update carrying only the changed
// fields. An unchanged row writes nothing, so autosave can call freely.
func (tx *Tx) updateRow(table, id string, stored, have int, before, after any, set string, args ...any) (bool, error) {
	if stored != have {
		return false, fmt.Errorf("%w: %s %s is at version %d, not %d", ErrConflict, table, id, stored, have)
	}
	changed, err := changedFields(before, after)
	if err != nil || len(changed) == 0 {
		return false, err
	}
	_, err = tx.tx.ExecContext(tx.ctx, "UPDATE "+table+" SET version = version + 1, updated_at = ?, "+set+" WHERE id = ?",
		append(append([]any{tx.now}, args...), id)...)
	if err != nil {
		return false, err
	}
	if err := tx.appendOp(table, id, table+".update", stored, changed); err != nil {
		return false, err
	}
	return true, nil
}

// deleteRow deletes one versioned row and queues table.delete against the
// version it had. Its children go with it (ON DELETE CASCADE); the server
// does the same when it applies the op.
func (tx *Tx) deleteRow(table, id string) error {
	var version int
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT version FROM "+table+" WHERE id = ?", id).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s %s", ErrNotFound, table, id)
	}
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM "+table+" WHERE id = ?", id); err != nil {
		return err
	}
	return tx.appendOp(table, id, table+".delete", version, struct{}{})
}

// sealAAD names where a sealed column value lives.
func sealAAD(table, column, rowID string) vault.AAD {
	return vault.AAD{Table: table, Column: column, RowID: rowID}
}

// notFound turns sql.ErrNoRows into ErrNotFound naming what was looked for.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s %s", ErrNotFound, what, id)
	}
	return err
}

// missingParent turns the foreign-key failure of an insert into ErrNotFound
// naming the parent the caller gave.
func missingParent(err error, what, id string) error {
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return fmt.Errorf("%w: %s %s", ErrNotFound, what, id)
	}
	return err
}

// timestampArg stores the zero time ("not yet") as NULL.
func timestampArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return timestamp(t)
}

// timestampField is a timestamp as op payloads carry it: the stored text,
// "" for the zero time.
func timestampField(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timestamp(t)
}

// nullTimestamp scans a nullable timestamp column.
type nullTimestamp struct{ t *time.Time }

func (n nullTimestamp) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*n.t = time.Time{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("timestamp column holds %T", src)
	}
	t, err := parseTimestamp(s)
	*n.t = t
	return err
}
