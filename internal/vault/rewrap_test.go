package vault

import (
	"bytes"
	"errors"
	"testing"
)

// TestWrapUnderNewPassphrase: the rewrapped key material opens with the new
// passphrase only, yields the same data key (a value sealed before the
// change still opens) and keeps the key version.
func TestWrapUnderNewPassphrase(t *testing.T) {
	t.Parallel()
	key, old, err := Create(passphrase, MinParams)
	if err != nil {
		t.Fatal(err)
	}
	aad := AAD{Table: "child", Column: "first_name", RowID: "row-1"}
	sealed := key.Seal(aad, []byte("Marigold"))
	newPass := []byte("a different sentence entirely")
	km, err := key.Wrap(newPass, old.Params)
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	if km.KeyVersion != old.KeyVersion || km.Params != old.Params {
		t.Errorf("Wrap changed version or params: %+v, was %+v", km, old)
	}
	if bytes.Equal(km.Salt, old.Salt) || bytes.Equal(km.Wrapped, old.Wrapped) {
		t.Error("Wrap reused the old salt or wrapped bytes")
	}

	for _, tc := range []struct {
		name    string
		pass    []byte
		km      KeyMaterial
		wantErr error
	}{
		{"new passphrase opens the new material", newPass, km, nil},
		{"old passphrase still opens the old material", passphrase, old, nil},
		{"old passphrase does not open the new material", passphrase, km, ErrWrongPassphrase},
		{"new passphrase does not open the old material", newPass, old, ErrWrongPassphrase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unlock(tc.pass, tc.km)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Unlock = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			plain, err := got.Open(aad, sealed)
			if err != nil || string(plain) != "Marigold" {
				t.Errorf("a value sealed before the change: %q, %v", plain, err)
			}
		})
	}
}

func TestWrapRefuses(t *testing.T) {
	t.Parallel()
	wiped := testKey(t)
	wiped.Wipe()
	for _, tc := range []struct {
		name   string
		key    *Key
		pass   string
		params Params
		want   error
	}{
		{"wiped key", wiped, "a long enough passphrase", MinParams, ErrWiped},
		{"weak params", testKey(t), "a long enough passphrase", Params{Time: 1, MemoryKiB: 64 * 1024, Threads: 4}, ErrWeakParams},
		{"absurd params", testKey(t), "a long enough passphrase", Params{Time: 3, MemoryKiB: 1 << 30, Threads: 4}, ErrWeakParams},
		{"short passphrase", testKey(t), "short", MinParams, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			km, err := tc.key.Wrap([]byte(tc.pass), tc.params)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Wrap = %v, want an error matching %v", err, tc.want)
			}
			if km.Wrapped != nil {
				t.Error("Wrap returned key material alongside its error")
			}
		})
	}
}
