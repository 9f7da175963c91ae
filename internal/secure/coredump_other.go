//go:build !unix

package secure

// DisableCoreDumps does nothing outside Unix. Windows writes no crash dump
// of a process unless Windows Error Reporting's LocalDumps key is set for
// it, which takes an administrator; Go itself never asks for one.
func DisableCoreDumps() error { return nil }
