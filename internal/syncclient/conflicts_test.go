package syncclient_test

// Acceptance checks 6, 7 and 9: concurrent writers and a pulling laptop,
// conflicts between two laptops, and who may see and change what.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

func opsPerDemoChild(t testing.TB) int {
	t.Helper()
	kids := demo.Caseload(calendar.MustParse("2026-11-22"), 50, 1)
	n := 0
	for _, k := range kids {
		n += 1 + len(k.Episodes) + len(k.CPPlans) + len(k.Reviews)
	}
	return n / len(kids)
}

// Check 6: laptops push concurrently while another laptop of the same IRO
// pulls over and over. Its last pull leaves it with every record: a cursor
// that had skipped a change committed out of order would never see it.
func TestConcurrentWritersWhileAPullerPulls(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		writers := make([]*laptop, 4)
		total := 0
		for i := range writers {
			writers[i] = w.enrol("Ada IRO")
			total += len(w.addChildren(writers[i], "Ada IRO", 15, int64(10+i)))
		}
		puller := w.enrol("Ada IRO")
		ctx := context.Background()
		done := make(chan struct{})
		var pulls int
		var pullErr error
		go func() {
			defer close(done)
			for {
				if _, err := puller.sync(ctx); err != nil {
					pullErr = err
					return
				}
				pulls++
				n, _ := puller.db.Caseload(ctx)
				if len(n) == total {
					return
				}
			}
		}()
		var wg sync.WaitGroup
		for _, l := range writers {
			wg.Add(1)
			go func() { defer wg.Done(); l.mustSync() }()
		}
		wg.Wait()
		<-done
		if pullErr != nil {
			t.Fatal(pullErr)
		}
		puller.mustSync()
		kids, err := puller.db.Caseload(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != total {
			t.Fatalf("puller has %d children of %d after %d pulls", len(kids), total, pulls)
		}
		for _, l := range writers {
			w.checkExactlyOnce(l)
		}
	})
}

// editLocation changes one review's location (a sealed free-text field)
// or, with field "scheduled", its scheduled date.
func editReview(t *testing.T, l *laptop, childID string, edit func(r *child.Review)) {
	t.Helper()
	ctx := context.Background()
	c, err := l.db.Child(ctx, childID)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Reviews[0]
	edit(&r)
	if err := l.db.SaveReview(ctx, childID, &r); err != nil {
		t.Fatal(err)
	}
}

// skewClock moves the created_at of every op the laptop has not sent by d,
// as a laptop whose clock is wrong would have stamped them.
func skewClock(t *testing.T, l *laptop, d time.Duration) {
	t.Helper()
	db := rawDB(t, l.path)
	rows, err := db.Query(`SELECT seq, created_at FROM outbox WHERE state = 'pending'`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		seq int64
		at  string
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.seq, &r.at); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	for _, r := range rs {
		at, err := time.Parse(time.RFC3339Nano, r.at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE outbox SET created_at = ? WHERE seq = ?`, at.Add(d).UTC().Format("2006-01-02T15:04:05.000000Z"), r.seq); err != nil {
			t.Fatal(err)
		}
	}
}

// Check 7: two laptops edit the same review offline. The same field on
// both → the second to sync gets a conflict holding both values, and
// resolving it reaches the other laptop; different fields → both merge.
// Whatever the laptops' clocks say (±1 day), the outcome is the same:
// clocks never pick a winner.
func TestConflictsAndMerges(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		for _, skew := range []time.Duration{0, 24 * time.Hour, -24 * time.Hour} {
			t.Run(fmt.Sprintf("clock%+dh", int(skew.Hours())), func(t *testing.T) {
				w := newWorld(t, serverdbtest.Fresh(t, dsn))
				a := w.enrol("Ada IRO")
				b := w.enrol("Ada IRO")
				kids := w.addChildren(a, "Ada IRO", 2, 7)
				a.mustSync()
				b.mustSync()
				id := kids[0].ID

				// Same field on both laptops.
				editReview(t, a, id, func(r *child.Review) { r.Location = "Foster home, Leeds" })
				editReview(t, b, id, func(r *child.Review) { r.Location = "School, Bradford" })
				skewClock(t, b, skew) // b's clock says b edited a day later (or earlier)
				a.mustSync()
				rep := b.mustSync()
				if rep.Conflicts != 1 {
					t.Fatalf("b: %d conflicts, want 1 (%s)", rep.Conflicts, describe(rep))
				}
				conflicts, err := b.db.SyncConflicts(context.Background())
				if err != nil || len(conflicts) != 1 {
					t.Fatalf("b's conflicts: %v %v", conflicts, err)
				}
				c := conflicts[0]
				if c.Field != "location" || !jsonIs(c.Local, "School, Bradford") || !jsonIs(c.Server, "Foster home, Leeds") {
					t.Fatalf("conflict %s: local %s server %s", c.Field, c.Local, c.Server)
				}
				// Pulled data has not overwritten b's own value.
				if got := firstReview(t, b, id).Location; got != "School, Bradford" {
					t.Fatalf("b's location became %q before the IRO chose", got)
				}

				// The IRO on b merges the two values; a receives the merge.
				merged := "Foster home, Leeds (met at school, Bradford)"
				mv, _ := json.Marshal(merged)
				if err := b.db.ResolveConflict(context.Background(), c.ID, mv); err != nil {
					t.Fatal(err)
				}
				b.mustSync()
				a.mustSync()
				for _, l := range []*laptop{a, b} {
					if got := firstReview(t, l, id).Location; got != merged {
						t.Errorf("after resolving, location %q, want %q", got, merged)
					}
				}

				// Different fields merge without a conflict.
				day := calendar.MustParse("2027-01-15")
				editReview(t, a, id, func(r *child.Review) { r.Location = "Contact centre" })
				editReview(t, b, id, func(r *child.Review) { r.Scheduled = day })
				skewClock(t, a, -skew)
				a.mustSync()
				if rep := b.mustSync(); rep.Conflicts != 0 {
					t.Fatalf("different fields conflicted: %s", describe(rep))
				}
				a.mustSync()
				for _, l := range []*laptop{a, b} {
					r := firstReview(t, l, id)
					if r.Location != "Contact centre" || r.Scheduled != day {
						t.Errorf("merged review: location %q scheduled %s", r.Location, r.Scheduled)
					}
				}
			})
		}
	})
}

func firstReview(t *testing.T, l *laptop, childID string) child.Review {
	t.Helper()
	c, err := l.db.Child(context.Background(), childID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Reviews[0]
}

func jsonIs(raw json.RawMessage, s string) bool {
	var v string
	return json.Unmarshal(raw, &v) == nil && v == s
}

// Check 9: each endpoint × each caller. Only the owner's device succeeds;
// another IRO's ops are rejected and its pulls never show the child; a
// revoked device, an expired token and no token get 401.
func TestAuthorisationMatrix(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		dsn = serverdbtest.Fresh(t, dsn)
		w := newWorld(t, dsn)
		owner := w.enrol("Ada IRO")
		kids := w.addChildren(owner, "Ada IRO", 1, 9)
		owner.mustSync()
		other := w.enrol("Bea IRO")
		revoked := w.enrol("Ada IRO")
		if err := w.db.RevokeDevice(context.Background(), revoked.id, time.Now()); err != nil {
			t.Fatal(err)
		}
		// The server a year and a day from now: every token has expired.
		later := newWorldOn(t, w, func() time.Time { return time.Now().AddDate(1, 0, 1) })

		ctx := context.Background()
		editOp := func(l *laptop) []protocol.Op {
			editReview(t, l, kids[0].ID, func(r *child.Review) { r.Location = "Somewhere " + l.id })
			ops, err := l.db.NextPushBatch(ctx, 100, 1<<20)
			if err != nil || len(ops) == 0 {
				t.Fatalf("no op to push: %v", err)
			}
			return ops
		}
		// other has never seen the child, so forge its op from the owner's.
		ownerOps := editOp(owner)
		forged := []protocol.Op{ownerOps[0]}
		forged[0].OpID = "0190f000-0000-7000-8000-000000000001"

		type caller struct {
			name      string
			server    string
			token     string
			ops       []protocol.Op
			wantCode  int  // HTTP status of both calls
			wantOwner bool // push applied and pull shows the child
		}
		tokenOf := func(l *laptop) string {
			s, _, err := l.db.SyncState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return s.Token
		}
		callers := []caller{
			{"owner", w.srv.URL, tokenOf(owner), ownerOps, 200, true},
			{"other IRO", w.srv.URL, tokenOf(other), forged, 200, false},
			{"revoked device", w.srv.URL, tokenOf(revoked), forged, 401, false},
			{"expired token", later.URL, tokenOf(owner), forged, 401, false},
			{"missing token", w.srv.URL, "", forged, 401, false},
			{"made-up token", w.srv.URL, "not-a-token", forged, 401, false},
		}
		for _, c := range callers {
			t.Run(c.name, func(t *testing.T) {
				cl, err := syncclient.New(c.server, c.token, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := cl.Push(ctx, protocol.PushRequest{Ops: c.ops})
				checkStatus(t, "push", err, c.wantCode)
				if err == nil {
					got := resp.Results[0].Outcome()
					if c.wantOwner && got != protocol.Applied || !c.wantOwner && got != protocol.Rejected {
						t.Errorf("push: %+v", resp.Results[0])
					}
				}
				page, err := cl.Changes(ctx, protocol.ChangesQuery{})
				checkStatus(t, "changes", err, c.wantCode)
				if err == nil {
					sawChild := false
					for _, e := range page.Entities {
						sawChild = sawChild || e.ChildID == kids[0].ID
					}
					if sawChild != c.wantOwner {
						t.Errorf("pull shows the child: %v", sawChild)
					}
				}
			})
		}
		// The owner's op was applied once, whatever the others sent; the
		// other IRO's forged op is stored as rejected and applied nowhere.
		if err := owner.db.ApplyPushResults(ctx, []protocol.Result{{OpID: ownerOps[0].OpID, Status: protocol.Applied}}); err != nil {
			t.Fatal(err)
		}
		w.checkExactlyOnce(owner)
		results, _ := w.serverFacts(other.id)
		if st := results[forged[0].OpID]; st != string(protocol.Rejected) {
			t.Errorf("other IRO's op stored as %q, want rejected", st)
		}
	})
}

func checkStatus(t *testing.T, what string, err error, want int) {
	t.Helper()
	got := 200
	if err != nil {
		he, ok := err.(*syncclient.HTTPError)
		if !ok {
			t.Fatalf("%s: %v", what, err)
		}
		got = he.Status
	}
	if got != want {
		t.Errorf("%s: status %d, want %d (%v)", what, got, want, err)
	}
}

// newWorldOn serves w's database with another clock.
func newWorldOn(t *testing.T, w *world, now func() time.Time) *httptest.Server {
	s := httptest.NewServer(server.New(w.db, server.Options{Now: now}))
	t.Cleanup(s.Close)
	return s
}

// Check 9, as a property: for random allocations of random children among
// three IROs, no pull ever includes a child outside the puller's
// allocation, and every allocated child arrives.
func TestPullsNeverLeakOtherIROsChildren(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		dsn = serverdbtest.Fresh(t, dsn)
		w := newWorld(t, dsn)
		iros := []string{"Ada IRO", "Bea IRO", "Cal IRO"}
		source := w.enrol("Ada IRO")
		kids := w.addChildren(source, "Ada IRO", 12, 11)
		source.mustSync()
		laptops := map[string]*laptop{}
		for _, iro := range iros {
			laptops[iro] = w.enrol(iro)
		}
		ctx := context.Background()
		r := rand.New(rand.NewPCG(11, 11))
		allocated := map[string]map[string]bool{}
		for _, iro := range iros {
			allocated[iro] = map[string]bool{}
		}
		for _, k := range kids {
			allocated["Ada IRO"][k.ID] = true
		}
		for round := range 8 {
			for _, k := range kids {
				iro := iros[1+r.IntN(2)]
				if r.IntN(2) == 0 && !allocated[iro][k.ID] {
					if err := w.db.Allocate(ctx, iro, k.ID); err != nil {
						t.Fatal(err)
					}
					allocated[iro][k.ID] = true
				} else if allocated[iro][k.ID] {
					if err := w.db.Deallocate(ctx, iro, k.ID); err != nil {
						t.Fatal(err)
					}
					delete(allocated[iro], k.ID)
				}
			}
			for _, iro := range iros[1:] {
				l := laptops[iro]
				l.mustSync()
				have, err := l.db.Caseload(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, c := range have {
					got[c.ID] = true
					if !allocated[iro][c.ID] {
						t.Fatalf("round %d: %s's laptop holds child %s outside the allocation", round, iro, c.ID)
					}
				}
				if len(got) != len(allocated[iro]) {
					t.Fatalf("round %d: %s's laptop holds %d children, allocation has %d", round, iro, len(got), len(allocated[iro]))
				}
			}
		}
	})
}

// Check 9: deallocation purges the child from the laptop, but only after
// the IRO's unsent work on it has reached the server.
func TestDeallocationPurgesAfterPushing(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		l := w.enrol("Ada IRO")
		kids := w.addChildren(l, "Ada IRO", 2, 12)
		l.mustSync()
		ctx := context.Background()
		// Written offline; meanwhile the child moves to another IRO.
		editReview(t, l, kids[0].ID, func(r *child.Review) { r.Location = "Written on the train" })
		if err := w.db.Deallocate(ctx, "Ada IRO", kids[0].ID); err != nil {
			t.Fatal(err)
		}
		rep := l.mustSync()
		if rep.Rejects != 0 || rep.Pulled.Purged != 1 {
			t.Fatalf("sync: %s", describe(rep))
		}
		if _, err := l.db.Child(ctx, kids[0].ID); err == nil {
			t.Fatal("the deallocated child is still on the laptop")
		}
		if _, err := l.db.Child(ctx, kids[1].ID); err != nil {
			t.Fatalf("the other child went too: %v", err)
		}
		// The train edit reached the server before the purge.
		w.checkExactlyOnce(l)
		// And the next IRO gets it.
		if err := w.db.Allocate(ctx, "Bea IRO", kids[0].ID); err != nil {
			t.Fatal(err)
		}
		next := w.enrol("Bea IRO")
		next.mustSync()
		if got := firstReview(t, next, kids[0].ID).Location; got != "Written on the train" {
			t.Fatalf("the next IRO sees location %q", got)
		}
	})
}
