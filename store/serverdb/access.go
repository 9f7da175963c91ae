package serverdb

import (
	"context"
	"database/sql"
	"time"

	"github.com/iro-app/iro/internal/protocol"
)

// LateWriteGrace is how long after a child is taken out of an IRO's
// allocation the IRO's devices may still push what they wrote about it
// before they learnt of it (on the train, say). It is counted on the
// server's clock from the deallocation; no device clock is trusted.
const LateWriteGrace = 7 * 24 * time.Hour

// notAllocated starts every refusal of an op on a child the device's IRO
// does not hold. Reasons name no id or value.
const notAllocated = "child not in your allocation"

// access is what the server knows of one child for one IRO: whether the
// child is in the IRO's allocation and, if it was taken out, the latest
// time it was.
type access struct {
	allocated bool
	revokedNo int64     // change number of the latest revocation from the IRO; 0 if none
	revokedAt time.Time // when it was made, by the server's clock
}

// refusal is why op, from a device at p, may not touch the child, or "" if
// it may. A child the IRO holds is open to it. A child taken out of the
// IRO's allocation takes, until the device has purged it and for
// LateWriteGrace at most, only what the device made before it learnt of
// the revocation, and never a delete: the new IRO must not lose a record.
//
// What a device controls here is op.PulledTo and what it says it has
// purged (AcknowledgePurges); the revocation, its time, the cursor the
// device was handed (p.issued) and the clock are the server's. An honest
// laptop stamps each op with the cursor it had pulled to when it made it,
// and it learns of a revocation only by applying a page whose cursor is at
// or past the revocation's number, so its later ops carry PulledTo ≥ that
// number and are refused. A lying device can claim any PulledTo up to what
// it was really handed and below the revocation — the most it gains is to
// pass for a laptop that never pulled again — and it can never claim a
// delete or a cursor it was not handed. So the worst a deallocated device
// can do is what the honest offline laptop may: create and update records
// of that one child for at most LateWriteGrace after the deallocation, each
// op stored under its device id, and it loses even that the moment it says
// it purged the child.
func (a access) refusal(op protocol.Op, p position, now time.Time) string {
	switch {
	case a.allocated:
		return ""
	case a.revokedNo == 0:
		return notAllocated
	case p.purged >= a.revokedNo:
		return notAllocated + ": this laptop has already purged it"
	case !now.Before(a.revokedAt.Add(LateWriteGrace)):
		return notAllocated + ": the grace period after its deallocation has ended"
	case protocol.KindOf(op.Name) == protocol.KindDelete:
		return notAllocated + ": records of a deallocated child cannot be deleted"
	case op.PulledTo >= a.revokedNo:
		return notAllocated + ": the change was made after this laptop learnt of the deallocation"
	case op.PulledTo > p.issued:
		return notAllocated + ": the change names a sync this laptop never had"
	}
	return ""
}

// note adds one allocation (no = 0) or revocation row to what is known.
func (a *access) note(no int64, at string) {
	switch {
	case no == 0:
		a.allocated = true
	case no > a.revokedNo:
		a.revokedNo, a.revokedAt = no, unstamp(at)
	}
}

// access reads one child's access for iro.
func (w *writeTx) access(ctx context.Context, iro, child string) (access, error) {
	var a access
	var allocated int
	var no int64
	var at string
	err := w.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM allocation WHERE iro = ? AND child_id = ?),
		COALESCE((SELECT change_no FROM revocation WHERE iro = ? AND child_id = ? ORDER BY change_no DESC LIMIT 1), 0),
		COALESCE((SELECT revoked_at FROM revocation WHERE iro = ? AND child_id = ? ORDER BY change_no DESC LIMIT 1), '')`,
		iro, child, iro, child, iro, child).Scan(&allocated, &no, &at)
	if allocated > 0 {
		a.note(0, "")
	}
	if no > 0 {
		a.note(no, at)
	}
	return a, err
}

// AcknowledgePurges records what a device asking for changes from since
// says it has purged: every child revoked from its IRO up to since, except
// those in waiting (revoked, but held until its unsent work is pushed). The
// device's late writes to a purged child stop there (access.refusal). A
// device that says nothing keeps its grace period and no more.
func (h handle) acknowledgePurges(ctx context.Context, dev Device, since int64, waiting []string) error {
	through := since
	var keys [][]string
	for _, c := range waiting {
		if !prefetchable(c) {
			return nil // no child has such an id; acknowledge nothing rather than too much
		}
		keys = append(keys, []string{c})
	}
	latest := map[string]int64{}
	err := inChunks(keys, func(keys [][]string) error {
		q, args := h.d.keyed("t.child_id, t.change_no", "revocation", "t.iro = ? AND t.change_no <= ?",
			[]any{dev.IRO, since}, []string{"child_id"}, keys)
		return h.each(ctx, q, args, func(rows *sql.Rows) error {
			var c string
			var no int64
			if err := rows.Scan(&c, &no); err != nil {
				return err
			}
			latest[c] = max(latest[c], no)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, no := range latest {
		through = min(through, no-1)
	}
	_, err = h.exec(ctx, `UPDATE device SET purged = ? WHERE id = ? AND purged < ?`, through, dev.ID, through)
	return err
}
