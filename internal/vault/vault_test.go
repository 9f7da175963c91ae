package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
)

var passphrase = []byte("correct horse battery staple")

// testKey skips Argon2 for tests about sealing, which would otherwise spend
// most of their time (seconds under -race) deriving keys.
func testKey(t *testing.T) *Key {
	t.Helper()
	data := make([]byte, 32)
	rand.Read(data)
	return &Key{data: data, version: 1}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := testKey(t)
	aad := AAD{Table: "child", Column: "first_name", RowID: "0190a1b2-0000-7000-8000-000000000001"}
	for _, tc := range []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"name", []byte("Zebedee")},
		{"unicode", []byte("Siân Ó Briain 👧")},
		{"large", bytes.Repeat([]byte("note "), 50_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed := k.Seal(aad, tc.plaintext)
			if len(tc.plaintext) >= 4 && bytes.Contains(sealed, tc.plaintext) {
				t.Fatal("sealed value contains the plaintext")
			}
			if again := k.Seal(aad, tc.plaintext); bytes.Equal(again, sealed) {
				t.Fatal("sealing twice gave the same bytes: nonce reused")
			}
			got, err := k.Open(aad, sealed)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatalf("Open = %q, want %q", got, tc.plaintext)
			}
		})
	}
}

func TestOpenRefusesTamperingAndMisplacement(t *testing.T) {
	k := testKey(t)
	aad := AAD{Table: "child", Column: "last_name", RowID: "row-1"}
	sealed := k.Seal(aad, []byte("Quillfeather"))
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	other := &Key{data: bytes.Repeat([]byte{7}, 32), version: 1}
	for _, tc := range []struct {
		name   string
		key    *Key
		aad    AAD
		sealed []byte
	}{
		{"flipped nonce byte", k, aad, flip(0)},
		{"flipped ciphertext byte", k, aad, flip(30)},
		{"flipped tag byte", k, aad, flip(len(sealed) - 1)},
		{"truncated", k, aad, sealed[:len(sealed)-1]},
		{"shorter than a nonce", k, aad, sealed[:10]},
		{"empty", k, aad, nil},
		{"other row", k, AAD{Table: "child", Column: "last_name", RowID: "row-2"}, sealed},
		{"other column", k, AAD{Table: "child", Column: "first_name", RowID: "row-1"}, sealed},
		{"other table", k, AAD{Table: "episode", Column: "last_name", RowID: "row-1"}, sealed},
		{"fields shifted", k, AAD{Table: "chil", Column: "dlast_name", RowID: "row-1"}, sealed},
		{"other key version", &Key{data: k.data, version: 2}, aad, sealed},
		{"other key", other, aad, sealed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.key.Open(tc.aad, tc.sealed); !errors.Is(err, ErrTampered) {
				t.Fatalf("Open = %v, want ErrTampered", err)
			}
		})
	}
}

func TestCreateUnlock(t *testing.T) {
	key, km, err := Create(passphrase, MinParams)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if len(km.Salt) < SaltSize || km.KeyVersion != 1 || km.Params != MinParams {
		t.Fatalf("key material = %+v", km)
	}
	aad := AAD{Table: "review", Column: "location", RowID: "r"}
	sealed := key.Seal(aad, []byte("Ravenscar Family Centre"))

	// Each case that reaches Argon2 costs a derivation, so only tampering
	// that the wrap's AAD must catch is tested that way; the rest are refused
	// before deriving.
	for _, tc := range []struct {
		name    string
		pass    []byte
		mutate  func(*KeyMaterial)
		wantErr error
	}{
		{"right passphrase", passphrase, nil, nil},
		{"wrong passphrase", []byte("correct horse battery stapler"), nil, ErrWrongPassphrase},
		{"salt altered", passphrase, func(km *KeyMaterial) { km.Salt[0] ^= 1 }, ErrWrongPassphrase},
		{"time raised", passphrase, func(km *KeyMaterial) { km.Params.Time++ }, ErrWrongPassphrase},
		{"key version altered", passphrase, func(km *KeyMaterial) { km.KeyVersion = 2 }, ErrWrongPassphrase},
		{"wrapped key flipped", passphrase, func(km *KeyMaterial) { km.Wrapped[40] ^= 1 }, ErrWrongPassphrase},
		{"wrapped key truncated", passphrase, func(km *KeyMaterial) { km.Wrapped = km.Wrapped[:20] }, ErrWrongPassphrase},
		{"salt too short", passphrase, func(km *KeyMaterial) { km.Salt = km.Salt[:8] }, ErrWrongPassphrase},
		{"time downgraded", passphrase, func(km *KeyMaterial) { km.Params.Time = 1 }, ErrWeakParams},
		{"memory downgraded", passphrase, func(km *KeyMaterial) { km.Params.MemoryKiB = 1024 }, ErrWeakParams},
		{"threads downgraded", passphrase, func(km *KeyMaterial) { km.Params.Threads = 1 }, ErrWeakParams},
		{"memory absurd", passphrase, func(km *KeyMaterial) { km.Params.MemoryKiB = 1 << 31 }, ErrWeakParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stored := KeyMaterial{
				Salt:       bytes.Clone(km.Salt),
				Params:     km.Params,
				KeyVersion: km.KeyVersion,
				Wrapped:    bytes.Clone(km.Wrapped),
			}
			if tc.mutate != nil {
				tc.mutate(&stored)
			}
			got, err := Unlock(tc.pass, stored)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Unlock = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			plaintext, err := got.Open(aad, sealed)
			if err != nil || string(plaintext) != "Ravenscar Family Centre" {
				t.Fatalf("unlocked key opens %q, %v", plaintext, err)
			}
		})
	}
}

func TestCreateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pass    string
		params  Params
		wantErr error
	}{
		{"time below floor", string(passphrase), Params{Time: 2, MemoryKiB: 64 * 1024, Threads: 4}, ErrWeakParams},
		{"memory below floor", string(passphrase), Params{Time: 3, MemoryKiB: 64*1024 - 1, Threads: 4}, ErrWeakParams},
		{"threads below floor", string(passphrase), Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 3}, ErrWeakParams},
		{"zero params", string(passphrase), Params{}, ErrWeakParams},
		{"time absurd", string(passphrase), Params{Time: 1000, MemoryKiB: 64 * 1024, Threads: 4}, ErrWeakParams},
		{"short passphrase", "short", MinParams, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, _, err := Create([]byte(tc.pass), tc.params)
			if err == nil || key != nil {
				t.Fatalf("Create succeeded, want an error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Create = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestMinParamsCannotBeLowered(t *testing.T) {
	saved := MinParams
	t.Cleanup(func() { MinParams = saved })
	MinParams = Params{Time: 1, MemoryKiB: 8, Threads: 1}
	if _, _, err := Create(passphrase, MinParams); !errors.Is(err, ErrWeakParams) {
		t.Fatalf("Create with a lowered MinParams = %v, want ErrWeakParams", err)
	}
}

func TestWipe(t *testing.T) {
	k := testKey(t)
	aad := AAD{Table: "t", Column: "c", RowID: "r"}
	sealed := k.Seal(aad, []byte("x"))
	data := k.data

	// Wiping while others seal and open must be race-free (-race checks).
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, _ = k.Open(aad, sealed)
		})
	}
	k.Wipe()
	wg.Wait()

	if !bytes.Equal(data, make([]byte, len(data))) {
		t.Fatal("Wipe left key bytes in memory")
	}
	if _, err := k.Open(aad, sealed); !errors.Is(err, ErrWiped) {
		t.Fatalf("Open after Wipe = %v, want ErrWiped", err)
	}
	defer func() {
		if r := recover(); r != ErrWiped {
			t.Fatalf("Seal after Wipe panicked with %v, want ErrWiped", r)
		}
	}()
	k.Seal(aad, []byte("x"))
}

func TestValidatePassphrase(t *testing.T) {
	for _, tc := range []struct {
		name string
		pass string
		ok   bool
	}{
		{"empty", "", false},
		{"eleven characters", "abcdefghijk", false},
		{"twelve characters", "abcdefghijkl", true},
		{"eleven runes in twenty-two bytes", strings.Repeat("é", 11), false},
		{"twelve runes", strings.Repeat("é", 12), true},
		{"sentence", "the owl sleeps at noon", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassphrase(tc.pass)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidatePassphrase(%q) = %v, want ok=%v", tc.pass, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "at least 12 characters") {
				t.Fatalf("message %q does not say what is needed", err)
			}
		})
	}
}

// BenchmarkUnlock measures the deliberate cost of one unlock at MinParams.
func BenchmarkUnlock(b *testing.B) {
	_, km, err := Create(passphrase, MinParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Unlock(passphrase, km); err != nil {
			b.Fatal(err)
		}
	}
}
