package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Audit events: what the local audit log records.
const (
	AuditUnlock           = "unlock"
	AuditUnlockFailed     = "unlock_failed"
	AuditLock             = "lock"
	AuditExport           = "export"
	AuditImport           = "import"
	AuditPurge            = "purge"
	AuditPassphraseChange = "passphrase_change"
	AuditSync             = "sync"
)

var auditEvents = []string{AuditUnlock, AuditUnlockFailed, AuditLock, AuditExport, AuditImport, AuditPurge, AuditPassphraseChange, AuditSync}

// iroNameSetting is the settings row holding the IRO's name, which the
// audit log records as who did each thing.
const iroNameSetting = "iro_name"

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time
	Who    string // the IRO's name when it happened; "" before setup
	Event  string // one of the Audit* constants
	Detail string // plaintext: never a sealed value or a child's data
}

// Audit appends event to the local audit log, with the IRO's name from
// settings and the time now. It needs no key, so it works while locked.
// detail is stored in plaintext: callers must never put a sealed value or
// anything identifying a child in it (an opaque local id is fine).
func (db *DB) Audit(ctx context.Context, event, detail string) error {
	return db.audit(ctx, time.Now(), event, detail)
}

func (db *DB) audit(ctx context.Context, at time.Time, event, detail string) error {
	return appendAudit(ctx, db.sql, timestamp(at), event, detail)
}

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// appendAudit writes one entry through e, so a caller with a transaction can
// record the event in the same commit as the change it describes.
func appendAudit(ctx context.Context, e execer, at, event, detail string) error {
	if !slices.Contains(auditEvents, event) {
		return fmt.Errorf("store: audit: unknown event %q", event)
	}
	_, err := e.ExecContext(ctx, `INSERT INTO audit (at, who, event, detail)
		VALUES (?, COALESCE((SELECT value FROM settings WHERE key = ?), ''), ?, ?)`,
		at, iroNameSetting, event, detail)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", event, err)
	}
	return nil
}

// Audit appends event to the audit log in this transaction, so it is kept
// if and only if the change it describes is. The same rules for detail hold
// as for DB.Audit.
func (tx *Tx) Audit(event, detail string) error {
	return tx.write("audit "+event, false, func() error {
		return appendAudit(tx.ctx, tx.tx, tx.now, event, detail)
	})
}

// AuditLog returns up to limit entries of the audit log, newest first; all
// of them when limit <= 0. It needs no key.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT at, who, event, detail FROM audit ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("store: read the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Who, &e.Event, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: read the audit log: %w", err)
		}
		if e.At, err = parseTimestamp(at); err != nil {
			return nil, fmt.Errorf("store: read the audit log: bad time %q: %w", at, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read the audit log: %w", err)
	}
	return out, nil
}
