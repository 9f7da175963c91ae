package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

func init() { register(newScheduleCmd) }

// scheduleKinds maps the command-line spelling to the stored kind: a hyphen is
// easier to type, the stored value keeps its underscore.
var scheduleKinds = map[string]child.Kind{
	"lac":          child.LAC,
	"cp":           child.CP,
	"short-breaks": child.ShortBreaks,
}

const scheduleKindsHint = "want one kind: lac, cp or short-breaks"

func newScheduleCmd(a *app) *cobra.Command {
	var (
		start  string
		held   []string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "schedule lac|cp|short-breaks --start YYYY-MM-DD [--held YYYY-MM-DD ...]",
		Short: "Work out when each review or conference of a cycle is due",
		Long: "Work out the statutory schedule of a cycle from its start (became looked after,\n" +
			"strategy discussion, or first short break) and the dates meetings were held,\n" +
			"counting England & Wales working days.",
		Example:   "  iro schedule lac --start 2026-01-02 --held 2026-01-30,2026-04-29 --json",
		ValidArgs: []string{"lac", "cp", "short-breaks"},
		Args:      cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("schedule: %s", scheduleKindsHint)
			}
			kind, ok := scheduleKinds[args[0]]
			if !ok {
				return usagef("schedule: unknown kind %q: %s", args[0], scheduleKindsHint)
			}
			if start == "" {
				return usagef("schedule: --start is required (YYYY-MM-DD)")
			}
			from, err := calendar.Parse(start)
			if err != nil {
				return usagef("schedule: --start: %v", err)
			}
			heldOn := make([]calendar.Date, 0, len(held))
			for _, h := range held {
				d, err := calendar.Parse(h)
				if err != nil {
					return usagef("schedule: --held: %v", err)
				}
				heldOn = append(heldOn, d)
			}
			cal, err := a.calendar(cmd.Context())
			if err != nil {
				return err
			}
			rules, _, _, err := a.settings()
			if err != nil {
				return err
			}
			s, err := timescale.Plan(cal, kind, from, heldOn, rules)
			if err != nil {
				return usagef("schedule: %v", err)
			}
			if asJSON {
				return writeScheduleJSON(a.stdout, s)
			}
			return writeScheduleTable(a.stdout, s)
		},
	}
	cmd.Flags().StringVar(&start, "start", "", "when the cycle started: became looked after, strategy discussion, or first short break")
	cmd.Flags().StringSliceVar(&held, "held", nil, "a date a meeting was held, oldest first (repeat or separate with commas)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// scheduleJSON is the stable --json shape; field order is the key order.
type scheduleJSON struct {
	Kind     child.Kind    `json:"kind"`
	Meetings []meetingJSON `json:"meetings"`
	Next     meetingJSON   `json:"next"`
}

type meetingJSON struct {
	Due          calendar.Date `json:"due"`
	Held         calendar.Date `json:"held,omitzero"`
	DecisionsDue calendar.Date `json:"decisions_due,omitzero"`
	RecordDue    calendar.Date `json:"record_due,omitzero"`
}

func writeScheduleJSON(w io.Writer, s timescale.Schedule) error {
	out := scheduleJSON{Kind: s.Kind, Meetings: make([]meetingJSON, len(s.Meetings)), Next: meetingJSON(s.Next)}
	for i, m := range s.Meetings {
		out.Meetings[i] = meetingJSON(m)
	}
	return json.NewEncoder(w).Encode(out)
}

func writeScheduleTable(w io.Writer, s timescale.Schedule) error {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Meeting\tDue\tHeld\tDecisions due\tRecord due")
	for i, m := range s.Meetings {
		// Zero dates print as empty cells; every row has all five so the
		// columns line up even when nothing has been held yet.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", timescale.MeetingName(s.Kind, i+1), m.Due, m.Held, m.DecisionsDue, m.RecordDue)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for line := range strings.Lines(table.String()) {
		out.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
	fmt.Fprintf(&out, "\nNext: %s due by %s %s\n", timescale.MeetingName(s.Kind, len(s.Meetings)), s.Next.Due.Weekday().String()[:3], s.Next.Due)
	_, err := io.WriteString(w, out.String())
	return err
}
