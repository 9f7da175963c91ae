package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvConfig names the variable that points iro at another config file, for
// a shared LA file or a test.
const EnvConfig = "IRO_CONFIG"

// Path is where the config file is: $IRO_CONFIG, else
// $XDG_CONFIG_HOME/iro/config, else on Windows %AppData%\iro\config (the
// roaming profile, so an IRO's settings follow them between LA laptops),
// else ~/.config/iro/config, macOS included, as other terminal tools do.
func Path() (string, error) {
	return configPath(os.Getenv, runtime.GOOS, os.UserHomeDir)
}

func configPath(getenv func(string) string, goos string, home func() (string, error)) (string, error) {
	if p := getenv(EnvConfig); p != "" {
		return p, nil
	}
	// The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be
	// ignored: it would move with the working directory.
	if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "iro", "config"), nil
	}
	if goos == "windows" {
		if d := getenv("APPDATA"); d != "" {
			return filepath.Join(d, "iro", "config"), nil
		}
		return "", errors.New("config: %AppData% is not set, so there is nowhere to look for the config file")
	}
	h, err := home()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, ".config", "iro", "config"), nil
}
