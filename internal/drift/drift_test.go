package drift

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
)

func TestUrgencyOrder(t *testing.T) {
	names := map[string]string{
		"a": sortName("Ada", "Quill"), "a2": sortName("Ada", "Quill"), "b": sortName("bea", "Quill"), "z": sortName("Zed", "Ash"),
	}
	it := func(id string, k Kind, due string, late int, what string) Item {
		return Item{ChildID: id, Kind: k, Due: opt(due), WorkingDaysLate: late, What: what}
	}
	// Already in the order wanted.
	want := []Item{
		it("z", RecordLate, "2026-10-20", 15, ""),
		// 4 late each: by family name, then first name (whatever the case),
		// and one child's kinds in their order.
		it("z", PEPLate, "2026-11-12", 4, ""),
		it("a", ReviewOverdue, "2026-11-12", 4, ""),
		it("a", RecordLate, "2026-11-12", 4, ""),
		it("b", PEPLate, "2026-11-12", 4, ""),
		// Two of one kind for one child: by date, then words.
		it("a", RecommendationOverdue, "2026-11-16", 1, "Recommendation of Review 2"),
		it("a", RecommendationOverdue, "2026-11-17", 1, "Recommendation of Review 1"),
		it("a", RecommendationOverdue, "2026-11-17", 1, "Recommendation of Review 2"),
		it("a", ChallengeFormalExceeded, "2026-11-18", 1, ""),
		// Due soon: soonest first, whatever the name.
		it("a", ReviewDueSoon, "2026-11-20", -2, ""),
		it("z", ReviewDueSoon, "2026-11-23", -3, ""),
		// The rest by name, then kind; two children of one name by id.
		it("z", NotSeenAlone, "", 0, ""),
		it("a", NotSeenAlone, "", 0, ""),
		it("a", PlacementInstability, "", 0, ""),
		it("a2", NotSeenAlone, "", 0, ""),
		it("b", PlacementInstability, "", 0, ""),
	}
	for shift := range want {
		for _, reverse := range []bool{false, true} {
			got := append(slices.Clone(want[shift:]), want[:shift]...)
			if reverse {
				slices.Reverse(got)
			}
			slices.SortFunc(got, byUrgency(names))
			if !slices.Equal(got, want) {
				t.Fatalf("from rotation %d (reversed %v):\n%s\nwant\n%s", shift, reverse, dump(got), dump(want))
			}
		}
	}
}

// TestList runs every rule over two children, in both orders of the facts.
func TestList(t *testing.T) {
	adaChild := lookedAfter(held("r2", 2, "2026-04-29", "2026-05-01", "2026-05-20"), planned("r3", 3))
	bea := child.Child{ID: "c-2", LAID: "LA-2002", FirstName: "Bea", LastName: "Lark", DOB: d("2016-05-05"),
		CPPlans: []child.CPPlan{{StrategyDiscussion: d("2026-10-01"), Category: "NEG"}}}
	facts := []Facts{
		{
			Child: adaChild,
			Recommendations: []review.Recommendation{
				{ID: "rec", ReviewID: "r2", OwnerRole: "social worker", Due: d("2026-11-17"), Status: review.RecOpen},
				{ID: "done", ReviewID: "r2", OwnerRole: "social worker", Due: d("2026-11-02"), Status: review.RecDone},
			},
			LastHeld: &review.Meeting{ReviewID: "r2"},
		},
		{
			Child: bea,
			Challenges: []challenge.Challenge{{ID: "ch", ChildID: "c-2", Steps: []challenge.Step{
				{Kind: challenge.Sent, Stage: 0, StageName: "Informal", On: d("2026-11-02"), ResponseDue: d("2026-11-09")},
			}}},
		},
	}
	beaItem := func(k Kind, what, due string, late int, j Jump) Item {
		return Item{ChildID: "c-2", LAID: "LA-2002", ChildName: "Bea Lark", Kind: k, What: what, Due: opt(due), WorkingDaysLate: late, Jump: j}
	}
	// Counted in TestReviewRule, TestChallengeRule and TestRecommendationRule.
	want := []Item{
		beaItem(ReviewOverdue, "Initial conference overdue by 19 working days", "2026-10-22", 19, Jump{Screen: ScreenChild}),
		ada(ReviewOverdue, "Review 3 overdue by 14 working days", "2026-10-29", 14, Jump{Screen: ScreenPrepare, ReviewID: "r3"}),
		beaItem(ChallengeResponseOverdue, "Response from the social worker overdue (due 9 Nov 2026)", "2026-11-09", 7,
			Jump{Screen: ScreenChallenge, ChallengeID: "ch"}),
		ada(RecommendationOverdue, "Recommendation of Review 2 for the social worker overdue (due 17 Nov 2026)", "2026-11-17", 1,
			Jump{Screen: ScreenTracker, ReviewID: "r2", RecommendationID: "rec"}),
		ada(NotSeenAlone, "Not seen alone before Review 2 (held 29 Apr 2026)", "", 0, Jump{Screen: ScreenPrepare, ReviewID: "r2"}),
	}
	cal := calendar.Default()
	for _, fs := range [][]Facts{facts, {facts[1], facts[0]}} {
		got := List(fs, d("2026-11-18"), cal, timescale.DefaultRules(), challenge.DefaultLadder())
		checkItems(t, got, want)
	}
	if got := List(nil, d("2026-11-18"), cal, timescale.DefaultRules(), challenge.DefaultLadder()); len(got) != 0 {
		t.Errorf("List of no children = %v", got)
	}
}

func TestLastHeldReview(t *testing.T) {
	tests := []struct {
		name   string
		child  child.Child
		wantID string // "" for none
	}{
		{"the latest of the cycle", lookedAfter(held("r2", 2, "2026-04-29", "", ""), planned("r3", 3)), "r2"},
		{"only review 1", lookedAfter(planned("r2", 2)), "r1"},
		{"none held", func() child.Child { c := lookedAfter(); c.Reviews = []child.Review{planned("r1", 1)}; return c }(), ""},
		{"a review of an earlier period of care is not this cycle's", func() child.Child {
			c := lookedAfter()
			c.Reviews = []child.Review{{ID: "old", Kind: child.LAC, Sequence: 1, Held: d("2020-09-01")}}
			return c
		}(), ""},
		{"not in a cycle", child.Child{ID: "x"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := LastHeldReview(tt.child)
			if ok != (tt.wantID != "") || r.ID != tt.wantID {
				t.Errorf("LastHeldReview = %q, %v; want %q", r.ID, ok, tt.wantID)
			}
		})
	}
}
