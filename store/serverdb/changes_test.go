package serverdb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

func TestChangesPaging(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1", "c2")
		allocate(t, db, "bob", "c3")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		var ops []protocol.Op
		for _, c := range []string{"c1", "c2"} {
			ops = append(ops, op(c, "child", c, "child.create", 0, `{}`))
			for i := range 10 {
				ops = append(ops, op(fmt.Sprintf("%s-r%d", c, i), "review", fmt.Sprintf("%s-r%d", c, i), "review.create", 0, `{"child_id":"`+c+`"}`))
			}
		}
		push(t, db, ann, ops...)
		push(t, db, bob, op("c3", "child", "c3", "child.create", 0, `{}`))
		// Changing a record moves it to the end of the stream; it is sent once.
		push(t, db, ann, op("u", "review", "c1-r0", "review.update", 1, `{"due":"2026-06-01"}`))

		tests := []struct {
			limit     int
			wantPages int
		}{
			{1, 22}, {3, 8}, {7, 4}, {21, 2}, {22, 1}, {0, 1}, {protocol.MaxPullPage + 5, 1},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("limit %d", tt.limit), func(t *testing.T) {
				got := pullAll(t, db, ann, 0, tt.limit)
				if len(got.entities) != 22 || got.pages != tt.wantPages {
					t.Fatalf("%d records in %d pages, want 22 in %d", len(got.entities), got.pages, tt.wantPages)
				}
				if got.entities["review/c1-r0"].Version != 2 {
					t.Errorf("the changed review: %+v", got.entities["review/c1-r0"])
				}
				for k, e := range got.entities {
					if e.ChildID == "c3" {
						t.Errorf("ann was sent bob's %s", k)
					}
				}
			})
		}

		t.Run("a page says where the next one starts", func(t *testing.T) {
			page, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{}, 5, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if !page.More || len(page.Entities) != 5 {
				t.Fatalf("%+v", page)
			}
			next, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: page.Cursor}, 5, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range next.Entities {
				for _, f := range page.Entities {
					if e.ID == f.ID {
						t.Errorf("%s is on two pages", e.ID)
					}
				}
			}
		})

		t.Run("nothing new", func(t *testing.T) {
			all := pullAll(t, db, ann, 0, 0)
			again, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: all.cursor}, 0, time.Now())
			if err != nil || len(again.Entities) != 0 || again.More || again.Cursor != all.cursor || again.Entities == nil {
				t.Fatalf("%+v, %v", again, err)
			}
		})

		t.Run("a cursor the server never handed out is a new epoch", func(t *testing.T) {
			issued := pullAll(t, db, ann, 0, 0).cursor
			epoch, err := db.Epoch(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []protocol.ChangesQuery{{Since: issued + 1}, {Since: 1_000_000}, {Since: 0, Epoch: "another"}} {
				_, err := db.Changes(t.Context(), ann, q, 0, time.Now())
				if moved, ok := errors.AsType[*serverdb.NewEpochError](err); !ok || moved.Epoch != epoch {
					t.Errorf("%+v: %v, want a new epoch %s", q, err, epoch)
				}
			}
			// bob was handed less than ann: ann's cursor is not his.
			if _, err := db.Changes(t.Context(), bob, protocol.ChangesQuery{Since: issued}, 0, time.Now()); err == nil {
				t.Error("bob may ask from a cursor only ann was handed")
			}
			if page, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: issued, Epoch: epoch}, 0, time.Now()); err != nil || page.Epoch != epoch {
				t.Errorf("from where ann stands: %+v, %v", page, err)
			}
		})

		t.Run("only what changed since", func(t *testing.T) {
			before := pullAll(t, db, ann, 0, 0).cursor
			push(t, db, ann, op("u2", "review", "c2-r5", "review.update", 1, `{"due":"2026-07-01"}`), op("d", "review", "c2-r6", "review.delete", 1, `{}`))
			push(t, db, bob, op("u3", "child", "c3", "child.update", 1, `{"first_name":"x"}`))
			got := pullAll(t, db, ann, before, 0)
			if strings.Join(got.keys(), " ") != "review/c2-r5 review/c2-r6" {
				t.Fatalf("got %v", got.keys())
			}
			if d := got.entities["review/c2-r6"]; !d.Deleted || d.Fields != nil || d.Version != 2 {
				t.Fatalf("deleted: %+v", d)
			}
		})
	})
}

func TestChangesSnapshotOnAllocation(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		allocate(t, db, "bob", "c9")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		push(t, db, ann,
			op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`),
			op("2", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
			op("3", "review", "r2", "review.create", 0, `{"child_id":"c1"}`),
			op("4", "review", "r2", "review.delete", 1, `{}`),
		)
		push(t, db, bob, op("1", "child", "c9", "child.create", 0, `{}`))
		cursor := pullAll(t, db, bob, 0, 0).cursor

		// c1 moves to bob while ann keeps working on it.
		allocate(t, db, "bob", "c1")
		push(t, db, ann, op("5", "review", "r1", "review.update", 1, `{"due":"2026-04-01"}`))

		for _, limit := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
				got := pullAll(t, db, bob, cursor, limit)
				if strings.Join(got.keys(), " ") != "child/c1 review/r1 review/r2" {
					t.Fatalf("bob got %v", got.keys())
				}
				if r1 := got.entities["review/r1"]; r1.Version != 2 || field(t, r1, "due") != `"2026-04-01"` {
					t.Errorf("r1: %+v", r1)
				}
				if !got.entities["review/r2"].Deleted {
					t.Errorf("r2 should arrive deleted")
				}
			})
		}
		// Once pulled, the snapshot is not sent again.
		after := pullAll(t, db, bob, 0, 0).cursor
		if got := pullAll(t, db, bob, after, 0); len(got.entities) != 0 {
			t.Fatalf("again: %v", got.keys())
		}
		// Reallocating sends it again: the admin asked for it.
		allocate(t, db, "bob", "c1")
		if got := pullAll(t, db, bob, after, 0); len(got.entities) != 3 {
			t.Fatalf("after reallocation: %v", got.keys())
		}
	})
}

func TestChangesRevokeOnDeallocation(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1", "c2")
		allocate(t, db, "bob", "c1")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		push(t, db, ann, op("1", "child", "c1", "child.create", 0, `{}`), op("2", "child", "c2", "child.create", 0, `{}`))
		cursor := pullAll(t, db, ann, 0, 0).cursor

		if err := db.Deallocate(t.Context(), "ann", "c1", "never-allocated"); err != nil {
			t.Fatal(err)
		}
		push(t, db, bob, op("3", "child", "c1", "child.update", 1, `{"first_name":"x"}`))

		got := pullAll(t, db, ann, cursor, 0)
		if !slices.Equal(got.revoked, []string{"c1"}) || len(got.entities) != 0 {
			t.Fatalf("revoked %v, entities %v", got.revoked, got.keys())
		}
		// Until ann's laptop asks from past the revocation it may not have
		// applied it: work written offline about c1 is still taken.
		if r := pushOne(t, db, ann, op("4", "child", "c1", "child.update", 2, `{"first_name":"y"}`)); r.Status != protocol.Applied {
			t.Fatalf("pushing offline work before the revocation was applied: %+v", r)
		}
		pullAll(t, db, ann, got.cursor, 0) // the laptop has applied it
		if r := pushOne(t, db, ann, op("5", "child", "c1", "child.update", 3, `{"first_name":"z"}`)); r.Status != protocol.Rejected {
			t.Fatalf("pushing to a revoked child: %+v", r)
		}
		// bob still has c1; a fresh laptop of ann's never hears of c1.
		if got := pullAll(t, db, bob, 0, 0); len(got.revoked) != 0 || len(got.entities) != 1 {
			t.Fatalf("bob: %v revoked %v", got.keys(), got.revoked)
		}
		if got := pullAll(t, db, ann, 0, 0); strings.Join(got.keys(), " ") != "child/c2" {
			t.Fatalf("ann from scratch: %v", got.keys())
		}

		// Given back before the device pulled: no revoke, and the records.
		if err := db.Deallocate(t.Context(), "ann", "c2"); err != nil {
			t.Fatal(err)
		}
		cursor = pullAll(t, db, ann, 0, 0).cursor
		if err := db.Deallocate(t.Context(), "ann", "c1"); err != nil { // not allocated: nothing happens
			t.Fatal(err)
		}
		allocate(t, db, "ann", "c2")
		if err := db.Deallocate(t.Context(), "ann", "c2"); err != nil {
			t.Fatal(err)
		}
		allocate(t, db, "ann", "c2")
		got = pullAll(t, db, ann, cursor, 0)
		if len(got.revoked) != 0 || strings.Join(got.keys(), " ") != "child/c2" {
			t.Fatalf("revoked %v, entities %v", got.revoked, got.keys())
		}
	})
}

// TestChangesConcurrentPushesSkipNothing pushes from several laptops at once
// while another pulls in a loop: every record pushed must reach the puller,
// which it would not if a cursor could pass a change committed later with a
// lower number.
func TestChangesConcurrentPushesSkipNothing(t *testing.T) {
	const (
		writers = 6
		batches = 15
		perOp   = 4
	)
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		db := serverdbtest.NewDB(t, dsn)
		allocate(t, db, "ann", "c")
		puller := device(t, db, "ann", "reader")
		push(t, db, puller, op("c", "child", "c", "child.create", 0, `{}`))

		var wg sync.WaitGroup
		errs := make(chan error, writers+1)
		for w := range writers {
			dev := device(t, db, "ann", fmt.Sprintf("writer %d", w))
			wg.Go(func() {
				for b := range batches {
					var ops []protocol.Op
					for i := range perOp {
						id := fmt.Sprintf("w%d-b%d-%d", w, b, i)
						ops = append(ops, op(id, "monitoring", id, "monitoring.create", 0, `{"child_id":"c"}`))
					}
					resp, err := db.Push(t.Context(), dev, protocol.PushRequest{Ops: ops}, time.Now())
					if err != nil {
						errs <- err
						return
					}
					for _, r := range resp.Results {
						if r.Status != protocol.Applied {
							errs <- fmt.Errorf("%+v", r)
							return
						}
					}
				}
			})
		}
		done := make(chan struct{})
		seen := map[string]bool{}
		var cursor int64
		var pulls int
		var pullWG sync.WaitGroup
		pullWG.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				page, err := db.Changes(t.Context(), puller, protocol.ChangesQuery{Since: cursor}, 7, time.Now())
				if err != nil {
					errs <- err
					return
				}
				pulls++
				for _, e := range page.Entities {
					seen[e.ID] = true
				}
				cursor = page.Cursor
			}
		})
		wg.Wait()
		close(done)
		pullWG.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// One last pull catches what landed after the loop's final page.
		final := pullAll(t, db, puller, cursor, 7)
		for k := range final.entities {
			seen[strings.TrimPrefix(k, "monitoring/")] = true
		}
		for w := range writers {
			for b := range batches {
				for i := range perOp {
					if id := fmt.Sprintf("w%d-b%d-%d", w, b, i); !seen[id] {
						t.Errorf("the puller never saw %s", id)
					}
				}
			}
		}
		t.Logf("%d pulls while %d laptops pushed %d records", pulls, writers, writers*batches*perOp)
	})
}
