package vault

import (
	"crypto/rand"
	"unicode/utf8"

	"golang.org/x/crypto/chacha20poly1305"
)

// Wrap wraps the data key under a new passphrase, with a fresh salt and the
// Argon2id costs p, for a passphrase change. The key version stays the same:
// the data key does not change, so every value sealed under it still opens
// and nothing needs re-encrypting. The old KeyMaterial keeps working until
// the caller replaces it with the one returned.
func (k *Key) Wrap(passphrase []byte, p Params) (KeyMaterial, error) {
	if err := checkLength(utf8.RuneCount(passphrase)); err != nil {
		return KeyMaterial{}, err
	}
	if err := checkParams(p); err != nil {
		return KeyMaterial{}, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.data == nil {
		return KeyMaterial{}, ErrWiped
	}
	km := KeyMaterial{Salt: make([]byte, SaltSize), Params: p, KeyVersion: k.version}
	rand.Read(km.Salt) // crypto/rand.Read never fails; it crashes the program instead

	kek := deriveKEK(passphrase, km)
	defer clear(kek)
	nonce := randomNonce(chacha20poly1305.KeySize)
	km.Wrapped = mustAEAD(kek).Seal(nonce, nonce, k.data, wrapAAD(km))
	return km, nil
}
