package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/sanitize"
)

func init() { register(newDrift) }

// driftJSON is the stable --json shape of one drift item; keys as documented.
type driftJSON struct {
	ChildID         string        `json:"child_id"`
	LAID            string        `json:"la_id"`
	Name            string        `json:"name"`
	Kind            drift.Kind    `json:"kind"`
	What            string        `json:"what"`
	Due             calendar.Date `json:"due"` // "" when there is no date
	WorkingDaysLate int           `json:"working_days_late"`
	Jump            jumpJSON      `json:"jump"`
}

type jumpJSON struct {
	Screen           string `json:"screen"`
	ReviewID         string `json:"review_id,omitempty"`
	RecommendationID string `json:"recommendation_id,omitempty"`
	ChallengeID      string `json:"challenge_id,omitempty"`
}

func newDrift(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "List everything drifting on the caseload, most urgent first",
		Long: "Lists reviews overdue or due within 10 working days, decisions and records not\n" +
			"circulated, recommendations and challenge responses overdue, challenges past the\n" +
			"20 working days of the formal process, children not seen alone before their last\n" +
			"review, health assessments and PEPs out of date, and 3 or more placements in a year.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openUnlocked(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			facts, err := db.DriftFacts(ctx)
			if err != nil {
				return err
			}
			cal, err := calendarFrom(ctx, db)
			if err != nil {
				return err
			}
			rules, ladder, _, err := a.settings()
			if err != nil {
				return err
			}
			items := drift.List(facts, a.clock.Today(), cal, rules, ladder)
			if asJSON {
				out := make([]driftJSON, len(items))
				for i, it := range items {
					out[i] = driftJSON{
						ChildID: it.ChildID, LAID: it.LAID, Name: it.ChildName, Kind: it.Kind, What: it.What,
						Due: it.Due, WorkingDaysLate: it.WorkingDaysLate,
						Jump: jumpJSON{Screen: it.Jump.Screen, ReviewID: it.Jump.ReviewID,
							RecommendationID: it.Jump.RecommendationID, ChallengeID: it.Jump.ChallengeID},
					}
				}
				return json.NewEncoder(a.stdout).Encode(out)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			// The words go last: they are the widest column, and an empty
			// cell there would leave trailing spaces.
			fmt.Fprintln(w, "LA id\tName\tDue\tLate\tWhat")
			for _, it := range items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(it.LAID), sanitize.Line(it.ChildName),
					it.Due, lateColumn(it.WorkingDaysLate), sanitize.Line(it.What))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// lateColumn shows working days late only for what is late, so the column
// draws the eye to the missed deadlines.
func lateColumn(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n) + " wd"
}
