package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/sanitize"
)

// newSyncSetAside lists the pulled records this laptop could not store.
// Each names the record for the admin, who repairs it on the server with
// `iro serve record`; the repaired version replaces it at the next sync.
func newSyncSetAside(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set-aside",
		Short: "List the records from the server this laptop could not store, and why",
		Long: "A record from the server that this laptop cannot store (a field of the wrong\n" +
			"kind, a missing required field) is set aside and the rest of the sync goes on.\n" +
			"Give the list to your admin, who can repair each record on the server with\n" +
			"iro serve record; the repaired record then arrives at the next sync.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openUnlocked(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			records, err := db.SetAsideRecords(ctx)
			if err != nil {
				return err
			}
			if len(records) == 0 {
				fmt.Fprintln(a.stdout, "nothing set aside: every record from the server was stored")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ENTITY\tID\tVERSION\tCHILD\tSET ASIDE\tWHY")
			for _, r := range records {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", sanitize.Line(r.Entity), sanitize.Line(r.ID), r.Version,
					sanitize.Line(r.ChildID), r.At.Local().Format("2006-01-02 15:04"), sanitize.Line(r.Reason))
			}
			return tw.Flush()
		},
	}
}
