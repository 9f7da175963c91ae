package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

var (
	testCal    = calendar.Default()
	testLadder = challenge.DefaultLadder()
)

// raised is a challenge about childID as the screens would make it: checked
// and completed by challenge.Raise.
func raised(t *testing.T, childID string, on calendar.Date, steps ...challenge.Step) *challenge.Challenge {
	t.Helper()
	c, err := challenge.Raise(challenge.Challenge{ChildID: childID, Raised: on, Category: challenge.Permanence,
		Issue: "No permanence plan", Decision: "Deferral of the SGO assessment", Remedy: "Assess by January", Steps: steps}, testLadder, testCal)
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// next is s checked and completed by challenge.Append against c's history.
func next(t *testing.T, c *challenge.Challenge, s challenge.Step) *challenge.Step {
	t.Helper()
	done, err := challenge.Append(*c, s, testLadder, testCal)
	if err != nil {
		t.Fatal(err)
	}
	return &done
}

func sentTo(stage int, on calendar.Date) challenge.Step {
	return challenge.Step{Kind: challenge.Sent, On: on, Stage: stage, Addressee: "Ms J. Patel", Text: "Dear Ms Patel"}
}

// TestChallengeOpPerWrite: each write, with the outbox failing, leaves
// nothing behind; for real, it adds exactly one op with its fields.
func TestChallengeOpPerWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	d := calendar.D
	rec := review.Recommendation{ReviewID: c.Reviews[0].ID, Text: "SGO assessment"}
	if err := db.AddRecommendation(ctx, c.ID, &rec); err != nil {
		t.Fatal(err)
	}

	bare := raised(t, c.ID, d(2026, 11, 2))
	bare.ReviewID, bare.RecommendationID = c.Reviews[0].ID, rec.ID
	// Sent Mon 2 Nov 2026 to the team manager: due Mon 9 Nov (3, 4, 5, 6, 9).
	withSteps := raised(t, c.ID, d(2026, 11, 2), sentTo(0, d(2026, 11, 2)), challenge.Step{Kind: challenge.Response, On: d(2026, 11, 4), Text: "Will do"})
	// The steps appended to bare, checked against the history before each;
	// ids are given now so the correction can name the step it corrects.
	sent := next(t, bare, sentTo(1, d(2026, 11, 2)))
	sent.ID = "01900000-0000-7000-8000-0000000c5001"
	bare.Steps = append(bare.Steps, *sent)
	resolved := next(t, bare, challenge.Step{Kind: challenge.Closed, On: d(2026, 11, 6), Outcome: challenge.Resolved, Text: "Agreed"})
	bare.Steps = append(bare.Steps, *resolved)
	corr := next(t, bare, challenge.Step{Kind: challenge.Correction, On: d(2026, 11, 9), Corrects: sent.ID, Text: "To Mr Khan"})
	bare.Steps = nil // raised without them; they are appended below

	for _, tc := range []struct {
		name      string
		write     func(tx *Tx) error
		want      opDelta
		wantSteps int // in a challenge.raise payload
	}{
		{"raise with no steps", func(tx *Tx) error { return tx.RaiseChallenge(bare) },
			opDelta{"challenge", "challenge.raise", 0, map[string]any{"child_id": c.ID, "review_id": c.Reviews[0].ID,
				"recommendation_id": rec.ID, "raised": "2026-11-02", "category": "permanence", "issue": "No permanence plan",
				"decision": "Deferral of the SGO assessment", "remedy": "Assess by January"}}, 0},
		{"raise with its steps in the same op", func(tx *Tx) error { return tx.RaiseChallenge(withSteps) },
			opDelta{"challenge", "challenge.raise", 0, map[string]any{"child_id": c.ID, "review_id": "", "recommendation_id": ""}}, 2},
		{"send", func(tx *Tx) error { return tx.AppendChallengeStep(bare.ID, sent) },
			opDelta{"challenge_step", "challenge.step", 0, map[string]any{"challenge_id": "", "seq": 1.0, "kind": "sent",
				"on_date": "2026-11-02", "stage": 1.0, "stage_name": "Team manager", "addressee": "Ms J. Patel",
				"response_due": "2026-11-09", "outcome": "", "corrects": ""}}, 0},
		{"resolve", func(tx *Tx) error { return tx.AppendChallengeStep(bare.ID, resolved) },
			opDelta{"challenge_step", "challenge.step", 0, map[string]any{"seq": 2.0, "kind": "outcome", "outcome": "resolved",
				"text": "Agreed", "response_due": ""}}, 0},
		{"correct after the end", func(tx *Tx) error { return tx.AppendChallengeStep(bare.ID, corr) },
			opDelta{"challenge_step", "challenge.step", 0, map[string]any{"seq": 3.0, "kind": "correction", "text": "To Mr Khan",
				"corrects": sent.ID}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := writeOneOp(t, db, tc.write)
			if tc.want.payload["challenge_id"] == "" {
				tc.want.payload["challenge_id"] = bare.ID
			}
			checkOp(t, op, tc.want)
			var payload struct {
				Steps []challengeStepFields `json:"steps"`
			}
			if err := json.Unmarshal(op.Payload, &payload); err != nil {
				t.Fatal(err)
			}
			if len(payload.Steps) != tc.wantSteps {
				t.Fatalf("the op carries %d steps, want %d", len(payload.Steps), tc.wantSteps)
			}
			for i, s := range payload.Steps {
				if s.ID != withSteps.Steps[i].ID || s.Seq != i+1 || s.ChallengeID != withSteps.ID || s.Kind != withSteps.Steps[i].Kind {
					t.Errorf("step %d in the op = %+v", i+1, s)
				}
			}
		})
	}
	if bare.Version != 1 || sent.Created.IsZero() || withSteps.Steps[1].Created.IsZero() {
		t.Errorf("after the writes: version %d, created %v and %v", bare.Version, sent.Created, withSteps.Steps[1].Created)
	}
}

// TestChallengesRoundTrip reads back what was written, in order, for one
// child and for all.
func TestChallengesRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	other := newChild("Other")
	empty := newChild("Empty")
	d := calendar.D
	rec := review.Recommendation{ReviewID: c.Reviews[1].ID, Text: "Contact plan"}
	err := db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(tx.AddChild(other), tx.AddChild(empty), tx.AddRecommendation(c.ID, &rec))
	})
	if err != nil {
		t.Fatal(err)
	}

	// Raised out of order: the reads sort by the date raised.
	later := raised(t, c.ID, d(2027, 1, 4), sentTo(2, d(2027, 1, 4)))
	later.Category, later.ReviewID, later.RecommendationID = challenge.Contact, c.Reviews[1].ID, rec.ID
	earlier := raised(t, c.ID, d(2026, 12, 24))
	earlier.Decision, earlier.Remedy = "", "" // empty sealed texts survive too
	theirs := raised(t, other.ID, d(2026, 12, 1), sentTo(0, d(2026, 12, 1)))
	undated := &challenge.Challenge{ChildID: c.ID, Category: challenge.Practice, Issue: "Imported without a date"}
	for _, ch := range []*challenge.Challenge{later, earlier, theirs, undated} {
		if err := db.RaiseChallengeNow(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	// Sent Thu 24 Dec 2026 to the service manager: due Tue 5 Jan 2027.
	steps := []challenge.Step{
		sentTo(2, d(2026, 12, 24)),
		{Kind: challenge.Response, On: d(2027, 1, 5), Text: "Panel in February"},
		{Kind: challenge.Closed, On: d(2027, 1, 6), Outcome: challenge.Escalated, Text: "Too late"},
		{Kind: challenge.Closed, On: d(2027, 1, 7), Outcome: challenge.ReferredCafcass, Text: "Drift breaches her rights"},
	}
	for _, s := range steps {
		done := next(t, earlier, s)
		if err := db.AppendChallengeStepNow(ctx, earlier.ID, done); err != nil {
			t.Fatal(err)
		}
		earlier.Steps = append(earlier.Steps, *done)
	}
	if earlier.Steps[0].ResponseDue != d(2027, 1, 5) || earlier.Steps[3].Stage != challenge.CafcassStage {
		t.Fatalf("steps as completed: %+v", earlier.Steps)
	}
	corr := next(t, earlier, challenge.Step{Kind: challenge.Correction, On: d(2027, 1, 8), Corrects: earlier.Steps[1].ID, Text: "Panel in March"})
	if err := db.AppendChallengeStepNow(ctx, earlier.ID, corr); err != nil {
		t.Fatal(err)
	}
	earlier.Steps = append(earlier.Steps, *corr)

	got, err := db.Challenges(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []challenge.Challenge{*earlier, *later, *undated}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Challenges\n got %+v\nwant %+v", got, want)
	}
	all, err := db.AllChallenges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []challenge.Challenge{*theirs, *earlier, *later, *undated}; !reflect.DeepEqual(all, want) {
		t.Fatalf("AllChallenges\n got %+v\nwant %+v", all, want)
	}
	if st := challenge.StatusOf(got[0], testLadder, d(2027, 2, 1), testCal); st.Open || !st.Cafcass || st.Stage != 2 {
		t.Errorf("status of the read-back challenge = %+v", st)
	}
	if cs, err := db.Challenges(ctx, empty.ID); err != nil || cs != nil {
		t.Errorf("Challenges of a child with none = %v, %v", cs, err)
	}
	if _, err := db.Challenges(ctx, "01900000-0000-7000-8000-000000000404"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Challenges of an unknown child = %v, want ErrNotFound", err)
	}
}

func TestAllChallengesEmpty(t *testing.T) {
	t.Parallel()
	db, _ := unlockedTestDB(t)
	if cs, err := db.AllChallenges(context.Background()); err != nil || cs != nil {
		t.Errorf("AllChallenges of an empty database = %v, %v", cs, err)
	}
}

// TestChallengeRefusals: the store's last line of defence and missing or
// mismatched parents. None of them may write anything.
func TestChallengeRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	d := calendar.D
	other := newChild("Stranger")
	other.Reviews = []child.Review{{Kind: child.LAC, Sequence: 1}}
	var theirRec review.Recommendation
	err := db.Update(ctx, func(tx *Tx) error {
		kids := []child.Child{*other}
		if err := AddChildren(tx, kids); err != nil {
			return err
		}
		*other = kids[0]
		theirRec = review.Recommendation{ReviewID: other.Reviews[0].ID, Text: "Theirs"}
		return tx.AddRecommendation(other.ID, &theirRec)
	})
	if err != nil {
		t.Fatal(err)
	}
	ended := map[challenge.Outcome]*challenge.Challenge{}
	for _, o := range []challenge.Outcome{challenge.Resolved, challenge.Withdrawn, challenge.ReferredCafcass} {
		ch := raised(t, c.ID, d(2026, 11, 2), sentTo(1, d(2026, 11, 2)),
			challenge.Step{Kind: challenge.Closed, On: d(2026, 11, 3), Outcome: o, Text: "Reason"})
		if err := db.RaiseChallengeNow(ctx, ch); err != nil {
			t.Fatal(err)
		}
		ended[o] = ch
	}
	open := raised(t, c.ID, d(2026, 11, 2), sentTo(0, d(2026, 11, 2)))
	if err := db.RaiseChallengeNow(ctx, open); err != nil {
		t.Fatal(err)
	}
	response := func() *challenge.Step { return &challenge.Step{Kind: challenge.Response, On: d(2026, 11, 4)} }
	const missing = "01900000-0000-7000-8000-0000000dead0"

	for _, tc := range []struct {
		name    string
		write   func(tx *Tx) error
		wantErr error
	}{
		{"a response after resolved", func(tx *Tx) error { return tx.AppendChallengeStep(ended[challenge.Resolved].ID, response()) }, challenge.ErrEnded},
		{"a sent after withdrawn", func(tx *Tx) error {
			return tx.AppendChallengeStep(ended[challenge.Withdrawn].ID, &challenge.Step{Kind: challenge.Sent, Stage: 2, On: d(2026, 11, 4)})
		}, challenge.ErrEnded},
		{"an escalation after a Cafcass referral", func(tx *Tx) error {
			return tx.AppendChallengeStep(ended[challenge.ReferredCafcass].ID, &challenge.Step{Kind: challenge.Closed, Outcome: challenge.Escalated})
		}, challenge.ErrEnded},
		{"raised with a step after its final outcome", func(tx *Tx) error {
			return tx.RaiseChallenge(&challenge.Challenge{ChildID: c.ID, Category: challenge.Health, Steps: []challenge.Step{
				{Kind: challenge.Closed, Outcome: challenge.Withdrawn}, {Kind: challenge.Sent}}})
		}, challenge.ErrEnded},
		{"a step of a missing challenge", func(tx *Tx) error { return tx.AppendChallengeStep(missing, response()) }, ErrNotFound},
		{"a correction of a missing step", func(tx *Tx) error {
			return tx.AppendChallengeStep(open.ID, &challenge.Step{Kind: challenge.Correction, Corrects: missing, Text: "x"})
		}, ErrNotFound},
		{"a correction of another challenge's step", func(tx *Tx) error {
			return tx.AppendChallengeStep(open.ID, &challenge.Step{Kind: challenge.Correction, Corrects: ended[challenge.Resolved].Steps[0].ID, Text: "x"})
		}, ErrNotFound},
		{"a challenge about a missing child", func(tx *Tx) error {
			return tx.RaiseChallenge(&challenge.Challenge{ChildID: missing, Category: challenge.Health})
		}, ErrNotFound},
		{"a challenge naming a missing review", func(tx *Tx) error {
			return tx.RaiseChallenge(&challenge.Challenge{ChildID: c.ID, ReviewID: missing})
		}, ErrNotFound},
		{"a challenge naming another child's review", func(tx *Tx) error {
			return tx.RaiseChallenge(&challenge.Challenge{ChildID: c.ID, ReviewID: other.Reviews[0].ID})
		}, ErrNotFound},
		{"a challenge naming another child's recommendation", func(tx *Tx) error {
			return tx.RaiseChallenge(&challenge.Challenge{ChildID: c.ID, RecommendationID: theirRec.ID})
		}, ErrNotFound},
		{"an id already used", func(tx *Tx) error { return tx.RaiseChallenge(&challenge.Challenge{ID: open.ID, ChildID: c.ID}) }, nil},
		{"a write after a refused one", func(tx *Tx) error {
			_ = tx.AppendChallengeStep(open.ID, response())
			_ = tx.AppendChallengeStep(missing, response())
			return nil
		}, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, db)
			err := db.Update(ctx, tc.write)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("Update = %v, want %v", err, tc.wantErr)
			}
			if after := snapshot(t, db); !reflect.DeepEqual(after, before) {
				t.Fatal("a refused write changed the database")
			}
		})
	}

	// A correction is still allowed after every kind of end.
	for o, ch := range ended {
		corr := &challenge.Step{Kind: challenge.Correction, On: d(2026, 11, 5), Corrects: ch.Steps[0].ID, Text: "Sent by email"}
		if err := db.AppendChallengeStepNow(ctx, ch.ID, corr); err != nil {
			t.Errorf("a correction after %s: %v", o, err)
		}
	}

	db.Lock()
	for name, call := range map[string]func() error{
		"Challenges":    func() error { _, err := db.Challenges(ctx, c.ID); return err },
		"AllChallenges": func() error { _, err := db.AllChallenges(ctx); return err },
		"RaiseChallengeNow": func() error {
			return db.RaiseChallengeNow(ctx, &challenge.Challenge{ChildID: c.ID, Category: challenge.Health})
		},
		"AppendChallengeStepNow": func() error { return db.AppendChallengeStepNow(ctx, open.ID, response()) },
	} {
		if err := call(); !errors.Is(err, ErrLocked) {
			t.Errorf("%s while locked = %v, want ErrLocked", name, err)
		}
	}
}

// TestChallengeStepAppendOnly: a step can be neither changed nor removed,
// except when a purged child takes its challenges with it.
func TestChallengeStepAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	rec := review.Recommendation{ReviewID: c.Reviews[0].ID, Text: "SGO"}
	if err := db.AddRecommendation(ctx, c.ID, &rec); err != nil {
		t.Fatal(err)
	}
	ch := raised(t, c.ID, calendar.D(2026, 11, 2), sentTo(0, calendar.D(2026, 11, 2)))
	ch.ReviewID, ch.RecommendationID = c.Reviews[0].ID, rec.ID
	if err := db.RaiseChallengeNow(ctx, ch); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, statement string }{
		{"update", "UPDATE challenge_step SET stage = 3"},
		{"update of a sealed column", "UPDATE challenge_step SET text = x'00'"},
		{"delete", "DELETE FROM challenge_step"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.sql.Exec(tc.statement); err == nil || !strings.Contains(err.Error(), "challenge_step is append-only") {
				t.Errorf("%s = %v, want the append-only trigger to refuse", tc.statement, err)
			}
		})
	}
	if _, err := db.sql.Exec("DELETE FROM review WHERE id = ?", c.Reviews[0].ID); err == nil {
		t.Error("deleting the review a challenge arose from succeeded; the challenge would lose it")
	}
	cs, err := db.Challenges(ctx, c.ID)
	if err != nil || len(cs) != 1 || len(cs[0].Steps) != 1 || cs[0].Steps[0].Stage != 0 || cs[0].ReviewID != c.Reviews[0].ID {
		t.Fatalf("after the refusals: %+v, %v", cs, err)
	}

	// A child purged after a revoke takes everything with it.
	if _, err := db.sql.Exec("DELETE FROM child WHERE id = ?", c.ID); err != nil {
		t.Fatalf("purging the child: %v", err)
	}
	for _, table := range []string{"challenge", "challenge_step", "review", "recommendation"} {
		var n int
		if err := db.sql.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d rows after the purge (%v)", table, n, err)
		}
	}
}

// TestChallengesNoPlaintextOnDisk fills every sealed column of a challenge
// and its steps with a value found nowhere else and searches the raw files,
// while open and after close.
func TestChallengesNoPlaintextOnDisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path, c := cycleTestDB(t)
	d := calendar.D
	sealed := map[string]string{
		"issue":          "Issue-Xanthippe-Gallowglass",
		"decision":       "Decision-Pomander-Quincunx",
		"remedy":         "Remedy-Sassafras-Whimbrel",
		"addressee":      "Addressee-Ottoline-Brackenbury",
		"letter":         "Letter-Marzipan-Fieldfare",
		"response":       "Response-Orrery-Campion",
		"cafcass reason": "Cafcass-Reason-Tansy-Merganser",
		"correction":     "Correction-Vellum-Harebell",
	}
	control := "STAGE-PLAIN-4471" // a stage name is plaintext: proves the search sees the data

	ladder := challenge.Ladder{Stages: []challenge.Stage{{Name: control, Addressee: "manager", WorkingDays: 5}}}
	ch, err := challenge.Raise(challenge.Challenge{ChildID: c.ID, Raised: d(2026, 11, 2), Category: challenge.Health,
		Issue: sealed["issue"], Decision: sealed["decision"], Remedy: sealed["remedy"],
		Steps: []challenge.Step{{Kind: challenge.Sent, On: d(2026, 11, 2), Addressee: sealed["addressee"], Text: sealed["letter"]}},
	}, ladder, testCal)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RaiseChallengeNow(ctx, &ch); err != nil {
		t.Fatal(err)
	}
	for _, s := range []challenge.Step{
		{Kind: challenge.Response, On: d(2026, 11, 3), Text: sealed["response"]},
		{Kind: challenge.Closed, On: d(2026, 11, 4), Outcome: challenge.ReferredCafcass, Text: sealed["cafcass reason"]},
		{Kind: challenge.Correction, On: d(2026, 11, 5), Corrects: ch.Steps[0].ID, Text: sealed["correction"]},
	} {
		done, err := challenge.Append(ch, s, ladder, testCal)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AppendChallengeStepNow(ctx, ch.ID, &done); err != nil {
			t.Fatal(err)
		}
		ch.Steps = append(ch.Steps, done)
	}

	search := func(when string) { assertNoPlaintext(t, path, when, sealed, control) }
	search("while open")
	cs, err := db.Challenges(ctx, c.ID)
	if err != nil || len(cs) != 1 || !reflect.DeepEqual(cs[0], ch) {
		t.Fatalf("read back: %+v, %v", cs, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	search("after close")
}

// TestMigrateFromVersion2 upgrades a database left by an iro with
// migrations 0001–0002, holding children, reviews, recommendations and
// their ops: all must survive, and challenges must work with the old rows.
func TestMigrateFromVersion2(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 2)
	if err := old.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := old.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	rec := review.Recommendation{ReviewID: kids[0].Reviews[0].ID, Text: "SGO assessment"}
	err := old.Update(ctx, func(tx *Tx) error {
		if err := tx.AddRecommendation(kids[0].ID, &rec); err != nil {
			return err
		}
		return tx.AddProgress(rec.ID, &review.Progress{Text: "Chased", Status: review.RecInProgress})
	})
	if err != nil {
		t.Fatal(err)
	}
	caseload, err := old.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := old.Recommendations(ctx, kids[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := old.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := pragmaInt(t, old, "user_version"); v != 2 || strings.Contains(strings.Join(tableNames(t, old), " "), "challenge") {
		t.Fatalf("the old database is at version %d with tables %v", v, tableNames(t, old))
	}
	db := reopenMigrated(t, old, path)
	if got, err := db.Caseload(ctx); err != nil || !reflect.DeepEqual(got, caseload) {
		t.Errorf("caseload changed: %v", err)
	}
	if got, err := db.Recommendations(ctx, kids[0].ID); err != nil || !reflect.DeepEqual(got, recs) {
		t.Errorf("recommendations changed: %+v, %v", got, err)
	}
	if got, err := db.PendingOps(ctx, 0); err != nil || !reflect.DeepEqual(got, ops) {
		t.Errorf("outbox changed: %d ops, had %d (%v)", len(got), len(ops), err)
	}

	ch := raised(t, kids[0].ID, calendar.D(2026, 11, 2), sentTo(1, calendar.D(2026, 11, 2)))
	ch.ReviewID, ch.RecommendationID = kids[0].Reviews[0].ID, rec.ID
	if err := db.RaiseChallengeNow(ctx, ch); err != nil {
		t.Fatalf("a challenge on the old review and recommendation: %v", err)
	}
	wrong := raised(t, kids[1].ID, calendar.D(2026, 11, 2))
	wrong.RecommendationID = rec.ID
	if err := db.RaiseChallengeNow(ctx, wrong); !errors.Is(err, ErrNotFound) {
		t.Errorf("a challenge on another child's old recommendation = %v, want ErrNotFound", err)
	}
	if cs, err := db.Challenges(ctx, kids[0].ID); err != nil || len(cs) != 1 || !reflect.DeepEqual(cs[0], *ch) {
		t.Errorf("Challenges = %+v, %v", cs, err)
	}
}
