package store

import (
	"context"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
)

// TestNoPlaintextOnDisk writes children with values found nowhere else and
// searches the raw files for them, while open (pages still in the WAL) and
// after close (checkpointed into the main file).
func TestNoPlaintextOnDisk(t *testing.T) {
	ctx := context.Background()
	db, path := unlockedTestDB(t)

	sealed := map[string]string{}
	for _, v := range []string{
		"Zephyrine", "Quillbottom", "Barnabywick", "Thistledown", // names
		"LAID-XK7741", "LAID-QP0093", // LA ids
		"A123456789012", "Z987654321098", // UPNs
		"ZZ9Q", "YX42", // postcode districts
		"Moonacre Foster Care", "Ravenswood Hall", "Plan drifting pending court",
		"2013-07-19", // a date of birth used nowhere else
	} {
		sealed[v] = v
	}
	// Plaintext on purpose: finding it proves the search can see the data.
	control := "HOMELA-PLAIN-884"

	kids := []child.Child{
		{LAID: "LAID-XK7741", FirstName: "Zephyrine", LastName: "Quillbottom", DOB: calendar.D(2013, 7, 19),
			UPN: "A123456789012", HomeLA: control, PlanStatus: "Plan drifting pending court",
			Episodes: []child.Episode{{Start: calendar.D(2020, 1, 1), Provider: "Moonacre Foster Care", PostcodeDistrict: "ZZ9Q"}},
			Reviews:  []child.Review{{Kind: child.LAC, Sequence: 1, Location: "Ravenswood Hall"}}},
		{LAID: "LAID-QP0093", FirstName: "Barnabywick", LastName: "Thistledown", UPN: "Z987654321098",
			Episodes: []child.Episode{{Start: calendar.D(2021, 1, 1), PostcodeDistrict: "YX42"}}},
	}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	kids[0].Reviews[0].Location = "Ravenswood Hall, upstairs"
	if err := db.Update(ctx, func(tx *Tx) error { return tx.UpdateReview(kids[0].ID, &kids[0].Reviews[0]) }); err != nil {
		t.Fatal(err)
	}

	search := func(when string) { assertNoPlaintext(t, path, when, sealed, control) }
	search("while open")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	search("after close")
}
