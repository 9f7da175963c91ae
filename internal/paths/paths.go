// Package paths finds where iro keeps its files, following the XDG base
// directory convention (and the platform equivalents on Windows and macOS).
package paths

import (
	"os"
	"path/filepath"
)

// EnvDB names the variable that overrides the database path.
const EnvDB = "IRO_DB"

// DataDir is where the user's database lives: $XDG_DATA_HOME/iro, else
// ~/.local/share/iro; on Windows %LocalAppData%\iro.
func DataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "iro"), nil
	}
	return platformDir(".local/share")
}

// StateDir is where logs go: $XDG_STATE_HOME/iro, else ~/.local/state/iro.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "iro"), nil
	}
	return platformDir(".local/state")
}

// DefaultDB is the database path when neither --db nor IRO_DB says otherwise.
func DefaultDB() (string, error) {
	dir, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "iro.db"), nil
}

// ResolveDB picks the database path: the --db flag, then IRO_DB, then the default.
func ResolveDB(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if env := os.Getenv(EnvDB); env != "" {
		return env, nil
	}
	return DefaultDB()
}

func platformDir(unixSuffix string) (string, error) {
	if d := os.Getenv("LOCALAPPDATA"); d != "" {
		return filepath.Join(d, "iro"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, filepath.FromSlash(unixSuffix), "iro"), nil
}
