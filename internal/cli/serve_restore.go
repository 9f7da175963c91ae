package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/store/serverdb"
)

// The server's backup and restore. A restored database numbers its changes
// again from the backup's, so restoring also gives it a new epoch: every
// laptop then sends again what it had sent (the server answers duplicate
// for what the backup kept) and pulls everything again (serverdb/epoch.go).

// pgRestoreSteps is what a PostgreSQL admin does instead of serve restore.
const pgRestoreSteps = "the server's database is PostgreSQL: stop iro serve, restore your dump with pg_restore " +
	"(or your provider's point-in-time restore), then run iro serve new-epoch --db URL before serving it again"

func newServeBackup(a *app) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write a consistent copy of the server's SQLite database (safe while it serves)",
		Long: "Writes a copy of the server's SQLite database to a new file, readable by you only.\n" +
			"For PostgreSQL use pg_dump. Restore with iro serve restore --from FILE.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return usagef("serve backup needs --to FILE (a file that does not exist yet)")
			}
			if dsn, err := a.serverDSN(); err != nil {
				return err
			} else if isPostgres(dsn) {
				return usagef("serve backup: the server's database is PostgreSQL: back it up with pg_dump")
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				if err := db.Backup(ctx, to); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "backed up to %s\n", sanitize.Line(to))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the file to write (must not exist)")
	return cmd
}

func newServeRestore(a *app) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Put the server's SQLite database back to a backup, in a new epoch",
		Long: "Replaces the server's SQLite database with the backup in FILE (which is only read) and\n" +
			"gives it a new epoch, so that every laptop sends again what the backup lacks and pulls\n" +
			"everything again; nothing a laptop had sent is lost. Stop iro serve first. Changes an\n" +
			"admin made after the backup (enrolments, allocations) must be made again.\n" +
			"For PostgreSQL: restore with pg_restore, then run iro serve new-epoch.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return usagef("serve restore needs --from FILE (a backup of the server's database)")
			}
			dsn, err := a.serverDSN()
			if err != nil {
				return err
			}
			if isPostgres(dsn) {
				return usagef("serve restore: %s", pgRestoreSteps)
			}
			if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
				return fmt.Errorf("cannot create the folder for %s: %w", dsn, err)
			}
			epoch, err := serverdb.Restore(cmd.Context(), dsn, from, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "restored %s from %s; new epoch %s: laptops will send again what the backup lacks\n",
				sanitize.Line(dsn), sanitize.Line(from), epoch)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the backup to restore")
	return cmd
}

func newServeNewEpoch(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "new-epoch",
		Short: "Start a new epoch after restoring the server's database by other means (pg_restore)",
		Long: "Tells every laptop that the server's database was restored from a backup: each sends\n" +
			"again what it had sent and pulls everything again. Run it after pg_restore (or a file\n" +
			"copy) and before serving the restored database. iro serve restore does it for you.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				epoch, err := db.NewEpoch(ctx, time.Now())
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "new epoch %s: laptops will send again what the database lacks\n", epoch)
				return nil
			})
		},
	}
}
