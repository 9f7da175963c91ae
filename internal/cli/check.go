package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/sanitize"
)

func init() { register(newCheck) }

func newCheck(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the local database for damage",
		Long: "Checks the database file with SQLite's integrity check and its foreign keys,\n" +
			"checks that every outbox op is whole and names a table that syncs, and opens\n" +
			"every sealed value. Prints one line when all is well (exit 0), or one line per\n" +
			"problem (exit 1). It needs the passphrase: a demo database opens by itself,\n" +
			"any other through " + EnvPassphraseFile + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openUnlocked(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			r, err := db.Check(cmd.Context())
			if err != nil {
				return err
			}
			if len(r.Problems) == 0 {
				_, err := fmt.Fprintf(a.stdout, "ok: %d tables, %d sealed values, %d outbox ops checked\n",
					r.Tables, r.SealedValues, r.OutboxOps)
				return err
			}
			// Row ids come from the file, which may be hostile.
			for _, p := range r.Problems {
				fmt.Fprintln(a.stdout, sanitize.Line(p.String()))
			}
			path, _ := a.dbPath()
			what := "problems"
			if len(r.Problems) == 1 {
				what = "problem"
			}
			return fmt.Errorf("%d %s found in %s: restore it from your backup, and keep this copy until the restored one checks ok",
				len(r.Problems), what, path)
		},
	}
}
