package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/sanitize"
)

func init() { register(newCaseload) }

// caseloadJSON is the stable --json shape of one child; keys as documented.
type caseloadJSON struct {
	ID        string        `json:"id"`
	LAID      string        `json:"la_id"`
	Name      string        `json:"name"`
	NextEvent string        `json:"next_event"`
	Due       calendar.Date `json:"due"` // "" when nothing is due
}

func newCaseload(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "caseload",
		Short: "List the caseload, soonest statutory deadline first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openUnlocked(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			children, err := db.Caseload(cmd.Context())
			if err != nil {
				return err
			}
			cal, err := calendarFrom(cmd.Context(), db)
			if err != nil {
				return err
			}
			today := a.clock.Today()
			rules, _, _, err := a.settings()
			if err != nil {
				return err
			}
			entries := caseload.Build(children, today, cal, rules)
			if asJSON {
				out := make([]caseloadJSON, len(entries))
				for i, e := range entries {
					out[i] = caseloadJSON{ID: e.Child.ID, LAID: e.Child.LAID, Name: e.Child.Name(), NextEvent: e.Next.What, Due: e.Next.Due}
				}
				return json.NewEncoder(a.stdout).Encode(out)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "LA id\tName\tNext event\tDue\tStatus")
			for _, e := range entries {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(e.Child.LAID), sanitize.Line(e.Child.Name()),
					sanitize.Line(e.Next.What), e.Next.Due, e.Status.Word())
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}
