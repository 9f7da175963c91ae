package secure_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/iro-app/iro/internal/secure"
)

// TestNotDumpable: on Linux the process is also marked not dumpable, so a
// core_pattern pipe collector gets nothing either.
func TestNotDumpable(t *testing.T) {
	if err := secure.DisableCoreDumps(); err != nil {
		t.Fatal(err)
	}
	dumpable, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if dumpable != 0 {
		t.Fatalf("PR_GET_DUMPABLE = %d, want 0", dumpable)
	}
}
