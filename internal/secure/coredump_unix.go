//go:build unix && !linux

package secure

import "golang.org/x/sys/unix"

// DisableCoreDumps stops the process from writing a core file if it
// crashes: a core holds the unlocked data key and whatever the IRO was
// reading. Both limits go to zero, so nothing later in the process can
// raise them again.
func DisableCoreDumps() error {
	return unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}
