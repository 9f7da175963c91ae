package report_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/report"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
)

var d = calendar.MustParse

// sample is a review held on Thu 3 Dec 2026. Its follow-up dates were
// counted by hand on `cal -m`: decisions 5 working days later is Thu 10 Dec;
// the record 20 working days later skips Christmas (Fri 25, Mon 28 Dec) and
// New Year's Day (Fri 1 Jan) to land on Tue 5 Jan 2027.
func sample() (child.Child, child.Review, review.Meeting, timescale.Meeting) {
	c := child.Child{ID: "child-1", LAID: "LA123", FirstName: "Amira", LastName: "Khan", DOB: d("2015-03-02")}
	r := child.Review{
		ID: "review-3", Kind: child.LAC, Sequence: 3,
		Due: d("2026-12-11"), Held: d("2026-12-03"),
		ParticipationCode: "PN1", State: string(review.DecisionsCirculated),
		DecisionsCirculated: d("2026-12-08"),
	}
	m := review.Meeting{
		ReviewID:          "review-3",
		HeldAt:            time.Date(2026, 12, 3, 16, 30, 0, 0, time.FixedZone("UTC+1", 3600)),
		WishesAndFeelings: "I want to see my brother more.",
		Letter:            "Dear Amira,\n\nThank you.",
		Attendees: []review.Attendee{
			{Name: "Amira Khan", Role: "child", Attendance: review.Present},
			{Name: "Sam Lee", Role: "social worker", Attendance: review.Present},
			{Name: "Dr Rao", Role: "GP", Attendance: review.SentViews},
		},
		Consultations: []review.Consultation{
			{Who: review.ConsulteeChild, Name: "Amira", How: review.MethodVisit, On: d("2026-11-20"), SeenAlone: true,
				Summary: "Likes her new school.\n\nWorried about her brother."},
			{Who: review.ConsulteeCarer, Name: "Pat | Chris", How: review.MethodPhone, On: d("2026-11-24")},
		},
		// Stored out of order: the record follows Position.
		Sections: []review.Section{
			{Position: 1, Title: "Health", Notes: "Dental check overdue."},
			{Position: 0, Title: "Introductions and participation", Notes: ""},
			{Position: 2, Title: "Contact and\nfamily time", Notes: "Fortnightly with Mum.\nMonthly with her brother."},
		},
		Recommendations: []review.Recommendation{
			{Text: "Book a dentist appointment", OwnerRole: "social worker", OwnerName: "Sam Lee", Due: d("2026-12-18"), Status: review.RecOpen},
			{Text: "Plan more time\nwith her brother", OwnerRole: "team manager", Due: d("2027-01-29"), Status: review.RecInProgress},
		},
	}
	s := timescale.Meeting{Due: d("2026-12-10"), Held: d("2026-12-03"), DecisionsDue: d("2026-12-10"), RecordDue: d("2027-01-05")}
	return c, r, m, s
}

func TestBuild(t *testing.T) {
	c, r, m, s := sample()
	got := report.Build(c, r, m, s, "Review 3")
	eleven := 11
	want := report.Record{
		Child: report.Child{ID: "child-1", LAID: "LA123", Name: "Amira Khan", DOB: "2015-03-02", AgeAtReview: &eleven},
		Review: report.Review{
			ID: "review-3", Kind: "lac", Sequence: 3, Name: "Review 3",
			Due: "2026-12-10", Held: "2026-12-03", HeldAt: "2026-12-03T15:30:00Z",
			State: "decisions_circulated", ParticipationCode: "PN1", Participation: "Attends and speaks for themself",
			DecisionsDue: "2026-12-10", RecordDue: "2027-01-05", DecisionsCirculated: "2026-12-08", RecordCirculated: "",
		},
		Attendance: []report.Attendee{
			{Name: "Amira Khan", Role: "child", Attendance: "present"},
			{Name: "Sam Lee", Role: "social worker", Attendance: "present"},
			{Name: "Dr Rao", Role: "GP", Attendance: "sent_views"},
		},
		Consultations: []report.Consultation{
			{Who: "child", Name: "Amira", How: "visit", On: "2026-11-20", SeenAlone: true, Summary: "Likes her new school.\n\nWorried about her brother."},
			{Who: "carer", Name: "Pat | Chris", How: "phone", On: "2026-11-24"},
		},
		WishesAndFeelings: "I want to see my brother more.",
		Sections: []report.Section{
			{Title: "Introductions and participation"},
			{Title: "Health", Notes: "Dental check overdue."},
			{Title: "Contact and\nfamily time", Notes: "Fortnightly with Mum.\nMonthly with her brother."},
		},
		Recommendations: []report.Recommendation{
			{Text: "Book a dentist appointment", OwnerRole: "social worker", OwnerName: "Sam Lee", Due: "2026-12-18", Status: "open"},
			{Text: "Plan more time\nwith her brother", OwnerRole: "team manager", Due: "2027-01-29", Status: "in_progress"},
		},
		Letter: "Dear Amira,\n\nThank you.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Build:\n got %+v\nwant %+v", got, want)
	}
}

// A review not yet held: no held_at, the age on the scheduled day, and
// empty lists rather than nulls in the JSON.
func TestBuildPlanned(t *testing.T) {
	c := child.Child{ID: "child-2", FirstName: "Leo", DOB: d("2022-06-15")}
	r := child.Review{ID: "review-1", Kind: child.LAC, Sequence: 1, Due: d("2026-06-19"), Scheduled: d("2026-06-15"), State: "planned"}
	rec := report.Build(c, r, review.Meeting{}, timescale.Meeting{}, "Review 1")
	if rec.Child.AgeAtReview == nil || *rec.Child.AgeAtReview != 4 {
		t.Errorf("age at review = %v, want 4 (the scheduled day is the 4th birthday)", rec.Child.AgeAtReview)
	}
	if rec.Review.Due != "2026-06-19" {
		t.Errorf("due = %q, want the review row's 2026-06-19 when the schedule has none", rec.Review.Due)
	}
	b, err := rec.JSON()
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{`"attendance": []`, `"consultations": []`, `"sections": []`, `"recommendations": []`, `"held": ""`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(js, "held_at") {
		t.Errorf("JSON has held_at for a review not held:\n%s", js)
	}

	rec = report.Build(child.Child{ID: "child-3", FirstName: "Mo"}, r, review.Meeting{}, timescale.Meeting{}, "Review 1")
	if rec.Child.AgeAtReview != nil {
		t.Errorf("age at review = %d with no date of birth, want nil", *rec.Child.AgeAtReview)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	c, r, m, s := sample()
	rec := report.Build(c, r, m, s, "Review 3")
	b, err := rec.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back report.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rec) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, rec)
	}
	js := string(b)
	for _, x := range m.Recommendations {
		if !strings.Contains(js, mustJSON(t, x.Text)) {
			t.Errorf("JSON lacks recommendation %q", x.Text)
		}
	}
	for _, x := range m.Sections {
		if !strings.Contains(js, mustJSON(t, x.Title)) {
			t.Errorf("JSON lacks section %q", x.Title)
		}
	}
	// Keys in struct order, snake_case.
	order := []string{`"child"`, `"la_id"`, `"age_at_review"`, `"review"`, `"held_at"`, `"participation_code"`,
		`"record_circulated"`, `"attendance"`, `"consultations"`, `"seen_alone"`, `"wishes_and_feelings"`,
		`"sections"`, `"recommendations"`, `"owner_role"`, `"letter"`}
	last := -1
	for _, k := range order {
		i := strings.Index(js, k)
		if i <= last {
			t.Errorf("key %s at %d, want after %d", k, i, last)
		}
		last = i
	}
}

func mustJSON(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMarkdown(t *testing.T) {
	c, r, m, s := sample()
	got := report.Build(c, r, m, s, "Review 3").Markdown()
	want := `# Review 3: Amira Khan

- Date of birth: 2015-03-02 (11 at the review)
- LA child id: LA123
- Due: 2026-12-10
- Held: 2026-12-03
- State: decisions circulated
- Participation: PN1: Attends and speaks for themself
- Decisions: due 2026-12-10, circulated 2026-12-08
- Record: due 2027-01-05, not circulated yet

## Attendance

| Name | Role | Attendance |
| --- | --- | --- |
| Amira Khan | child | present |
| Sam Lee | social worker | present |
| Dr Rao | GP | sent views |

## Consultations

- child: Amira, visit on 2026-11-20, seen alone

  Likes her new school.

  Worried about her brother.
- carer: Pat | Chris, phone on 2026-11-24

## The child's wishes and feelings

I want to see my brother more.

## Notes

### Introductions and participation

No notes.

### Health

Dental check overdue.

### Contact and family time

Fortnightly with Mum.
Monthly with her brother.

## Recommendations

| What | Owner | Due | Status |
| --- | --- | --- | --- |
| Book a dentist appointment | social worker (Sam Lee) | 2026-12-18 | open |
| Plan more time with her brother | team manager | 2027-01-29 | in progress |

## Letter to the child

Dear Amira,

Thank you.
`
	if got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestMarkdownEmpty(t *testing.T) {
	got := report.Record{Review: report.Review{Name: "Review 1"}}.Markdown()
	want := `# Review 1: —

- Date of birth: —
- LA child id: —
- Due: —
- Held: —
- State: —
- Participation: not recorded
- Decisions: due —, not circulated yet
- Record: due —, not circulated yet

## Attendance

None recorded.

## Consultations

None recorded.

## The child's wishes and feelings

Not recorded.

## Notes

None recorded.

## Recommendations

None made.

## Letter to the child

Not written yet.
`
	if got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}
