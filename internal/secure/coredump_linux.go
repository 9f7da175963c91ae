package secure

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// DisableCoreDumps stops the process from writing a core file if it
// crashes: a core holds the unlocked data key and whatever the IRO was
// reading. Both limits go to zero, so nothing later in the process can
// raise them again.
//
// The limit alone is not enough on Linux: when core_pattern pipes to a
// collector (systemd-coredump, apport) the kernel hands it the dump and
// leaves honouring the limit to the collector. Marking the process not
// dumpable stops the kernel producing a dump at all, and also stops other
// processes of the same user from attaching to it (ptrace, /proc/PID/mem).
// A debugger then needs root.
func DisableCoreDumps() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0}); err != nil {
		return fmt.Errorf("setrlimit RLIMIT_CORE: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl PR_SET_DUMPABLE: %w", err)
	}
	return nil
}
