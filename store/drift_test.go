package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// TestDriftFacts saves three children and checks each gets their own
// recommendations (without progress) and challenges, and the consultations
// of their last held review only.
func TestDriftFacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	d := calendar.MustParse

	// Ada: in care since 2 Jan 2026, reviews 1 and 2 held, 3 planned.
	ada := newChild("Ada")
	ada.Episodes = []child.Episode{{Start: d("2026-01-02"), LegalStatus: "C2", Placement: "U4"}}
	ada.Reviews = []child.Review{
		{Kind: child.LAC, Sequence: 1, Held: d("2026-01-30"), State: "closed"},
		{Kind: child.LAC, Sequence: 2, Held: d("2026-04-29"), State: "held"},
		{Kind: child.LAC, Sequence: 3, State: "planned"},
	}
	// Bea: in care, review 1 not yet held.
	bea := newChild("Bea")
	bea.Episodes = []child.Episode{{Start: d("2026-11-02"), LegalStatus: "C1", Placement: "U4"}}
	bea.Reviews = []child.Review{{Kind: child.LAC, Sequence: 1, State: "planned"}}
	// Cal: no cycle at all.
	cal := newChild("Cal")
	kids := []child.Child{*ada, *bea, *cal}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	r1, r2 := kids[0].Reviews[0].ID, kids[0].Reviews[1].ID

	onR1 := review.Consultation{Who: review.ConsulteeChild, How: review.MethodVisit, On: d("2026-01-20"), SeenAlone: true, Name: "Ada", Summary: "old"}
	alone := review.Consultation{Who: review.ConsulteeChild, How: review.MethodVisit, On: d("2026-04-20"), SeenAlone: true, Name: "Ada", Summary: "Likes school"}
	carer := review.Consultation{Who: review.ConsulteeCarer, How: review.MethodPhone, On: d("2026-04-10"), Name: "Carer", Summary: "Settled"}
	first := review.Recommendation{ReviewID: r1, Text: "Dentist", OwnerRole: "carer", Due: d("2026-03-01")}
	second := review.Recommendation{ReviewID: r2, Text: "Life story work", OwnerRole: "social worker", Due: d("2026-07-01")}
	challengeOf := func(childID, issue string) challenge.Challenge {
		return challenge.Challenge{ChildID: childID, Raised: d("2026-11-02"), Category: challenge.DriftDelay, Issue: issue,
			Steps: []challenge.Step{{Kind: challenge.Sent, On: d("2026-11-02"), Stage: 0, StageName: "Informal",
				Addressee: "SW", ResponseDue: d("2026-11-09"), Text: "Please"}}}
	}
	adaChallenge, beaChallenge := challengeOf(kids[0].ID, "Drift"), challengeOf(kids[1].ID, "Delay")
	err := db.Update(ctx, func(tx *Tx) error {
		return errors.Join(
			tx.AddConsultation(r1, &onR1), tx.AddConsultation(r2, &alone), tx.AddConsultation(r2, &carer),
			tx.AddRecommendation(kids[0].ID, &first), tx.AddRecommendation(kids[0].ID, &second),
			tx.AddProgress(first.ID, &review.Progress{On: d("2026-02-01"), Text: "Booked", Status: review.RecInProgress}),
			tx.RaiseChallenge(&adaChallenge), tx.RaiseChallenge(&beaChallenge),
		)
	})
	if err != nil {
		t.Fatal(err)
	}

	facts, err := db.DriftFacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	caseload, err := db.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != len(caseload) {
		t.Fatalf("DriftFacts has %d children, Caseload %d", len(facts), len(caseload))
	}
	for i := range facts {
		if !reflect.DeepEqual(facts[i].Child, caseload[i]) {
			t.Errorf("child %d = %+v, want Caseload's %+v", i, facts[i].Child, caseload[i])
		}
	}

	byName := map[string]int{}
	for i, f := range facts {
		byName[f.Child.FirstName] = i
	}
	a, b, c := facts[byName["Ada"]], facts[byName["Bea"]], facts[byName["Cal"]]

	// The status went in progress with the entry, but the entry stays behind.
	first.Status = review.RecInProgress
	if want := []review.Recommendation{first, second}; !reflect.DeepEqual(a.Recommendations, want) {
		t.Errorf("Ada's recommendations = %+v\nwant %+v", a.Recommendations, want)
	}
	// By date: the carer on 10 April before Ada on the 20th; review 1's not at all.
	if want := (&review.Meeting{ReviewID: r2, Consultations: []review.Consultation{carer, alone}}); !reflect.DeepEqual(a.LastHeld, want) {
		t.Errorf("Ada's last held meeting = %+v\nwant %+v", a.LastHeld, want)
	}
	// Each child's challenges as the per-child reader has them.
	for _, f := range []struct {
		name string
		got  []challenge.Challenge
		id   string
	}{{"Ada", a.Challenges, kids[0].ID}, {"Bea", b.Challenges, kids[1].ID}} {
		want, err := db.Challenges(ctx, f.id)
		if err != nil || len(want) != 1 || !reflect.DeepEqual(f.got, want) {
			t.Errorf("%s's challenges = %+v\nwant %+v (%v)", f.name, f.got, want, err)
		}
	}
	for _, f := range []struct {
		name string
		got  any
	}{{"Bea's recommendations", b.Recommendations}, {"Bea's last held", b.LastHeld}, {"Cal's recommendations", c.Recommendations},
		{"Cal's last held", c.LastHeld}, {"Cal's challenges", c.Challenges}} {
		if !reflect.ValueOf(f.got).IsNil() {
			t.Errorf("%s = %+v, want none", f.name, f.got)
		}
	}

	db.Lock()
	if _, err := db.DriftFacts(ctx); !errors.Is(err, ErrLocked) {
		t.Errorf("DriftFacts while locked = %v, want ErrLocked", err)
	}
}

// BenchmarkDriftFacts gathers the facts for 5,000 children, each with a
// consultation before their last held review and a recommendation: the
// queries stay the same few however many children there are.
func BenchmarkDriftFacts(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "iro.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Initialise(ctx, []byte("benchmark passphrase"), true, vault.MinParams); err != nil {
		b.Fatal(err)
	}
	kids := make([]child.Child, 5000)
	for i := range kids {
		c := newChild(fmt.Sprint("Child", i))
		c.Episodes = []child.Episode{{Start: calendar.D(2025, 1, 2), LegalStatus: "C2", Placement: "U4"}}
		c.Reviews = []child.Review{{Kind: child.LAC, Sequence: 1, Held: calendar.D(2025, 1, 28), State: "closed"}}
		kids[i] = *c
	}
	err = db.Update(ctx, func(tx *Tx) error {
		if err := AddChildren(tx, kids); err != nil {
			return err
		}
		for _, c := range kids {
			con := review.Consultation{Who: review.ConsulteeChild, How: review.MethodVisit, On: calendar.D(2025, 1, 20), SeenAlone: true}
			rec := review.Recommendation{ReviewID: c.Reviews[0].ID, Text: "Dentist", Due: calendar.D(2025, 3, 1)}
			if err := errors.Join(tx.AddConsultation(c.Reviews[0].ID, &con), tx.AddRecommendation(c.ID, &rec)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		facts, err := db.DriftFacts(ctx)
		if err != nil || len(facts) != len(kids) || facts[0].LastHeld == nil || len(facts[0].LastHeld.Consultations) != 1 {
			b.Fatalf("DriftFacts = %d children, %v", len(facts), err)
		}
	}
}
