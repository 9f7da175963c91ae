package cli

import (
	"context"
	"log/slog"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/logging"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui"
	"github.com/iro-app/iro/tui/styles"
)

// openTUI opens the user's own database in the TUI: first-run setup, the
// unlock screen, or straight in for a demo or IRO_PASSPHRASE_FILE.
func (a *app) openTUI(ctx context.Context) error {
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	initialised, err := db.Initialised(ctx)
	if err != nil {
		return err
	}
	start := tui.Setup
	if initialised {
		start = tui.Unlock
		unlocked, err := unlockWithoutAsking(ctx, db)
		if err != nil {
			return err
		}
		if unlocked {
			start = tui.Ready
		}
	}
	return a.runTUI(ctx, db, start)
}

func (a *app) runTUI(ctx context.Context, db *store.DB, start tui.Start) error {
	isDemo, err := db.IsDemo(ctx)
	if err != nil {
		return err
	}
	cal, err := calendarFrom(ctx, db)
	if err != nil {
		return err
	}
	rules, ladder, warnings, err := a.settings()
	if err != nil {
		return err
	}
	stopLog := logging.Start()
	defer stopLog()
	slog.Info("tui start", "demo", isDemo, "start", int(start))
	app := tui.New(tui.Options{
		Backend:  db,
		Clock:    a.clock,
		Calendar: cal,
		Rules:    rules,
		Ladder:   ladder,
		Notice:   strings.Join(warnings, "; "),
		IdleLock: time.Duration(a.cfg.IdleLockMinutes) * time.Minute,
		Styles:   styles.Default(),
		Start:    start,
		Demo:     isDemo,
	})
	_, err = tea.NewProgram(app, tea.WithContext(ctx)).Run()
	slog.Info("tui stop", "error", err != nil)
	return err
}
