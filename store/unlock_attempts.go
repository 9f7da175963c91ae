package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/iro-app/iro/internal/vault"
)

// TooSoonError means an unlock came before the backoff earned by earlier
// wrong passphrases had passed. The passphrase was not tried, so the
// attempt neither counts as a failure nor resets the count.
type TooSoonError struct {
	Wait time.Duration // until the next attempt is allowed
}

func (e *TooSoonError) Error() string {
	secs := int(math.Ceil(e.Wait.Seconds()))
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return fmt.Sprintf("too many wrong passphrases: wait %d %s before trying again", secs, unit)
}

// unlockFailuresSetting is the settings row that counts wrong passphrases in
// a row. It lives in the database so that restarting iro does not reset the
// backoff. It is plaintext and holds no secret: whoever can edit it can copy
// the file and guess offline, where Argon2id is what slows them.
const unlockFailuresSetting = "unlock_failures"

// unlockFailures is the stored count of wrong passphrases in a row and when
// the last one was typed.
type unlockFailures struct {
	Count int    `json:"count"`
	Last  string `json:"last"` // timestamp()
}

// UnlockWithBackoff is Unlock behind the unlock backoff (vault.UnlockBackoff):
// before the wait earned by earlier failures has passed it returns a
// *TooSoonError without trying the passphrase; a wrong passphrase returns
// vault.ErrWrongPassphrase and lengthens the wait; the right one resets it.
// now is the time of the attempt.
//
// The attempt is counted as a failure before the passphrase is tried and
// forgiven once it proves right, so killing iro while Argon2id runs cannot
// dodge the count.
func (db *DB) UnlockWithBackoff(ctx context.Context, passphrase []byte, now time.Time) error {
	km, err := db.keyMaterial(ctx)
	if err != nil {
		return err
	}
	if err := db.countUnlockAttempt(ctx, now); err != nil {
		return err
	}
	key, err := vault.Unlock(passphrase, km)
	if err != nil {
		_ = db.audit(ctx, now, AuditUnlockFailed, "") // the failure counted above matters more
		return err
	}
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", unlockFailuresSetting); err != nil {
		key.Wipe()
		return fmt.Errorf("store: reset the failed-unlock count: %w", err)
	}
	if err := db.audit(ctx, now, AuditUnlock, ""); err != nil {
		key.Wipe()
		return err
	}
	db.setKey(key)
	return nil
}

// UnlockDelay is how long from now until UnlockWithBackoff will try a
// passphrase again: zero when it will now. The unlock screen counts it down.
func (db *DB) UnlockDelay(ctx context.Context, now time.Time) (time.Duration, error) {
	f, err := readUnlockFailures(ctx, db.sql)
	if err != nil {
		return 0, err
	}
	return f.wait(now), nil
}

// countUnlockAttempt refuses an attempt that comes too soon and otherwise
// records it as a failure, in one immediate transaction so that two iro
// processes cannot both slip in on the same allowance.
func (db *DB) countUnlockAttempt(ctx context.Context, now time.Time) (err error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	f, err := readUnlockFailures(ctx, tx)
	if err != nil {
		return err
	}
	if wait := f.wait(now); wait > 0 {
		return &TooSoonError{Wait: wait}
	}
	next := unlockFailures{Count: min(f.Count+1, maxCountedFailures), Last: timestamp(now)}
	value, err := json.Marshal(next)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, unlockFailuresSetting, string(value)); err != nil {
		return fmt.Errorf("store: count the unlock attempt: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: count the unlock attempt: %w", err)
	}
	return nil
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readUnlockFailures reads the count. A row that does not parse (edited by
// hand, or by a bug) is read as the longest backoff already served, so that
// the next wrong passphrase costs the full wait rather than locking the IRO
// out of the caseload for good or wiping the count clean.
func readUnlockFailures(ctx context.Context, q queryRower) (unlockFailures, error) {
	var value string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", unlockFailuresSetting).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return unlockFailures{}, nil
	}
	if err != nil {
		return unlockFailures{}, fmt.Errorf("store: read the failed-unlock count: %w", err)
	}
	var f unlockFailures
	if json.Unmarshal([]byte(value), &f) != nil || f.Count < 0 || f.Count > maxCountedFailures {
		return unlockFailures{Count: maxCountedFailures}, nil
	}
	if _, err := parseTimestamp(f.Last); err != nil {
		return unlockFailures{Count: maxCountedFailures}, nil
	}
	return f, nil
}

// maxCountedFailures is far past the cap of the backoff and keeps Count+1
// from overflowing however often someone guesses.
const maxCountedFailures = 1 << 20

// wait is how long after now the next attempt must wait. A clock set back
// before the last failure waits the whole backoff, no longer: a wrong
// laptop clock must not lock the IRO out for the size of the error.
func (f unlockFailures) wait(now time.Time) time.Duration {
	backoff := vault.UnlockBackoff(f.Count)
	if backoff == 0 {
		return 0
	}
	last, err := parseTimestamp(f.Last)
	if err != nil {
		return 0 // only a damaged row, which readUnlockFailures has already replaced
	}
	elapsed := max(now.Sub(last), 0)
	return max(backoff-elapsed, 0)
}
