package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/store"
)

func init() { register(newHolidays) }

func newHolidays(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "holidays",
		Short: "Manage the England & Wales bank holidays deadlines are counted in",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "import FILE",
		Short: "Load a GOV.UK bank-holidays.json into the database",
		Long: "Reads a GOV.UK bank-holidays.json (https://www.gov.uk/bank-holidays.json) and\n" +
			"stores its England & Wales holidays in the database. For every year the file\n" +
			"covers, its dates replace the built-in table. A file that fails validation\n" +
			"changes nothing.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return usagef("holidays import: %v", err)
			}
			defer f.Close()
			holidays, err := calendar.ParseGovUK(f)
			if err != nil {
				return usagef("holidays import: %s: %v", args[0], err)
			}
			db, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			first, last := holidays[0].Date, holidays[len(holidays)-1].Date
			err = db.Update(cmd.Context(), func(tx *store.Tx) error {
				if err := tx.ReplaceHolidays(holidays); err != nil {
					return err
				}
				return tx.Audit(store.AuditImport, fmt.Sprintf("bank holidays, %d dates, %d to %d", len(holidays), first.Year, last.Year))
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Imported %d England & Wales bank holidays, %d to %d.\n", len(holidays), first.Year, last.Year)
			return nil
		},
	})
	return cmd
}
