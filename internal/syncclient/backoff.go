package syncclient

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces out retries with "full jitter": a random wait between zero
// and a ceiling that doubles from Base to Cap, so that two hundred laptops
// coming out of the same tunnel do not retry in step.
type Backoff struct {
	Base, Cap time.Duration
	attempt   int
	rand      func() float64 // in [0, 1); tests pin it
}

// NewBackoff is the protocol's: 1 s doubling to 300 s.
func NewBackoff() *Backoff { return &Backoff{Base: time.Second, Cap: 300 * time.Second} }

// Next is the wait before the next attempt. A server's Retry-After is a
// floor: it knows when it will be ready better than we can guess.
func (b *Backoff) Next(retryAfter time.Duration) time.Duration {
	ceiling := b.Cap
	if b.attempt < 30 { // beyond 2^30 s the cap wins anyway; avoids overflow
		if c := b.Base << b.attempt; c < b.Cap {
			ceiling = c
		}
	}
	b.attempt++
	r := rand.Float64
	if b.rand != nil {
		r = b.rand
	}
	wait := time.Duration(r() * float64(ceiling))
	if wait < retryAfter {
		wait = retryAfter
	}
	return wait
}

// Reset starts again from Base after a success.
func (b *Backoff) Reset() { b.attempt = 0 }
