package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/vault"
)

// The laptop's side of sync (migration 0005). DESIGN.md's rules, as the
// store keeps them:
//
//   - An op goes out with the server version of its record the device last
//     pulled (sync_entity) as its base. Only pulls move that, and never while
//     the record has pending ops, so the base an op is pushed with is the one
//     it was made against.
//   - An op put in a push batch is fenced (sent_at): autosave no longer
//     merges into it, and it is re-sent unchanged until the server answers.
//   - Pulled data never overwrites a field with pending ops or an open
//     conflict, and never writes an outbox op.
//   - A page of changes and the cursor after it are saved in one
//     transaction.
//
// This file holds the enrolment and the sync status; sync_push.go the push
// side and conflicts; sync_pull.go the pull side and purges.

// errNotEnrolled is returned by the calls that need the sync_state row.
var errNotEnrolled = errors.New("store: this laptop is not enrolled with a sync server")

// syncStateRow is the one sync_state row's id, and the row id its token is
// sealed under.
const syncStateRow = "1"

func tokenAAD() vault.AAD { return sealAAD("sync_state", "token", syncStateRow) }

// SyncState is the enrolment with the sync server and where pulling got to:
// Cursor, within the server's Epoch ("" until the first sync tells it).
type SyncState struct {
	Server, DeviceID, IRO, Token string
	Cursor                       int64
	Epoch                        string
	LastSync                     time.Time // the last sync that succeeded; zero if none has
	LastError                    string    // the last attempt's error; "" if it succeeded
}

// SyncState returns the enrolment, or false if the laptop is not enrolled.
// It needs the key: the token is sealed.
func (db *DB) SyncState(ctx context.Context) (SyncState, bool, error) {
	var (
		s     SyncState
		found bool
	)
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		var token []byte
		err := tx.QueryRowContext(ctx, `SELECT server, device_id, iro, token, cursor, epoch, last_sync, last_error
			FROM sync_state WHERE id = ?`, syncStateRow).Scan(&s.Server, &s.DeviceID, &s.IRO, &token, &s.Cursor, &s.Epoch,
			nullTimestamp{&s.LastSync}, &s.LastError)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: read the sync state: %w", err)
		}
		plain, err := key.Open(tokenAAD(), token)
		if err != nil {
			return fmt.Errorf("store: sync_state.token: %w", err)
		}
		s.Token, found = string(plain), true
		clear(plain)
		return nil
	})
	if err != nil || !found {
		return SyncState{}, false, err
	}
	return s, true, nil
}

// SaveEnrolment records the server and the device token it issued, sealing
// the token. A new enrolment starts pulling from the beginning (cursor 0, no
// epoch yet) and forgets the last sync and its error. It is audited, without
// the token.
func (db *DB) SaveEnrolment(ctx context.Context, server, deviceID, iro, token string) error {
	if server == "" || deviceID == "" || token == "" {
		return errors.New("store: an enrolment needs a server, a device id and a token")
	}
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("save the enrolment", true, func() error {
			_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO sync_state (id, server, device_id, iro, token, cursor, epoch, last_sync, last_error)
				VALUES (?, ?, ?, ?, ?, 0, '', NULL, '')
				ON CONFLICT (id) DO UPDATE SET server = excluded.server, device_id = excluded.device_id, iro = excluded.iro,
					token = excluded.token, cursor = 0, epoch = '', last_sync = NULL, last_error = ''`,
				syncStateRow, server, deviceID, iro, tx.key.Seal(tokenAAD(), []byte(token)))
			if err != nil {
				return err
			}
			return appendAudit(tx.ctx, tx.tx, tx.now, AuditSync, "enrolled")
		})
	})
}

// StartEpoch starts sync again with a server whose database was restored
// from a backup (its epoch is now epoch): what this laptop knew of the
// server may be gone from it. In one transaction, every acknowledged op is
// queued again, in its original order with its original id, marked resent
// (the server answers duplicate for those the backup kept, and applies the
// rest); pending ops and the resent are stamped as made before any pull of
// the new epoch; the server versions of records are forgotten, so the
// resent go out against base 0 and a field another device changed on the
// restored server comes back as a conflict rather than being overwritten;
// records parked for a parent or set aside are dropped (the pull from 0
// sends them again, as the restored server has them); and pulling starts
// again from cursor 0. Nothing pulled ever
// overwrites a record with pending ops, so the IRO's work stands. It is
// audited, with counts only.
func (db *DB) StartEpoch(ctx context.Context, epoch string) error {
	if epoch == "" {
		return errors.New("store: a new epoch needs a name")
	}
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("start a new sync epoch", false, func() error {
			res, err := tx.tx.ExecContext(tx.ctx, "UPDATE outbox SET state = 'pending', resent = 1 WHERE state = 'acked'")
			if err != nil {
				return err
			}
			resent, err := res.RowsAffected()
			if err != nil {
				return err
			}
			for _, q := range []string{"UPDATE outbox SET pulled_to = 0 WHERE state = 'pending'",
				"DELETE FROM sync_entity", "DELETE FROM sync_parked", "DELETE FROM sync_set_aside"} {
				if _, err := tx.tx.ExecContext(tx.ctx, q); err != nil {
					return err
				}
			}
			if err := tx.updateSyncState("cursor = 0, epoch = ?", epoch); err != nil {
				return err
			}
			return appendAudit(tx.ctx, tx.tx, tx.now, AuditSync,
				fmt.Sprintf("the server was restored from a backup: %d changes queued again, pulling everything again", resent))
		})
	})
}

// RevokedWaiting lists the children the server revoked that this laptop
// has not purged yet (they wait for the outbox to drain). A pull tells the
// server, so that it knows every other revoked child is purged.
func (db *DB) RevokedWaiting(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.read(ctx, func(tx *sql.Tx, _ *vault.Key) error {
		return each(ctx, tx, "SELECT child_id FROM sync_revoked ORDER BY child_id", nil, func(rows *sql.Rows) error {
			var id string
			err := rows.Scan(&id)
			ids = append(ids, id)
			return err
		})
	})
	return ids, err
}

// RecordSync records how a sync attempt at at ended: syncErr "" for success
// (it becomes the last sync), else what went wrong (the last sync stays the
// last one that succeeded). The audit entry holds counts only, never the
// error, which may quote a server's words. It needs no key.
func (db *DB) RecordSync(ctx context.Context, at time.Time, syncErr string) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.write("record the sync", false, func() error {
			var err error
			if syncErr == "" {
				err = tx.updateSyncState("last_sync = ?, last_error = ''", timestamp(at))
			} else {
				err = tx.updateSyncState("last_error = ?", syncErr)
			}
			if err != nil {
				return err
			}
			var pending, conflicts, rejected int
			if err := tx.tx.QueryRowContext(tx.ctx, syncCountsQuery).Scan(&pending, &conflicts, &rejected); err != nil {
				return err
			}
			outcome := "synced"
			if syncErr != "" {
				outcome = "sync failed"
			}
			return appendAudit(tx.ctx, tx.tx, timestamp(at), AuditSync,
				fmt.Sprintf("%s: %d pending, %d conflicts, %d rejected", outcome, pending, conflicts, rejected))
		})
	})
}

// SyncCounts is what the footer and the sync screen show without the key.
// SetAside counts the pulled records this laptop could not store.
type SyncCounts struct {
	Pending, Conflicts, Rejected, SetAside int
	LastSync                               time.Time
	LastError                              string
	Enrolled                               bool
}

const syncCountsQuery = `SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),
	(SELECT count(*) FROM sync_conflict), (SELECT count(*) FROM outbox WHERE state = 'rejected')`

// SyncCounts counts pending ops, open conflicts and rejected ops and reads
// the last sync. It reads plaintext columns only, so it works while locked.
func (db *DB) SyncCounts(ctx context.Context) (SyncCounts, error) {
	var c SyncCounts
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return c, fmt.Errorf("store: begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := tx.QueryRowContext(ctx, syncCountsQuery+", (SELECT count(*) FROM sync_set_aside)").
		Scan(&c.Pending, &c.Conflicts, &c.Rejected, &c.SetAside); err != nil {
		return SyncCounts{}, fmt.Errorf("store: count sync work: %w", err)
	}
	err = tx.QueryRowContext(ctx, "SELECT last_sync, last_error FROM sync_state WHERE id = ?", syncStateRow).
		Scan(nullTimestamp{&c.LastSync}, &c.LastError)
	switch {
	case err == nil:
		c.Enrolled = true
	case !errors.Is(err, sql.ErrNoRows):
		return SyncCounts{}, fmt.Errorf("store: read the sync state: %w", err)
	}
	return c, nil
}

// SetAsideRecord is a pulled record this laptop could not store: which
// record, whose, the server's version of it, why (in plain words, naming
// fields but no values) and when. The record itself stays sealed.
type SetAsideRecord struct {
	Entity, ID, ChildID string
	Version             int64
	Reason              string
	At                  time.Time
}

// SetAsideRecords lists the records set aside, oldest first. It reads
// plaintext columns only, so it works while locked.
func (db *DB) SetAsideRecords(ctx context.Context) ([]SetAsideRecord, error) {
	var out []SetAsideRecord
	rows, err := db.sql.QueryContext(ctx, `SELECT entity, entity_id, child_id, server_version, reason, set_aside_at
		FROM sync_set_aside ORDER BY set_aside_at, id`)
	err = eachRow(rows, err, func(rows *sql.Rows) error {
		var r SetAsideRecord
		if err := rows.Scan(&r.Entity, &r.ID, &r.ChildID, &r.Version, &r.Reason, nullTimestamp{&r.At}); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: list the records set aside: %w", err)
	}
	return out, nil
}

// updateSyncState sets columns of the one sync_state row; without the row
// the laptop is not enrolled.
func (tx *Tx) updateSyncState(set string, args ...any) error {
	res, err := tx.tx.ExecContext(tx.ctx, "UPDATE sync_state SET "+set+" WHERE id = ?", append(args, syncStateRow)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNotEnrolled
	}
	return nil
}
