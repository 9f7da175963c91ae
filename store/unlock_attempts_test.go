package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/vault"
)

var wrongPassphrase = []byte("not the passphrase at all")

// unlockT0 is the fake clock's start; every test moves it by hand.
var unlockT0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// failUnlock types a wrong passphrase at now and insists it was tried.
func failUnlock(t *testing.T, db *DB, now time.Time) {
	t.Helper()
	if err := db.UnlockWithBackoff(context.Background(), wrongPassphrase, now); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase at %v: %v, want vault.ErrWrongPassphrase", now.Sub(unlockT0), err)
	}
}

func unlockDelay(t *testing.T, db *DB, now time.Time) time.Duration {
	t.Helper()
	d, err := db.UnlockDelay(context.Background(), now)
	if err != nil {
		t.Fatalf("UnlockDelay: %v", err)
	}
	return d
}

// wantTooSoon insists an attempt at now is refused untried with wait left.
func wantTooSoon(t *testing.T, db *DB, pass []byte, now time.Time, wait time.Duration) {
	t.Helper()
	err := db.UnlockWithBackoff(context.Background(), pass, now)
	var tooSoon *TooSoonError
	if !errors.As(err, &tooSoon) || tooSoon.Wait != wait {
		t.Fatalf("attempt %v after the start = %v, want a TooSoonError waiting %v", now.Sub(unlockT0), err, wait)
	}
}

// lockedTestDB is an initialised database, locked as on a fresh start.
func lockedTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	db, path := unlockedTestDB(t)
	db.Lock()
	return db, path
}

// TestUnlockBackoffSequence types wrong passphrases as fast as the backoff
// allows: none of the first five waits, then 1 s doubling to the 60 s cap.
// An attempt a millisecond early is refused without being tried (it does
// not lengthen the wait); one at the end of the wait is tried.
func TestUnlockBackoffSequence(t *testing.T) {
	t.Parallel()
	db, _ := lockedTestDB(t)
	now := unlockT0
	for _, tc := range []struct {
		failure int
		wait    time.Duration // after this failure, before the next attempt
	}{
		{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0},
		{6, 1 * time.Second},
		{7, 2 * time.Second},
		{8, 4 * time.Second},
		{9, 8 * time.Second},
		{10, 16 * time.Second},
		{11, 32 * time.Second},
		{12, 60 * time.Second}, // would be 64 s
		{13, 60 * time.Second},
	} {
		failUnlock(t, db, now)
		if got := unlockDelay(t, db, now); got != tc.wait {
			t.Fatalf("after failure %d: delay %v, want %v", tc.failure, got, tc.wait)
		}
		if tc.wait > 0 {
			early := now.Add(tc.wait - time.Millisecond)
			wantTooSoon(t, db, wrongPassphrase, early, time.Millisecond)
			wantTooSoon(t, db, passphrase, early, time.Millisecond)
			if got := unlockDelay(t, db, now.Add(time.Second/2)); got != max(tc.wait-time.Second/2, 0) {
				t.Fatalf("after failure %d, half a second on: delay %v", tc.failure, got)
			}
		}
		now = now.Add(tc.wait)
	}
	if holdsKey(db) {
		t.Fatal("the database unlocked during the sequence")
	}
}

// holdsKey reports whether the database is unlocked.
func holdsKey(db *DB) bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.key != nil
}

// TestUnlockBackoffSurvivesRestart closes iro after seven wrong passphrases
// and opens the file again: the 2 s wait still holds, even for the right
// passphrase, which then works once the wait is over.
func TestUnlockBackoffSurvivesRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := lockedTestDB(t)
	now := unlockT0
	for range 7 {
		now = now.Add(unlockDelay(t, db, now))
		failUnlock(t, db, now)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Close() })
	if got := unlockDelay(t, again, now); got != 2*time.Second {
		t.Fatalf("delay after a restart = %v, want 2s", got)
	}
	wantTooSoon(t, again, passphrase, now.Add(time.Second), time.Second)
	if holdsKey(again) {
		t.Fatal("an attempt refused as too soon unlocked the database")
	}
	if err := again.UnlockWithBackoff(ctx, passphrase, now.Add(2*time.Second)); err != nil {
		t.Fatalf("the right passphrase once the wait is over: %v", err)
	}
	if !holdsKey(again) {
		t.Fatal("still locked after the right passphrase")
	}
}

// TestUnlockBackoffResetsOnSuccess: the right passphrase clears the count,
// so the next wrong one is "failure 1" again, with no wait.
func TestUnlockBackoffResetsOnSuccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := lockedTestDB(t)
	now := unlockT0
	for range 6 {
		failUnlock(t, db, now)
	}
	if got := unlockDelay(t, db, now); got != time.Second {
		t.Fatalf("delay after six failures = %v, want 1s", got)
	}
	now = now.Add(time.Second)
	if err := db.UnlockWithBackoff(ctx, passphrase, now); err != nil {
		t.Fatalf("right passphrase: %v", err)
	}
	if _, ok, err := db.Setting(ctx, unlockFailuresSetting); err != nil || ok {
		t.Fatalf("the failure count is still stored after a success (%v)", err)
	}
	db.Lock()
	failUnlock(t, db, now)
	if got := unlockDelay(t, db, now); got != 0 {
		t.Fatalf("delay after one failure following a success = %v, want 0 (the count was not reset)", got)
	}
	// Still true after a restart.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Close() })
	f, err := readUnlockFailures(ctx, again.sql)
	if err != nil || f.Count != 1 {
		t.Fatalf("stored count after reset and one failure = %+v, %v; want 1", f, err)
	}
}

// TestUnlockDelayFromStoredCount covers what no test of real attempts
// reaches cheaply: a clock set back, a damaged row, and a count already
// at the ceiling. Each case stores the count directly.
func TestUnlockDelayFromStoredCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTestDB(t)
	for _, tc := range []struct {
		name  string
		value string // the settings row; "" for none
		now   time.Time
		want  time.Duration
	}{
		{"no failures", "", unlockT0, 0},
		{"five failures", `{"count":5,"last":"2026-11-22T09:30:00.000000Z"}`, unlockT0, 0},
		{"six failures, just now", `{"count":6,"last":"2026-11-22T09:30:00.000000Z"}`, unlockT0, time.Second},
		{"eight failures, 3 s ago", `{"count":8,"last":"2026-11-22T09:29:57.000000Z"}`, unlockT0, time.Second},
		{"eight failures, long ago", `{"count":8,"last":"2026-11-21T09:30:00.000000Z"}`, unlockT0, 0},
		{"clock set back an hour waits the backoff, not an hour", `{"count":8,"last":"2026-11-22T10:30:00.000000Z"}`, unlockT0, 4 * time.Second},
		{"huge count", `{"count":1048576,"last":"2026-11-22T09:30:00.000000Z"}`, unlockT0, time.Minute},
		{"damaged row", `not json`, unlockT0, 0},
		{"damaged time", `{"count":9,"last":"yesterday"}`, unlockT0, 0},
		{"negative count", `{"count":-4,"last":"2026-11-22T09:30:00.000000Z"}`, unlockT0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.sql.Exec("DELETE FROM settings WHERE key = ?", unlockFailuresSetting); err != nil {
				t.Fatal(err)
			}
			if tc.value != "" {
				if err := db.SetSetting(ctx, unlockFailuresSetting, tc.value); err != nil {
					t.Fatal(err)
				}
			}
			if got := unlockDelay(t, db, tc.now); got != tc.want {
				t.Errorf("UnlockDelay = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDamagedCountCostsTheFullWait: a count that does not parse lets one
// attempt through, and a wrong one then waits the cap, not a single second.
func TestDamagedCountCostsTheFullWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := lockedTestDB(t)
	if err := db.SetSetting(ctx, unlockFailuresSetting, "{garbage"); err != nil {
		t.Fatal(err)
	}
	failUnlock(t, db, unlockT0)
	if got := unlockDelay(t, db, unlockT0); got != vault.MaxUnlockBackoff {
		t.Fatalf("delay = %v, want %v", got, vault.MaxUnlockBackoff)
	}
}

// TestUnlockWithBackoffNotInitialised does not count an attempt on a
// database with no passphrase: there was nothing to guess.
func TestUnlockWithBackoffNotInitialised(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTestDB(t)
	if err := db.UnlockWithBackoff(ctx, passphrase, unlockT0); !errors.Is(err, ErrNotInitialised) {
		t.Fatalf("UnlockWithBackoff = %v, want ErrNotInitialised", err)
	}
	if _, ok, _ := db.Setting(ctx, unlockFailuresSetting); ok {
		t.Fatal("an attempt on an uninitialised database was counted")
	}
}

func TestTooSoonErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wait time.Duration
		want string
	}{
		{time.Millisecond, "too many wrong passphrases: wait 1 second before trying again"},
		{time.Second, "too many wrong passphrases: wait 1 second before trying again"},
		{1500 * time.Millisecond, "too many wrong passphrases: wait 2 seconds before trying again"},
		{time.Minute, "too many wrong passphrases: wait 60 seconds before trying again"},
	} {
		if got := (&TooSoonError{Wait: tc.wait}).Error(); got != tc.want {
			t.Errorf("Wait %v: %q, want %q", tc.wait, got, tc.want)
		}
	}
}
