//go:build unix

package secure_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/iro-app/iro/internal/secure"
)

// TestDisableCoreDumps: after the call the core-file limit is zero, both
// soft and hard, and calling again (a second iro entry point, say) is fine.
// It changes the test process for good, which is what it is testing.
func TestDisableCoreDumps(t *testing.T) {
	for i := range 2 {
		if err := secure.DisableCoreDumps(); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		var lim unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil {
			t.Fatal(err)
		}
		if lim.Cur != 0 || lim.Max != 0 {
			t.Fatalf("call %d: RLIMIT_CORE = %d soft, %d hard; want 0 and 0", i+1, lim.Cur, lim.Max)
		}
	}
	// With the hard limit at zero, nothing in the process can raise it
	// (root can: CAP_SYS_RESOURCE).
	t.Cleanup(func() { _ = secure.DisableCoreDumps() })
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 1 << 20, Max: 1 << 20}); err == nil && unix.Geteuid() != 0 {
		t.Error("the core-file limit could be raised again")
	}
}
