// Package testbin builds the iro binary for tests that must run it as a
// process of its own: in a terminal (tmux), or as a server to kill.
package testbin

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the main package in dir (e.g. "." from cmd/iro, or
// "../../cmd/iro") into t's temporary folder and returns the binary's path.
func Build(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "iro")
	out, err := exec.Command("go", "build", "-o", bin, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}
