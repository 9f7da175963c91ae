package vault

import "time"

// The unlock backoff: the first FreeUnlockFailures wrong passphrases in a
// row cost nothing (everyone mistypes), then each further one doubles the
// wait before the next attempt, from a second up to MaxUnlockBackoff. It
// slows a guesser at the keyboard; a thief who copies the file is slowed by
// Argon2id instead.
const (
	FreeUnlockFailures = 5
	FirstUnlockBackoff = time.Second
	MaxUnlockBackoff   = 60 * time.Second
)

// UnlockBackoff is how long to wait before the next unlock attempt after
// failures wrong passphrases in a row: none up to FreeUnlockFailures, then
// 1 s, 2 s, 4 s … capped at MaxUnlockBackoff.
func UnlockBackoff(failures int) time.Duration {
	if failures <= FreeUnlockFailures {
		return 0
	}
	wait := FirstUnlockBackoff
	// Doubling stops at the cap, so a huge count cannot overflow.
	for range failures - FreeUnlockFailures - 1 {
		wait *= 2
		if wait >= MaxUnlockBackoff {
			return MaxUnlockBackoff
		}
	}
	return wait
}
