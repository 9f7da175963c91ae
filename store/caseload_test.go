package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/vault"
)

func newChild(first string) *child.Child {
	return &child.Child{
		LAID: "LA-" + first, FirstName: first, LastName: "Testcase", DOB: calendar.D(2014, 3, 9),
		Sex: "2", Ethnicity: "WBRI", HomeLA: "E08000035",
	}
}

// fullChild has every field set, some dates zero, and its nested rows in the
// order child.go documents; ids are preset so the expected value is known.
func fullChild() child.Child {
	d := calendar.MustParse
	return child.Child{
		ID: "01900000-0000-7000-8000-00000000c001", LAID: "LA-445566", FirstName: "Marigold", LastName: "Featherstonehaugh",
		DOB: d("2012-11-30"), Sex: "2", Ethnicity: "MWBC", UPN: "H801200001001", HomeLA: "E08000035",
		IROAllocated: d("2019-01-03"), CarePlanAgreed: d("2019-01-20"), LastHealthAssessment: d("2024-02-01"),
		PlanStatus: "Permanence by special guardianship; assessment due",
		Episodes: []child.Episode{
			{ID: "01900000-0000-7000-8000-0000000e0001", Start: d("2019-01-01"), End: d("2020-06-30"), LegalStatus: "C2",
				Placement: "U4", ReasonNew: "S", ReasonEnd: "E11", Provider: "Mr and Mrs Ashdown", PostcodeDistrict: "LS6",
				DistanceMiles: 3.5},
			{ID: "01900000-0000-7000-8000-0000000e0002", Start: d("2020-07-01"), LegalStatus: "C2", Placement: "K2",
				ReasonNew: "P", Provider: "Hollybank House", PostcodeDistrict: "HG1", DistanceMiles: 21.25, OutOfArea: true},
		},
		CPPlans: []child.CPPlan{
			{ID: "01900000-0000-7000-8000-0000000c0001", StrategyDiscussion: d("2021-02-01"), Category: "NEG",
				Start: d("2021-02-15"), End: d("2022-03-01")},
			{ID: "01900000-0000-7000-8000-0000000c0002", StrategyDiscussion: d("2023-05-01"), Category: "EMO"},
		},
		Reviews: []child.Review{
			{ID: "01900000-0000-7000-8000-0000000f0001", Kind: child.LAC, Sequence: 1, Due: d("2019-01-29"),
				Scheduled: d("2019-01-28"), Held: d("2019-01-28"), Location: "Foster home", ParticipationCode: "PN1",
				State: "held", DecisionsCirculated: d("2019-02-01"), RecordCirculated: d("2019-02-20")},
			{ID: "01900000-0000-7000-8000-0000000f0002", Kind: child.LAC, Sequence: 2, Due: d("2019-04-28"), State: "planned"},
			{ID: "01900000-0000-7000-8000-0000000f0003", Kind: child.CP, Sequence: 1, Due: d("2021-05-17"),
				Held: d("2021-05-10"), Location: "Civic Centre room 4", State: "held"},
			{ID: "01900000-0000-7000-8000-0000000f0004", Kind: child.ShortBreaks, Sequence: 1, State: "planned"},
		},
	}
}

// withVersions is c as it reads back after a first save.
func withVersions(c child.Child) child.Child {
	c.Version = 1
	c.Episodes = slices.Clone(c.Episodes)
	c.CPPlans = slices.Clone(c.CPPlans)
	c.Reviews = slices.Clone(c.Reviews)
	for i := range c.Episodes {
		c.Episodes[i].Version = 1
	}
	for i := range c.CPPlans {
		c.CPPlans[i].Version = 1
	}
	for i := range c.Reviews {
		c.Reviews[i].Version = 1
	}
	return c
}

// reversed saves nested rows in the wrong order, to show the reads sort.
func reversed(c child.Child) child.Child {
	c.Episodes = slices.Clone(c.Episodes)
	c.CPPlans = slices.Clone(c.CPPlans)
	c.Reviews = slices.Clone(c.Reviews)
	slices.Reverse(c.Episodes)
	slices.Reverse(c.CPPlans)
	slices.Reverse(c.Reviews)
	return c
}

func TestChildRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	var caseload []child.Child
	for _, tc := range []struct {
		name string
		save child.Child
		want child.Child // ID filled in from the saved child when empty
	}{
		{"full record saved out of order", reversed(fullChild()), withVersions(fullChild())},
		{"nothing but a name", child.Child{FirstName: "Wren"}, child.Child{FirstName: "Wren", Version: 1}},
		{"every text empty", child.Child{}, child.Child{Version: 1}},
		{"unicode and a generated id", child.Child{FirstName: "Siân", LastName: "Ó Briain", DOB: calendar.D(2016, 2, 29)},
			child.Child{FirstName: "Siân", LastName: "Ó Briain", DOB: calendar.D(2016, 2, 29), Version: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kids := []child.Child{tc.save}
			if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
				t.Fatalf("save: %v", err)
			}
			if tc.want.ID == "" {
				id, err := uuid.Parse(kids[0].ID)
				if err != nil || id.Version() != 7 {
					t.Fatalf("generated id %q is not a UUIDv7 (%v)", kids[0].ID, err)
				}
				tc.want.ID = kids[0].ID
			}
			got, err := db.Child(ctx, tc.want.ID)
			if err != nil {
				t.Fatalf("Child: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("read back\n got %+v\nwant %+v", got, tc.want)
			}
			caseload = append(caseload, tc.want)
		})
	}

	got, err := db.Caseload(ctx)
	if err != nil {
		t.Fatalf("Caseload: %v", err)
	}
	slices.SortFunc(caseload, func(a, b child.Child) int { return strings.Compare(a.ID, b.ID) })
	if !reflect.DeepEqual(got, caseload) {
		t.Fatalf("Caseload\n got %+v\nwant %+v", got, caseload)
	}
	if _, err := db.Child(ctx, "01900000-0000-7000-8000-000000000404"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Child(unknown) = %v, want ErrNotFound", err)
	}
}

// opDelta is what one Update should add to the outbox.
type opDelta struct {
	entity, name string
	baseVersion  int
	payload      map[string]any // exact payload for updates, a subset for creates
}

func TestOutboxOpPerWrite(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	c := newChild("Oriel")
	c.ID = "01900000-0000-7000-8000-00000000a001" // known now, for the expected payloads below
	e := &child.Episode{Start: calendar.D(2024, 1, 5), LegalStatus: "C2", Placement: "U1", PostcodeDistrict: "BD18", Provider: "Saltaire carers"}
	p := &child.CPPlan{StrategyDiscussion: calendar.D(2024, 2, 1), Category: "PHY"}
	r := &child.Review{Kind: child.LAC, Sequence: 1, Due: calendar.D(2024, 2, 2), Location: "School", State: "planned"}
	r2 := &child.Review{Kind: child.LAC, Sequence: 2, State: "planned"}
	e2 := &child.Episode{Start: calendar.D(2024, 6, 1), LegalStatus: "C2", Placement: "U3"}

	seen := []Op{}
	for _, tc := range []struct {
		name  string
		write func(tx *Tx) error
		want  []opDelta
	}{
		{"add child", func(tx *Tx) error { return tx.AddChild(c) },
			[]opDelta{{"child", "child.create", 0, map[string]any{"first_name": "Oriel", "la_id": "LA-Oriel", "dob": "2014-03-09", "iro_allocated": ""}}}},
		{"add episode", func(tx *Tx) error { return tx.AddEpisode(c.ID, e) },
			[]opDelta{{"episode", "episode.create", 0, map[string]any{"child_id": c.ID, "postcode_district": "BD18", "end_date": ""}}}},
		{"add cp plan", func(tx *Tx) error { return tx.AddCPPlan(c.ID, p) },
			[]opDelta{{"cp_plan", "cp_plan.create", 0, map[string]any{"category": "PHY", "strategy_discussion": "2024-02-01"}}}},
		{"add review", func(tx *Tx) error { return tx.AddReview(c.ID, r) },
			[]opDelta{{"review", "review.create", 0, map[string]any{"kind": "lac", "location": "School", "due": "2024-02-02"}}}},
		{"update review", func(tx *Tx) error {
			r.Held, r.Location = calendar.D(2024, 2, 1), "Foster home"
			return tx.UpdateReview(c.ID, r)
		}, []opDelta{{"review", "review.update", 1, map[string]any{"held": "2024-02-01", "location": "Foster home"}}}},
		{"update review again", func(tx *Tx) error {
			r.State = "held"
			return tx.UpdateReview(c.ID, r)
		}, []opDelta{{"review", "review.update", 2, map[string]any{"state": "held"}}}},
		{"save an unchanged review", func(tx *Tx) error { return tx.UpdateReview(c.ID, r) }, nil},
		{"two writes in one transaction", func(tx *Tx) error {
			if err := tx.AddReview(c.ID, r2); err != nil {
				return err
			}
			return tx.AddEpisode(c.ID, e2)
		}, []opDelta{{"review", "review.create", 0, map[string]any{"sequence": 2.0}}, {"episode", "episode.create", 0, map[string]any{"placement": "U3"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.Update(ctx, tc.write); err != nil {
				t.Fatalf("Update: %v", err)
			}
			ops, err := db.PendingOps(ctx, 0)
			if err != nil {
				t.Fatalf("PendingOps: %v", err)
			}
			if len(ops) != len(seen)+len(tc.want) {
				t.Fatalf("outbox has %d ops, want %d", len(ops), len(seen)+len(tc.want))
			}
			if !reflect.DeepEqual(ops[:len(seen)], seen) {
				t.Fatal("earlier ops changed")
			}
			for i, want := range tc.want {
				checkOp(t, ops[len(seen)+i], want)
			}
			seen = ops
		})
	}
	if r.Version != 3 {
		t.Errorf("review version = %d after two changing updates, want 3", r.Version)
	}
	if limited, err := db.PendingOps(ctx, 2); err != nil || len(limited) != 2 || limited[1].Seq != seen[1].Seq {
		t.Errorf("PendingOps(2) = %d ops, %v", len(limited), err)
	}
}

func checkOp(t *testing.T, op Op, want opDelta) {
	t.Helper()
	if op.Entity != want.entity || op.Name != want.name || op.BaseVersion != want.baseVersion {
		t.Errorf("op = %s %s base %d, want %s %s base %d", op.Entity, op.Name, op.BaseVersion, want.entity, want.name, want.baseVersion)
	}
	if id, err := uuid.Parse(op.OpID); err != nil || id.Version() != 7 {
		t.Errorf("op id %q is not a UUIDv7", op.OpID)
	}
	if time.Since(op.CreatedAt) > time.Minute || op.CreatedAt.Location() != time.UTC {
		t.Errorf("op created at %v", op.CreatedAt)
	}
	var payload map[string]any
	if err := json.Unmarshal(op.Payload, &payload); err != nil {
		t.Fatalf("payload %q: %v", op.Payload, err)
	}
	// An update carries only what changed, so its payload is checked exactly.
	if strings.HasSuffix(op.Name, ".update") && !reflect.DeepEqual(payload, want.payload) {
		t.Errorf("%s payload = %v, want exactly %v", op.Name, payload, want.payload)
	}
	for k, v := range want.payload {
		if payload[k] != v {
			t.Errorf("%s payload[%s] = %v, want %v", op.Name, k, payload[k], v)
		}
	}
}

func countRows(t *testing.T, db *DB) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, table := range []string{"child", "episode", "cp_plan", "review", "outbox"} {
		var c int
		if err := db.sql.QueryRow("SELECT count(*) FROM " + table).Scan(&c); err != nil {
			t.Fatal(err)
		}
		n[table] = c
	}
	return n
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	existing := newChild("Present")
	if err := db.Update(ctx, func(tx *Tx) error { return tx.AddChild(existing) }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	const missing = "01900000-0000-7000-8000-0000000dead0"

	for _, tc := range []struct {
		name    string
		fn      func(tx *Tx) error
		wantErr error
	}{
		{"episode for a missing child", func(tx *Tx) error {
			return tx.AddEpisode(missing, &child.Episode{LegalStatus: "C2"})
		}, ErrNotFound},
		{"child saved, then a missing child's plan", func(tx *Tx) error {
			if err := tx.AddChild(newChild("Rolledback")); err != nil {
				return err
			}
			return tx.AddCPPlan(missing, &child.CPPlan{Category: "NEG"})
		}, ErrNotFound},
		{"callback fails after successful writes", func(tx *Tx) error {
			c := newChild("Undone")
			if err := tx.AddChild(c); err != nil {
				return err
			}
			if err := tx.AddReview(c.ID, &child.Review{Kind: child.LAC, Sequence: 1}); err != nil {
				return err
			}
			return boom
		}, boom},
		{"failed write ignored by the callback", func(tx *Tx) error {
			_ = tx.AddChild(newChild("Ignored"))
			_ = tx.AddReview(missing, &child.Review{Kind: child.LAC})
			return nil
		}, ErrNotFound},
		{"review of an unknown kind", func(tx *Tx) error {
			return tx.AddReview(existing.ID, &child.Review{Kind: "weekly"})
		}, nil},
		{"update of a missing review", func(tx *Tx) error {
			return tx.UpdateReview(existing.ID, &child.Review{ID: missing, Version: 1, Kind: child.LAC})
		}, ErrNotFound},
		{"panic after a write", func(tx *Tx) error {
			if err := tx.AddChild(newChild("Panicked")); err != nil {
				return err
			}
			panic(boom)
		}, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countRows(t, db)
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = p.(error)
					}
				}()
				return db.Update(ctx, tc.fn)
			}()
			if err == nil {
				t.Fatal("Update succeeded")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Update = %v, want %v", err, tc.wantErr)
			}
			if after := countRows(t, db); !reflect.DeepEqual(after, before) {
				t.Fatalf("rows before %v, after %v", before, after)
			}
		})
	}
}

func TestUpdateReviewConflict(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	c := newChild("Conflicted")
	r := &child.Review{Kind: child.CP, Sequence: 1, State: "planned"}
	other := newChild("Other")
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.AddChild(c); err != nil {
			return err
		}
		if err := tx.AddChild(other); err != nil {
			return err
		}
		return tx.AddReview(c.ID, r)
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		childID string
		edit    func(r child.Review) child.Review
		wantErr error
	}{
		{"saved by someone else first", c.ID, func(r child.Review) child.Review { r.State = "held"; return r }, nil},
		{"stale copy", c.ID, func(r child.Review) child.Review { r.State = "preparing"; return r }, ErrConflict},
		{"review of another child", other.ID, func(r child.Review) child.Review { r.Version = 2; r.State = "x"; return r }, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(*r)
			err := db.Update(ctx, func(tx *Tx) error { return tx.UpdateReview(tc.childID, &edited) })
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("UpdateReview = %v, want %v", err, tc.wantErr)
			}
		})
	}
	got, err := db.Child(ctx, c.ID)
	if err != nil || len(got.Reviews) != 1 || got.Reviews[0].State != "held" || got.Reviews[0].Version != 2 {
		t.Fatalf("stored review = %+v, %v; want the first update only", got.Reviews, err)
	}
}

func TestTamperedValuesRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	kids := []child.Child{fullChild(), *newChild("Second")}
	kids[1].Reviews = []child.Review{{Kind: child.LAC, Sequence: 1, Location: "Elsewhere"}}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	ops, err := db.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	caseload := func() error { _, err := db.Caseload(ctx); return err }
	pending := func() error { _, err := db.PendingOps(ctx, 0); return err }

	type cell struct{ table, column, key, id string }
	for _, tc := range []struct {
		name string
		a, b cell
		read func() error
	}{
		{"name moved to another child", cell{"child", "first_name", "id", kids[0].ID}, cell{"child", "first_name", "id", kids[1].ID}, caseload},
		{"first and last name swapped", cell{"child", "first_name", "id", kids[0].ID}, cell{"child", "last_name", "id", kids[0].ID}, caseload},
		{"location moved to another review", cell{"review", "location", "id", kids[0].Reviews[0].ID}, cell{"review", "location", "id", kids[1].Reviews[0].ID}, caseload},
		{"postcode swapped with provider", cell{"episode", "postcode_district", "id", kids[0].Episodes[0].ID}, cell{"episode", "provider", "id", kids[0].Episodes[0].ID}, caseload},
		{"payload moved to another op", cell{"outbox", "payload", "op_id", ops[0].OpID}, cell{"outbox", "payload", "op_id", ops[1].OpID}, pending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			swap := func() {
				var x, y []byte
				get := func(c cell, dst *[]byte) {
					q := fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?", c.column, c.table, c.key)
					if err := db.sql.QueryRow(q, c.id).Scan(dst); err != nil {
						t.Fatal(err)
					}
				}
				set := func(c cell, v []byte) {
					q := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ?", c.table, c.column, c.key)
					if _, err := db.sql.Exec(q, v, c.id); err != nil {
						t.Fatal(err)
					}
				}
				get(tc.a, &x)
				get(tc.b, &y)
				set(tc.a, y)
				set(tc.b, x)
			}
			swap()
			if err := tc.read(); !errors.Is(err, vault.ErrTampered) {
				t.Errorf("read after swap = %v, want ErrTampered", err)
			}
			swap()
			if err := tc.read(); err != nil {
				t.Errorf("read after swapping back = %v", err)
			}
		})
	}
}

func TestHolidays(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t) // never unlocked: holidays are public data
	d := calendar.MustParse
	for _, tc := range []struct {
		name    string
		replace []calendar.Holiday
		wantErr bool
		want    []calendar.Holiday
	}{
		{"none yet", nil, false, nil},
		{"import sorts by date",
			[]calendar.Holiday{{Date: d("2027-12-28"), Title: "Boxing Day (Substitute day)"}, {Date: d("2027-01-01"), Title: "New Year’s Day"}},
			false,
			[]calendar.Holiday{{Date: d("2027-01-01"), Title: "New Year’s Day"}, {Date: d("2027-12-28"), Title: "Boxing Day (Substitute day)"}}},
		{"reimport replaces",
			[]calendar.Holiday{{Date: d("2028-05-01"), Title: "Early May bank holiday"}}, false,
			[]calendar.Holiday{{Date: d("2028-05-01"), Title: "Early May bank holiday"}}},
		{"a day without a date is refused and changes nothing",
			[]calendar.Holiday{{Date: d("2029-01-01"), Title: "New Year’s Day"}, {Title: "Mystery"}}, true,
			[]calendar.Holiday{{Date: d("2028-05-01"), Title: "Early May bank holiday"}}},
		{"a repeated date is refused",
			[]calendar.Holiday{{Date: d("2029-01-01"), Title: "A"}, {Date: d("2029-01-01"), Title: "B"}}, true,
			[]calendar.Holiday{{Date: d("2028-05-01"), Title: "Early May bank holiday"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.replace != nil {
				err := db.Update(ctx, func(tx *Tx) error { return tx.ReplaceHolidays(tc.replace) })
				if (err != nil) != tc.wantErr {
					t.Fatalf("ReplaceHolidays = %v, want error %v", err, tc.wantErr)
				}
			}
			got, err := db.Holidays(ctx)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Holidays = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestLockDuringUse checks (under -race) that locking while reads and writes
// are in flight neither races nor panics: each call either finishes with the
// key or reports ErrLocked.
func TestLockDuringUse(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Go(func() {
			if i%2 == 0 {
				_, err := db.Caseload(ctx)
				errs <- err
				return
			}
			errs <- db.Update(ctx, func(tx *Tx) error { return tx.AddChild(newChild(fmt.Sprint("Racer", i))) })
		})
	}
	db.Lock()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, ErrLocked) {
			t.Errorf("call during Lock = %v", err)
		}
	}
}
