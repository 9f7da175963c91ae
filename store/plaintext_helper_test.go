package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"testing"
)

// assertNoPlaintext searches the raw bytes of the database and its WAL,
// shared-memory and journal files for each sealed value (by description):
// none may appear. control is stored in plaintext on purpose, and must be
// found, which proves the search sees what is stored.
func assertNoPlaintext(t *testing.T, path, when string, sealed map[string]string, control string) {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	for what, v := range sealed {
		if bytes.Contains(all, []byte(v)) {
			t.Errorf("%s: %s (%q) found in the database files", when, what, v)
		}
	}
	if !bytes.Contains(all, []byte(control)) {
		t.Errorf("%s: control value not found: the search is not seeing the data", when)
	}
}
