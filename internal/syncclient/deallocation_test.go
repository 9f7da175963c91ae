package syncclient_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// Issue 11.1: after a deallocation, the old IRO's token pushes changes it
// made after it was told of the deallocation, never asking for a later
// cursor: none of them is applied and the new IRO never receives them.
func TestDeallocatedLaptopCannotWriteLate(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		ctx := context.Background()
		ada := w.enrol("Ada IRO")
		kids := w.addChildren(ada, "Ada IRO", 1, 21)
		ada.mustSync()
		kid := kids[0].ID
		state, _, err := ada.db.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.Deallocate(ctx, "Ada IRO", kid); err != nil {
			t.Fatal(err)
		}
		if err := w.db.Allocate(ctx, "Bea IRO", kid); err != nil {
			t.Fatal(err)
		}
		bea := w.enrol("Bea IRO")
		bea.mustSync()

		// Ada's token, by hand: it pulls the page that tells it of the
		// deallocation and never asks from past it.
		cl, err := syncclient.New(w.srv.URL, state.Token, nil)
		if err != nil {
			t.Fatal(err)
		}
		page, err := cl.Changes(ctx, protocol.ChangesQuery{Since: state.Cursor, Epoch: state.Epoch})
		if err != nil || len(page.Revoked) != 1 {
			t.Fatalf("the revoke: %+v, %v", page, err)
		}
		review := firstReview(t, ada, kid)
		newReview, _ := json.Marshal(map[string]any{"child_id": kid, "kind": "lac", "sequence": 9, "due": "2027-03-01",
			"location": "Made up later", "participation_code": "", "state": "planned"})
		late := []protocol.Op{
			{OpID: "0190f000-0000-7000-8000-00000000a001", Entity: "child", EntityID: kid, Name: "child.update",
				BaseVersion: 1, Payload: json.RawMessage(`{"first_name":"Changed later"}`)},
			{OpID: "0190f000-0000-7000-8000-00000000a002", Entity: "review", EntityID: review.ID, Name: "review.delete",
				BaseVersion: 1, Payload: json.RawMessage(`{}`)},
			{OpID: "0190f000-0000-7000-8000-00000000a003", Entity: "review", EntityID: "0190f000-0000-7000-8000-00000000b003",
				Name: "review.create", Payload: newReview},
		}
		// Stamped as a laptop stamps what it writes after that pull.
		for i := range late {
			late[i].PulledTo = page.Cursor
		}
		resp, err := cl.Push(ctx, protocol.PushRequest{Ops: late, Epoch: page.Epoch, Cursor: page.Cursor})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range resp.Results {
			if r.Outcome() != protocol.Rejected {
				t.Errorf("%s after the deallocation: %+v", late[i].Name, r)
			}
		}
		bea.mustSync()
		got, err := bea.db.Child(ctx, kid)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, r := range got.Reviews {
			ids[r.ID] = true
		}
		if got.FirstName == "Changed later" || !ids[review.ID] || ids[late[2].EntityID] {
			t.Errorf("the new IRO received the old IRO's late changes: name %q, the review kept %v, the late review %v",
				got.FirstName, ids[review.ID], ids[late[2].EntityID])
		}
	})
}

// Issue 11.1, what is still taken: the old laptop's work written before it
// learnt of the deallocation reaches the server and the new IRO, except a
// delete; and only until the laptop has said it purged the child, or the
// grace period has passed on the server's clock.
func TestDeallocatedLaptopKeepsOnlyWhatItWroteBefore(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		// setup: Ada's laptop holds a child with an agenda section, writes
		// offline (a location, the section deleted), and meanwhile the
		// child goes to Bea.
		setup := func(t *testing.T) (*world, *laptop, string, string) {
			w := newWorld(t, serverdbtest.Fresh(t, dsn))
			ada := w.enrol("Ada IRO")
			kid := w.addChildren(ada, "Ada IRO", 1, 22)[0].ID
			sec := review.Section{Title: "Contact"}
			if err := ada.db.AddSection(ctx, firstReview(t, ada, kid).ID, &sec); err != nil {
				t.Fatal(err)
			}
			ada.mustSync()
			editReview(t, ada, kid, func(r *child.Review) { r.Location = "Written on the train" })
			if err := ada.db.DeleteSection(ctx, sec.ID); err != nil {
				t.Fatal(err)
			}
			if err := w.db.Deallocate(ctx, "Ada IRO", kid); err != nil {
				t.Fatal(err)
			}
			if err := w.db.Allocate(ctx, "Bea IRO", kid); err != nil {
				t.Fatal(err)
			}
			return w, ada, kid, sec.ID
		}
		tokenOf := func(l *laptop) string {
			s, _, err := l.db.SyncState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return s.Token
		}

		t.Run("the update before it, never the delete", func(t *testing.T) {
			w, ada, kid, section := setup(t)
			rep := ada.mustSync()
			if rep.Applied != 1 || rep.Rejects != 1 || rep.Pulled.Purged != 1 {
				t.Fatalf("sync: %s", describe(rep))
			}
			rejected, err := ada.db.RejectedOps(ctx)
			if err != nil || len(rejected) != 1 || rejected[0].Name != "section.delete" {
				t.Fatalf("rejected %+v, %v", rejected, err)
			}
			bea := w.enrol("Bea IRO")
			bea.mustSync()
			if got := firstReview(t, bea, kid).Location; got != "Written on the train" {
				t.Errorf("Bea sees location %q", got)
			}
			m, err := bea.db.Meeting(ctx, firstReview(t, bea, kid).ID)
			if err != nil || len(m.Sections) != 1 || m.Sections[0].ID != section {
				t.Errorf("Bea's sections %+v, %v: the old IRO's delete reached her", m.Sections, err)
			}
		})

		t.Run("nothing once the laptop said it purged the child", func(t *testing.T) {
			w, ada, kid, _ := setup(t)
			// An op stamped as written before the deallocation, as a laptop
			// that never pulled again would send it.
			ops, err := ada.db.NextPushBatch(ctx, 100, 1<<20)
			if err != nil || len(ops) != 2 {
				t.Fatalf("ops %v, %v", ops, err)
			}
			replay := func(id, location string) protocol.Status {
				op := ops[0]
				op.OpID, op.Payload = id, json.RawMessage(`{"location":"`+location+`"}`)
				cl, err := syncclient.New(w.srv.URL, tokenOf(ada), nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := cl.Push(ctx, protocol.PushRequest{Ops: []protocol.Op{op}})
				if err != nil {
					t.Fatal(err)
				}
				return resp.Results[0].Outcome()
			}
			ada.mustSync() // pushes, then purges the child: the server has not heard yet
			if got := replay("0190f000-0000-7000-8000-00000000c001", "Before the ack"); got != protocol.Applied {
				t.Fatalf("before the purge was acknowledged: %s (the grace period holds until then)", got)
			}
			ada.mustSync() // asks from past the revocation with nothing waiting: the purge is acknowledged
			if got := replay("0190f000-0000-7000-8000-00000000c002", "After the ack"); got != protocol.Rejected {
				t.Fatalf("after the purge was acknowledged: %s", got)
			}
			bea := w.enrol("Bea IRO")
			bea.mustSync()
			if got := firstReview(t, bea, kid).Location; got != "Before the ack" {
				t.Errorf("Bea sees location %q", got)
			}
		})

		t.Run("nothing after the grace period", func(t *testing.T) {
			for _, tt := range []struct {
				after time.Duration
				want  protocol.Status
			}{
				{serverdb.LateWriteGrace - time.Hour, protocol.Applied},
				{serverdb.LateWriteGrace + time.Hour, protocol.Rejected},
			} {
				w, ada, _, _ := setup(t)
				later := newWorldOn(t, w, func() time.Time { return time.Now().Add(tt.after) })
				ops, err := ada.db.NextPushBatch(ctx, 100, 1<<20)
				if err != nil || len(ops) != 2 {
					t.Fatalf("ops %v, %v", ops, err)
				}
				cl, err := syncclient.New(later.URL, tokenOf(ada), nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := cl.Push(ctx, protocol.PushRequest{Ops: ops[:1]})
				if err != nil || resp.Results[0].Outcome() != tt.want {
					t.Errorf("%v after the deallocation: %+v, %v; want %s", tt.after, resp, err, tt.want)
				}
			}
		})
	})
}
