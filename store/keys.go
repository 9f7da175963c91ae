package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/vault"
)

// Initialised reports whether a passphrase has been set up.
func (db *DB) Initialised(ctx context.Context) (bool, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM key_material").Scan(&n); err != nil {
		return false, fmt.Errorf("store: read key material: %w", err)
	}
	return n > 0, nil
}

// Initialise creates the data key under passphrase and leaves the database
// unlocked. demo marks a database of fake people, so the app can say so.
func (db *DB) Initialise(ctx context.Context, passphrase []byte, demo bool, p vault.Params) error {
	// Checked first only to save the Argon2 cost; the INSERT below is what
	// stops a concurrent Initialise.
	if ok, err := db.Initialised(ctx); err != nil {
		return err
	} else if ok {
		return ErrAlreadyInitialised
	}
	key, km, err := vault.Create(passphrase, p)
	if err != nil {
		return err
	}
	_, err = db.sql.ExecContext(ctx, `INSERT INTO key_material
		(id, salt, argon2_time, argon2_memory_kib, argon2_threads, key_version, wrapped_key, is_demo, created_at)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
		km.Salt, km.Params.Time, km.Params.MemoryKiB, km.Params.Threads, km.KeyVersion, km.Wrapped, demo, timestamp(time.Now()))
	if err != nil {
		key.Wipe()
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return ErrAlreadyInitialised
		}
		return fmt.Errorf("store: save key material: %w", err)
	}
	db.setKey(key)
	return nil
}

// Unlock unwraps the data key; a wrong passphrase gives vault.ErrWrongPassphrase.
func (db *DB) Unlock(ctx context.Context, passphrase []byte) error {
	km, err := db.keyMaterial(ctx)
	if err != nil {
		return err
	}
	key, err := vault.Unlock(passphrase, km)
	if err != nil {
		return err
	}
	db.setKey(key)
	return nil
}

// Lock wipes the data key. It waits for reads and transactions in flight, so
// it must not be called from inside an Update callback.
func (db *DB) Lock() {
	if db.setKey(nil) {
		_ = db.Audit(context.Background(), AuditLock, "") // Lock cannot fail; the key is gone either way
	}
}

// setKey replaces the key, wiping the old one, and reports whether there was one.
func (db *DB) setKey(k *vault.Key) (had bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	had = db.key != nil
	if had {
		db.key.Wipe()
	}
	db.key = k
	return had
}

// IsDemo reports whether the database holds a demo caseload of fake people.
// It needs no passphrase; a database with no key yet is not a demo.
func (db *DB) IsDemo(ctx context.Context) (bool, error) {
	var demo bool
	err := db.sql.QueryRowContext(ctx, "SELECT is_demo FROM key_material").Scan(&demo)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read key material: %w", err)
	}
	return demo, nil
}

func (db *DB) keyMaterial(ctx context.Context) (vault.KeyMaterial, error) {
	var (
		km                    vault.KeyMaterial
		time, memory, threads int64
	)
	err := db.sql.QueryRowContext(ctx, `SELECT salt, argon2_time, argon2_memory_kib, argon2_threads, key_version, wrapped_key
		FROM key_material`).Scan(&km.Salt, &time, &memory, &threads, &km.KeyVersion, &km.Wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return km, ErrNotInitialised
	}
	if err != nil {
		return km, fmt.Errorf("store: read key material: %w", err)
	}
	// Out-of-range values would wrap round in the conversion and could slip
	// past the vault's floor.
	if time < 0 || time > math.MaxUint32 || memory < 0 || memory > math.MaxUint32 || threads < 0 || threads > math.MaxUint8 {
		return km, fmt.Errorf("%w: stored time=%d memory=%d threads=%d", vault.ErrWeakParams, time, memory, threads)
	}
	km.Params = vault.Params{Time: uint32(time), MemoryKiB: uint32(memory), Threads: uint8(threads)}
	return km, nil
}
