package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/vault"
)

// ErrDemoPassphrase means a passphrase change was asked of a demo database,
// whose passphrase is published: a new one would protect nothing (the
// people in it are made up) and would stop `iro demo` from opening it.
var ErrDemoPassphrase = errors.New("store: this is a demo database; its passphrase is published and cannot be changed")

// changeStep names the points a passphrase change passes, for tests that
// interrupt it at each one.
type changeStep int

const (
	changeReadKeyMaterial changeStep = iota // the current row has been read
	changeUnwrapped                         // the old passphrase has unwrapped the data key
	changeWrapped                           // the new KEK is derived and the data key wrapped under it
	changeRowReplaced                       // the new row is written in the transaction, not yet committed
)

func (s changeStep) String() string {
	return [...]string{"read key material", "unwrapped with the old passphrase", "wrapped under the new passphrase", "row replaced, not committed"}[s]
}

// ChangePassphrase re-wraps the data key under newPassphrase. The data key
// and its version stay the same, so no sealed value is re-encrypted and an
// unlocked database stays unlocked. The key_material row is replaced in one
// transaction: a crash leaves either the old row or the new one, never a
// database neither passphrase opens. A wrong old passphrase returns
// vault.ErrWrongPassphrase; it does not count towards the unlock backoff,
// so callers facing a person should pass it through UnlockWithBackoff first.
func (db *DB) ChangePassphrase(ctx context.Context, oldPassphrase, newPassphrase []byte) error {
	return db.changePassphrase(ctx, oldPassphrase, newPassphrase, nil)
}

// changePassphrase is ChangePassphrase with a hook for tests: reached, when
// not nil, is called after each step, and an error from it abandons the
// change there.
func (db *DB) changePassphrase(ctx context.Context, oldPassphrase, newPassphrase []byte, reached func(changeStep) error) error {
	step := func(s changeStep) error {
		if reached == nil {
			return nil
		}
		return reached(s)
	}
	if err := vault.ValidatePassphrase(string(newPassphrase)); err != nil {
		return err
	}
	demo, err := db.IsDemo(ctx)
	if err != nil {
		return err
	}
	if demo {
		return ErrDemoPassphrase
	}

	// Both Argon2id derivations happen before the transaction, so other
	// writers are not held up for seconds; the UPDATE matches the row read
	// here, so a change made meanwhile by another process is not lost.
	old, err := db.keyMaterial(ctx)
	if err != nil {
		return err
	}
	if err := step(changeReadKeyMaterial); err != nil {
		return err
	}
	key, err := vault.Unlock(oldPassphrase, old)
	if err != nil {
		return err
	}
	defer key.Wipe()
	if err := step(changeUnwrapped); err != nil {
		return err
	}
	km, err := key.Wrap(newPassphrase, old.Params)
	if err != nil {
		return err
	}
	if err := step(changeWrapped); err != nil {
		return err
	}

	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	res, err := tx.ExecContext(ctx, `UPDATE key_material
		SET salt = ?, argon2_time = ?, argon2_memory_kib = ?, argon2_threads = ?, wrapped_key = ?
		WHERE id = 1 AND salt = ? AND wrapped_key = ? AND key_version = ?`,
		km.Salt, km.Params.Time, km.Params.MemoryKiB, km.Params.Threads, km.Wrapped,
		old.Salt, old.Wrapped, old.KeyVersion)
	if err != nil {
		return fmt.Errorf("store: save the new key material: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: save the new key material: %w", err)
	} else if n != 1 {
		return fmt.Errorf("store: the passphrase was changed by another iro meanwhile: %w", ErrConflict)
	}
	if err := appendAudit(ctx, tx, timestamp(time.Now()), AuditPassphraseChange, ""); err != nil {
		return err
	}
	if err := step(changeRowReplaced); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit the new key material: %w", err)
	}
	committed = true
	return nil
}
