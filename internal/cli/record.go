package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/report"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/store"
)

func init() { register(newRecord) }

func newRecord(a *app) *cobra.Command {
	var sequence int
	var format string
	cmd := &cobra.Command{
		Use:   "record CHILD",
		Short: "Print the record of a child's review",
		Long: "Prints the record of review: attendance, participation, wishes and feelings, notes by\n" +
			"section, and the recommendations with owners and due dates. CHILD is the local id or\n" +
			"the LA id. Without --review it is the latest review held, or the meeting in progress.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "md" && format != "json" {
				return usagef("record: --format is md or json, not %q", format)
			}
			ctx := cmd.Context()
			db, err := a.openUnlocked(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			children, err := db.Caseload(ctx)
			if err != nil {
				return err
			}
			c, ok := findChild(children, args[0])
			if !ok {
				return usagef("record: no child with id or LA id %q", args[0])
			}
			cal, err := calendarFrom(ctx, db)
			if err != nil {
				return err
			}
			rules, _, _, err := a.settings()
			if err != nil {
				return err
			}
			sched, _ := timescale.ScheduleFor(c, cal, rules)
			r, ok := pickReview(c, sched.Kind, sequence)
			if !ok {
				if sequence > 0 {
					return usagef("record: %s has no review %d", c.LAID, sequence)
				}
				return usagef("record: %s has no review held or in progress yet", c.LAID)
			}
			m, err := db.Meeting(ctx, r.ID)
			if err != nil {
				return err
			}
			var when timescale.Meeting
			if r.Sequence >= 1 && r.Sequence <= len(sched.Meetings) {
				when = sched.Meetings[r.Sequence-1]
			}
			rec := report.Build(c, r, m, when, timescale.MeetingName(r.Kind, r.Sequence))
			// Only the local id, which is opaque: the audit log is plaintext.
			if err := db.Audit(ctx, store.AuditExport, fmt.Sprintf("record of review, %s, child %s, review %d", format, c.ID, r.Sequence)); err != nil {
				return err
			}
			if format == "json" {
				out, err := rec.JSON()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.stdout, string(out))
				return err
			}
			_, err = fmt.Fprint(a.stdout, rec.Markdown())
			return err
		},
	}
	cmd.Flags().IntVar(&sequence, "review", 0, "the review's number in the child's current cycle")
	cmd.Flags().StringVar(&format, "format", "md", "md or json")
	return cmd
}

func findChild(children []child.Child, id string) (child.Child, bool) {
	for _, c := range children {
		if c.ID == id || strings.EqualFold(c.LAID, id) {
			return c, true
		}
	}
	return child.Child{}, false
}

// pickReview is the review numbered sequence in the current cycle, or by
// default the one most recently held or still in its meeting.
func pickReview(c child.Child, kind child.Kind, sequence int) (child.Review, bool) {
	var best child.Review
	found := false
	for _, r := range c.Reviews {
		if r.Kind != kind {
			continue
		}
		if sequence > 0 {
			if r.Sequence == sequence {
				return r, true
			}
			continue
		}
		if (!r.Held.IsZero() || review.State(r.State) == review.InMeeting) && (!found || r.Sequence > best.Sequence) {
			best, found = r, true
		}
	}
	return best, found
}
