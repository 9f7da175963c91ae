package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/cli"
)

func runIRO(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// Expected dates counted by hand on `cal -m` with the England & Wales bank
// holidays (Easter 2026: 3 and 6 April; May 2026: the 4th and the 25th;
// Christmas 2025: the 25th and 26th, New Year's Day a Thursday).
func TestScheduleJSON(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "LAC with two reviews held, repeated and comma-separated",
			args: []string{"schedule", "lac", "--start", "2026-01-02", "--held", "2026-01-30", "--held", "2026-04-29", "--json"},
			want: `{"kind":"lac","meetings":[` +
				`{"due":"2026-01-30","held":"2026-01-30","decisions_due":"2026-02-06","record_due":"2026-02-27"},` +
				`{"due":"2026-04-30","held":"2026-04-29","decisions_due":"2026-05-07","record_due":"2026-05-29"},` +
				`{"due":"2026-10-29"}],"next":{"due":"2026-10-29"}}` + "\n",
		},
		{
			name: "LAC held dates comma-separated",
			args: []string{"schedule", "lac", "--start", "2026-01-02", "--held", "2026-01-30,2026-04-29", "--json"},
			want: `{"kind":"lac","meetings":[` +
				`{"due":"2026-01-30","held":"2026-01-30","decisions_due":"2026-02-06","record_due":"2026-02-27"},` +
				`{"due":"2026-04-30","held":"2026-04-29","decisions_due":"2026-05-07","record_due":"2026-05-29"},` +
				`{"due":"2026-10-29"}],"next":{"due":"2026-10-29"}}` + "\n",
		},
		{
			name: "CP initial conference across Christmas 2025",
			args: []string{"schedule", "cp", "--start", "2025-12-10", "--json"},
			want: `{"kind":"cp","meetings":[{"due":"2026-01-05"}],"next":{"due":"2026-01-05"}}` + "\n",
		},
		{
			name: "short breaks",
			args: []string{"schedule", "short-breaks", "--json", "--start", "2026-01-15", "--held", "2026-04-20"},
			want: `{"kind":"short_breaks","meetings":[` +
				`{"due":"2026-04-15","held":"2026-04-20","decisions_due":"2026-04-27","record_due":"2026-05-19"},` +
				`{"due":"2026-10-20"}],"next":{"due":"2026-10-20"}}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIRO(t, tt.args...)
			if code != cli.ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if stdout != tt.want {
				t.Fatalf("stdout\n%s\nwant\n%s", stdout, tt.want)
			}
		})
	}
}

func TestScheduleTable(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "LAC",
			args: []string{"schedule", "lac", "--start", "2026-01-02", "--held", "2026-01-30,2026-04-29"},
			want: "" +
				"Meeting   Due         Held        Decisions due  Record due\n" +
				"Review 1  2026-01-30  2026-01-30  2026-02-06     2026-02-27\n" +
				"Review 2  2026-04-30  2026-04-29  2026-05-07     2026-05-29\n" +
				"Review 3  2026-10-29\n" +
				"\n" +
				"Next: Review 3 due by Thu 2026-10-29\n",
		},
		{
			name: "CP, next due on a Sunday and not rolled",
			args: []string{"schedule", "cp", "--start", "2025-12-10", "--held", "2026-01-05"},
			want: "" +
				"Meeting              Due         Held        Decisions due  Record due\n" +
				"Initial conference   2026-01-05  2026-01-05  2026-01-12     2026-02-02\n" +
				"Review conference 1  2026-04-05\n" +
				"\n" +
				"Next: Review conference 1 due by Sun 2026-04-05\n",
		},
		{
			name: "short breaks, nothing held yet",
			args: []string{"schedule", "short-breaks", "--start", "2025-11-30"},
			want: "" +
				"Meeting                Due         Held  Decisions due  Record due\n" +
				"Short breaks review 1  2026-02-28\n" +
				"\n" +
				"Next: Short breaks review 1 due by Sat 2026-02-28\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIRO(t, tt.args...)
			if code != cli.ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if stdout != tt.want {
				t.Fatalf("stdout\n%s\nwant\n%s", stdout, tt.want)
			}
		})
	}
}

func TestScheduleBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no kind", []string{"schedule", "--start", "2026-01-02"},
			"iro: schedule: want one kind: lac, cp or short-breaks"},
		{"two kinds", []string{"schedule", "lac", "cp", "--start", "2026-01-02"},
			"iro: schedule: want one kind: lac, cp or short-breaks"},
		{"unknown kind", []string{"schedule", "adoption", "--start", "2026-01-02"},
			`iro: schedule: unknown kind "adoption": want one kind: lac, cp or short-breaks`},
		{"stored spelling of short breaks", []string{"schedule", "short_breaks", "--start", "2026-01-02"},
			`iro: schedule: unknown kind "short_breaks": want one kind: lac, cp or short-breaks`},
		{"missing --start", []string{"schedule", "lac"},
			"iro: schedule: --start is required (YYYY-MM-DD)"},
		{"impossible start", []string{"schedule", "lac", "--start", "2026-02-30"},
			`iro: schedule: --start: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{"British start", []string{"schedule", "cp", "--start", "02/01/2026"},
			`iro: schedule: --start: "02/01/2026" is not a date in the form YYYY-MM-DD`},
		{"impossible held", []string{"schedule", "lac", "--start", "2026-01-02", "--held", "2026-01-30,2026-02-30"},
			`iro: schedule: --held: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{"held out of order", []string{"schedule", "lac", "--start", "2026-01-02", "--held", "2026-04-01,2026-03-01"},
			"iro: schedule: held date 2 (2026-03-01) is before held date 1 (2026-04-01)"},
		{"held twice", []string{"schedule", "short-breaks", "--start", "2026-01-02", "--held", "2026-04-01", "--held", "2026-04-01"},
			"iro: schedule: held date 2 (2026-04-01) is the same day as held date 1"},
		{"held before the start", []string{"schedule", "cp", "--start", "2026-01-02", "--held", "2026-01-01"},
			"iro: schedule: held date 1 (2026-01-01) is before the start (2026-01-02)"},
		{"unknown flag", []string{"schedule", "lac", "--start", "2026-01-02", "--due", "2026-01-30"},
			"iro: unknown flag: --due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIRO(t, tt.args...)
			if code != cli.ExitUsage {
				t.Errorf("exit %d, want %d", code, cli.ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if stderr != tt.want+"\n" {
				t.Errorf("stderr %q\nwant   %q", stderr, tt.want+"\n")
			}
		})
	}
}
