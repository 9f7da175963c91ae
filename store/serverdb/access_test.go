package serverdb_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
)

// TestLateWritesAfterDeallocation walks one device through a deallocation:
// each rule of the late-write window refuses with its own reason (naming no
// value), and what is left is taken.
func TestLateWritesAfterDeallocation(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		allocate(t, db, "bob", "b1")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		push(t, db, ann, op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`),
			op("2", "review", "r1", "review.create", 0, `{"child_id":"c1"}`))
		before := pullAll(t, db, ann, 0, 0).cursor // what ann's laptop has pulled to
		push(t, db, bob, op("1", "child", "b1", "child.create", 0, `{}`))
		if err := db.Deallocate(t.Context(), "ann", "c1"); err != nil {
			t.Fatal(err)
		}
		n := 0
		try := func(name string, pulledTo int64, now time.Time) protocol.Result {
			t.Helper()
			n++
			o := op(fmt.Sprintf("late%d", n), "review", "r1", name, 1, fmt.Sprintf(`{"due":"2027-01-%02d"}`, n))
			if protocol.KindOf(name) == protocol.KindDelete {
				o.Payload = []byte(`{}`)
			}
			o.PulledTo = pulledTo
			resp, err := db.Push(t.Context(), ann, protocol.PushRequest{Ops: []protocol.Op{o}}, now)
			if err != nil {
				t.Fatal(err)
			}
			return resp.Results[0]
		}
		refused := func(r protocol.Result, why string) {
			t.Helper()
			if r.Status != protocol.Rejected || !strings.HasPrefix(r.Reason, "child not in your allocation") || !strings.Contains(r.Reason, why) {
				t.Errorf("%+v, want rejected for %q", r, why)
			}
		}
		now := time.Now()

		if r := try("review.update", before, now); r.Status != protocol.Applied {
			t.Errorf("written before the laptop knew: %+v", r)
		}
		refused(try("review.delete", before, now), "cannot be deleted")
		refused(try("review.update", before+1, now), "never had") // bob's change: a cursor ann was never handed
		refused(try("review.update", before, now.Add(serverdb.LateWriteGrace+time.Minute)), "grace period")

		// The laptop pulls the revocation; what it writes next is refused.
		told := pullAll(t, db, ann, before, 0)
		if len(told.revoked) != 1 {
			t.Fatalf("revoked %v", told.revoked)
		}
		refused(try("review.update", told.cursor, now), "learnt of the deallocation")
		// It asks again with c1 still waiting to be purged: not purged yet.
		if _, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: told.cursor, Waiting: []string{"c1"}}, 0, now); err != nil {
			t.Fatal(err)
		}
		if r := try("review.update", before, now); r.Status != protocol.Applied {
			t.Errorf("while the laptop still holds the child: %+v", r)
		}
		// And once it has purged it.
		if _, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: told.cursor}, 0, now); err != nil {
			t.Fatal(err)
		}
		refused(try("review.update", before, now), "already purged")

		// Given back, the child is the IRO's again.
		allocate(t, db, "ann", "c1")
		if r := try("review.update", 0, now); r.Status != protocol.Applied {
			t.Errorf("allocated again: %+v", r)
		}
		// And another IRO's device never had it.
		o := op("bob-late", "review", "r1", "review.update", 1, `{"due":"2027-02-01"}`)
		if r := pushOne(t, db, bob, o); r.Status != protocol.Rejected || r.Reason != "child not in your allocation" {
			t.Errorf("bob: %+v", r)
		}
	})
}
