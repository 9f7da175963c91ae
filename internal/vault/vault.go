// Package vault keeps a child's personal data unreadable to anyone who has the
// laptop but not the passphrase. A random data key seals each sensitive value;
// the data key is stored only wrapped by a key derived from the passphrase.
package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Params are the Argon2id costs that turn a passphrase into a key.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8
}

// MinParams is the floor from DESIGN.md (RFC 9106's second recommended
// option). Create and Unlock enforce their own copy of it, so reassigning this
// variable cannot weaken a vault.
var MinParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

const (
	minTime      = 3
	minMemoryKiB = 64 * 1024
	minThreads   = 4

	// The ceilings stop a tampered key_material row from making Unlock
	// allocate until the laptop runs out of memory or spin for hours.
	maxTime      = 64
	maxMemoryKiB = 2 * 1024 * 1024

	// SaltSize is long enough that two vaults never share a salt.
	SaltSize = 16

	// MinPassphraseRunes is the shortest passphrase ValidatePassphrase accepts.
	MinPassphraseRunes = 12

	firstKeyVersion = 1
	wrappedSize     = chacha20poly1305.NonceSizeX + chacha20poly1305.KeySize + chacha20poly1305.Overhead
)

var (
	// ErrWrongPassphrase means the passphrase did not unwrap the data key. A
	// tampered salt, parameter set or wrapped key looks the same, by design.
	ErrWrongPassphrase = errors.New("vault: wrong passphrase")
	// ErrTampered means a sealed value was altered, truncated, or moved to a
	// different table, column or row.
	ErrTampered = errors.New("vault: sealed value is damaged or does not belong here")
	// ErrWiped means the key was wiped (the vault was locked) before use.
	ErrWiped = errors.New("vault: key has been wiped; unlock again")
	// ErrWeakParams means an Argon2id parameter set is below MinParams (or
	// absurdly high), whether asked for or read back from storage.
	ErrWeakParams = errors.New("vault: unacceptable key-derivation parameters")
)

// KeyMaterial is everything stored about the key; none of it is secret
// without the passphrase.
type KeyMaterial struct {
	Salt       []byte
	Params     Params
	KeyVersion int
	Wrapped    []byte // nonce ‖ XChaCha20-Poly1305(data key)
}

// Key is the unlocked data key. It is safe for concurrent use.
type Key struct {
	mu      sync.RWMutex
	data    []byte // nil once wiped
	version int
}

// AAD names where a sealed value lives, so that it cannot be replayed
// anywhere else.
type AAD struct{ Table, Column, RowID string }

// ValidatePassphrase reports why a new passphrase is too weak, if it is.
func ValidatePassphrase(p string) error {
	return checkLength(utf8.RuneCountInString(p))
}

func checkLength(runes int) error {
	if runes < MinPassphraseRunes {
		return fmt.Errorf("the passphrase must be at least %d characters long (this one has %d); a short sentence is easy to remember", MinPassphraseRunes, runes)
	}
	return nil
}

func checkParams(p Params) error {
	switch {
	case p.Time < minTime || p.MemoryKiB < minMemoryKiB || p.Threads < minThreads:
		return fmt.Errorf("%w: time=%d memory=%d KiB threads=%d is below the minimum time=%d memory=%d KiB threads=%d",
			ErrWeakParams, p.Time, p.MemoryKiB, p.Threads, minTime, minMemoryKiB, minThreads)
	case p.Time > maxTime || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("%w: time=%d memory=%d KiB is above the maximum time=%d memory=%d KiB",
			ErrWeakParams, p.Time, p.MemoryKiB, maxTime, maxMemoryKiB)
	}
	return nil
}

// Create makes a new random data key and wraps it under passphrase.
func Create(passphrase []byte, p Params) (*Key, KeyMaterial, error) {
	if err := checkLength(utf8.RuneCount(passphrase)); err != nil {
		return nil, KeyMaterial{}, err
	}
	if err := checkParams(p); err != nil {
		return nil, KeyMaterial{}, err
	}
	km := KeyMaterial{Salt: make([]byte, SaltSize), Params: p, KeyVersion: firstKeyVersion}
	data := make([]byte, chacha20poly1305.KeySize)
	rand.Read(km.Salt) // crypto/rand.Read never fails; it crashes the program instead
	rand.Read(data)

	kek := deriveKEK(passphrase, km)
	defer clear(kek)
	nonce := randomNonce(len(data))
	km.Wrapped = mustAEAD(kek).Seal(nonce, nonce, data, wrapAAD(km))
	return &Key{data: data, version: km.KeyVersion}, km, nil
}

// Unlock unwraps the data key stored in km.
func Unlock(passphrase []byte, km KeyMaterial) (*Key, error) {
	if err := checkParams(km.Params); err != nil {
		return nil, err
	}
	if len(km.Salt) < SaltSize || len(km.Wrapped) != wrappedSize {
		return nil, ErrWrongPassphrase
	}
	kek := deriveKEK(passphrase, km)
	defer clear(kek)
	nonce, box := km.Wrapped[:chacha20poly1305.NonceSizeX], km.Wrapped[chacha20poly1305.NonceSizeX:]
	data, err := mustAEAD(kek).Open(nil, nonce, box, wrapAAD(km))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return &Key{data: data, version: km.KeyVersion}, nil
}

// Seal encrypts plaintext for the place aad names. It panics if the key has
// been wiped: sealing with a locked vault is a programming error, and
// silently writing nothing would lose the IRO's work.
func (k *Key) Seal(aad AAD, plaintext []byte) []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.data == nil {
		panic(ErrWiped)
	}
	nonce := randomNonce(len(plaintext))
	return mustAEAD(k.data).Seal(nonce, nonce, plaintext, aad.encode(k.version))
}

// Open decrypts a value made by Seal for the same place.
func (k *Key) Open(aad AAD, sealed []byte) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.data == nil {
		return nil, ErrWiped
	}
	if len(sealed) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, ErrTampered
	}
	nonce, box := sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:]
	plaintext, err := mustAEAD(k.data).Open(nil, nonce, box, aad.encode(k.version))
	if err != nil {
		return nil, ErrTampered
	}
	return plaintext, nil
}

// Wipe zeroes the data key. Go may still hold transient copies (inside the
// cipher during a call); this removes the long-lived one.
func (k *Key) Wipe() {
	k.mu.Lock()
	defer k.mu.Unlock()
	clear(k.data)
	k.data = nil
}

func deriveKEK(passphrase []byte, km KeyMaterial) []byte {
	p := km.Params
	return argon2.IDKey(passphrase, km.Salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
}

// wrapAAD binds the wrapped key to the parameters, salt and key version it was
// made with, so editing any of them in storage makes Unlock fail.
func wrapAAD(km KeyMaterial) []byte {
	b := appendField(nil, "iro-vault-wrap-v1")
	b = binary.BigEndian.AppendUint32(b, km.Params.Time)
	b = binary.BigEndian.AppendUint32(b, km.Params.MemoryKiB)
	b = append(b, km.Params.Threads)
	b = appendField(b, string(km.Salt))
	return binary.BigEndian.AppendUint64(b, uint64(km.KeyVersion))
}

// encode length-prefixes every part: plain concatenation would let
// ("ab","c") and ("a","bc") share an AAD.
func (a AAD) encode(keyVersion int) []byte {
	b := appendField(nil, "iro-vault-seal-v1")
	b = appendField(b, a.Table)
	b = appendField(b, a.Column)
	b = appendField(b, a.RowID)
	return binary.BigEndian.AppendUint64(b, uint64(keyVersion))
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func mustAEAD(key []byte) cipher.AEAD {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic(err) // only a wrong key length, which the callers rule out
	}
	return aead
}

// randomNonce returns a fresh nonce with room after it for the sealed
// message, so the result is nonce ‖ ciphertext in one allocation. Random
// nonces are safe because XChaCha20's 192 bits make a collision negligible
// for anything one laptop will ever seal.
func randomNonce(messageLen int) []byte {
	n := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+messageLen+chacha20poly1305.Overhead)
	rand.Read(n)
	return n
}
