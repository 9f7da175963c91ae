package cli

import (
	"fmt"

	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/config"
	"github.com/iro-app/iro/internal/timescale"
)

// settings reads the user's config file once per command: the record
// deadlines and the local dispute-resolution ladder. A malformed file is bad
// input (exit 2, naming the line); unknown keys are warned about on stderr.
func (a *app) settings() (timescale.Rules, challenge.Ladder, []string, error) {
	if err := a.loadConfig(); err != nil {
		return timescale.Rules{}, challenge.Ladder{}, nil, err
	}
	rules := timescale.Rules{DecisionsWorkingDays: a.cfg.DecisionsWorkingDays, RecordWorkingDays: a.cfg.RecordWorkingDays}
	return rules, a.cfg.Ladder, a.cfg.Warnings, nil
}

// loadConfig reads the config file the first time a command needs it.
func (a *app) loadConfig() error {
	if a.cfg == nil {
		cfg, err := config.Load()
		if err != nil {
			return UsageError{Msg: err.Error()}
		}
		for _, w := range cfg.Warnings {
			fmt.Fprintln(a.stderr, "iro: warning: "+w)
		}
		a.cfg = &cfg
	}
	return nil
}
