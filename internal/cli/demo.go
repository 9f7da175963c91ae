package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/paths"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui"
)

func init() { register(newDemo) }

func newDemo(a *app) *cobra.Command {
	var children int
	var fresh, noTUI bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open the TUI on a demo caseload of invented children",
		Long: "Creates (or reopens) a demo database of invented children, sealed like any other\n" +
			"but marked as a demo, so every command opens it with the documented demo\n" +
			"passphrase \"" + demo.Passphrase + "\" without asking. The default path is demo.db in\n" +
			"the data directory; --db chooses another.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if children < 1 || children > 5000 {
				return usagef("--children must be between 1 and 5000, not %d", children)
			}
			ctx := cmd.Context()
			if a.dbFlag == "" && os.Getenv(paths.EnvDB) == "" {
				dir, err := paths.DataDir()
				if err != nil {
					return err
				}
				a.dbFlag = dir + string(os.PathSeparator) + "demo.db"
			}
			db, err := a.openDemo(ctx, children, fresh)
			if err != nil {
				return err
			}
			defer db.Close()
			if noTUI {
				path, _ := a.dbPath()
				fmt.Fprintln(a.stdout, path)
				return nil
			}
			return a.runTUI(ctx, db, tui.Ready)
		},
	}
	cmd.Flags().IntVar(&children, "children", demo.DefaultChildren, "how many invented children")
	cmd.Flags().BoolVar(&fresh, "fresh", false, "throw away the demo database and make a new one")
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "create the demo database, print its path and exit")
	return cmd
}

// openDemo opens the demo database, creating it when missing (or when fresh
// is set). It refuses to touch a database that is not a demo.
func (a *app) openDemo(ctx context.Context, children int, fresh bool) (*store.DB, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if fresh {
		if err := removeDemo(ctx, a, path); err != nil {
			return nil, err
		}
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	initialised, err := db.Initialised(ctx)
	if err == nil && initialised {
		var isDemo bool
		if isDemo, err = db.IsDemo(ctx); err == nil && !isDemo {
			err = fmt.Errorf("%s is a real caseload, not a demo: give the demo another --db path", path)
		}
		if err == nil {
			err = db.Unlock(ctx, []byte(demo.Passphrase))
		}
	} else if err == nil {
		err = seedDemo(ctx, db, a, children)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func seedDemo(ctx context.Context, db *store.DB, a *app, children int) error {
	if err := db.Initialise(ctx, []byte(demo.Passphrase), true, vault.MinParams); err != nil {
		return err
	}
	if err := db.SetSetting(ctx, tui.SettingIROName, demo.IROName); err != nil {
		return err
	}
	kids := demo.Caseload(a.clock.Today(), children, demo.DefaultSeed)
	return db.Update(ctx, func(tx *store.Tx) error {
		if err := store.AddChildren(tx, kids); err != nil {
			return err
		}
		for _, c := range kids {
			held, ok := drift.LastHeldReview(c)
			if !ok {
				continue
			}
			if cons, ok := demo.Consultation(c, held); ok {
				if err := tx.AddConsultation(held.ID, &cons); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// removeDemo deletes a demo database and its WAL files, after checking that
// it really is one.
func removeDemo(ctx context.Context, a *app, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	isDemo, err := db.IsDemo(ctx)
	db.Close()
	if err != nil {
		return err
	}
	if !isDemo {
		return fmt.Errorf("%s is a real caseload, not a demo: refusing to delete it", path)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
