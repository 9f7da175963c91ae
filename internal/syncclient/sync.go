package syncclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store"
)

// Store is what a sync needs of the laptop's database (*store.DB).
type Store interface {
	SyncState(ctx context.Context) (store.SyncState, bool, error)
	NextPushBatch(ctx context.Context, maxOps, maxBytes int) ([]protocol.Op, error)
	ApplyPushResults(ctx context.Context, results []protocol.Result) error
	RejectOp(ctx context.Context, opID, reason string) error
	ApplyChanges(ctx context.Context, page protocol.ChangesResponse) (store.PullStats, error)
	RevokedWaiting(ctx context.Context) ([]string, error)
	StartEpoch(ctx context.Context, epoch string) error
	RecordSync(ctx context.Context, at time.Time, syncErr string) error
}

// ErrNotEnrolled means the laptop has no server yet: `iro sync enrol` first.
var ErrNotEnrolled = errors.New("this laptop is not enrolled with a sync server: run `iro sync enrol --server URL --code CODE`")

// Report is what one sync moved.
type Report struct {
	Pushed                                  int // ops sent and answered
	Applied, Duplicates, Conflicts, Rejects int // by outcome; Duplicates are ops the server had already
	Pulled                                  store.PullStats
	Pages                                   int
	// Restored: the server's database had been restored from a backup, so
	// everything sent before was sent again and everything pulled again.
	Restored bool
}

// Once pushes every pending op and then pulls every change: push first, so
// that what the IRO wrote is on the server before anything pulled could
// touch the records it changed. Progress is saved batch by batch and page
// by page, so a dropped link loses nothing and the next attempt continues.
// hc may be nil (the default client with the 30 s timeout).
//
// A server whose database was restored from a backup refuses the laptop's
// position (protocol.StatusNewEpoch) before applying anything: the laptop
// then queues again every op it had sent, in order (store.StartEpoch), and
// syncs once more from cursor 0 in the server's new epoch.
func Once(ctx context.Context, st Store, hc *http.Client, now func() time.Time) (Report, error) {
	var rep Report
	c, state, err := connect(ctx, st, hc)
	if err != nil {
		return rep, err
	}
	err = exchange(ctx, st, c, &state, &rep)
	if epoch, ok := newEpoch(err); ok {
		if err = st.StartEpoch(ctx, epoch); err == nil {
			rep.Restored = true
			state.Cursor, state.Epoch = 0, epoch
			err = exchange(ctx, st, c, &state, &rep)
		}
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if rerr := st.RecordSync(context.WithoutCancel(ctx), now(), msg); rerr != nil && err == nil {
		err = rerr
	}
	return rep, err
}

// PushAll only pushes: for measuring the push on its own.
func PushAll(ctx context.Context, st Store, hc *http.Client) (Report, error) {
	var rep Report
	c, state, err := connect(ctx, st, hc)
	if err == nil {
		err = push(ctx, st, c, &state, &rep)
	}
	return rep, err
}

// exchange is one push then pull from where state stands.
func exchange(ctx context.Context, st Store, c *Client, state *store.SyncState, rep *Report) error {
	if err := push(ctx, st, c, state, rep); err != nil {
		return err
	}
	return pull(ctx, st, c, state, rep)
}

func connect(ctx context.Context, st Store, hc *http.Client) (*Client, store.SyncState, error) {
	state, enrolled, err := st.SyncState(ctx)
	if err != nil {
		return nil, state, err
	}
	if !enrolled {
		return nil, state, ErrNotEnrolled
	}
	c, err := New(state.Server, state.Token, hc)
	return c, state, err
}

// push sends the outbox batch by batch. A laptop that has not heard the
// server's epoch yet takes it from the first reply, so that the rest of the
// sync is refused if the server's database is restored meanwhile.
func push(ctx context.Context, st Store, c *Client, state *store.SyncState, rep *Report) error {
	for {
		batch, err := st.NextPushBatch(ctx, protocol.MaxBatchOps, protocol.MaxBatchBytes)
		if err != nil || len(batch) == 0 {
			return err
		}
		resp, err := c.Push(ctx, protocol.PushRequest{Ops: batch, Epoch: state.Epoch, Cursor: state.Cursor})
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusUnprocessableEntity && he.OpID != "" {
			// The server holds a different op under this id. Retrying can
			// never succeed, so set this op aside, visibly, and go on.
			if err := st.RejectOp(ctx, he.OpID, "the server already has a different change with this id: "+he.Message); err != nil {
				return err
			}
			rep.Rejects++
			continue
		}
		if err != nil {
			return err
		}
		if err := st.ApplyPushResults(ctx, resp.Results); err != nil {
			return err
		}
		state.Epoch = cmp.Or(state.Epoch, resp.Epoch)
		rep.Pushed += len(resp.Results)
		for _, r := range resp.Results {
			if r.Status == protocol.Duplicate {
				rep.Duplicates++
			}
			switch r.Outcome() {
			case protocol.Applied:
				rep.Applied++
			case protocol.Conflict:
				rep.Conflicts++
			case protocol.Rejected:
				rep.Rejects++
			}
		}
	}
}

// pull applies pages until the server has no more, telling it each time
// which revoked children are still waiting to be purged here.
func pull(ctx context.Context, st Store, c *Client, state *store.SyncState, rep *Report) error {
	for {
		waiting, err := st.RevokedWaiting(ctx)
		if err != nil {
			return err
		}
		page, err := c.Changes(ctx, protocol.ChangesQuery{Since: state.Cursor, Epoch: state.Epoch, Waiting: waiting})
		if err != nil {
			return err
		}
		stats, err := st.ApplyChanges(ctx, page)
		if err != nil {
			return fmt.Errorf("applying changes from the server: %w", err)
		}
		rep.Pages++
		rep.Pulled = sumPulled(rep.Pulled, stats)
		state.Cursor, state.Epoch = page.Cursor, cmp.Or(state.Epoch, page.Epoch)
		if !page.More {
			return nil
		}
	}
}

// Retry runs Once until it succeeds, fails for a reason that waiting will
// not fix, or attempts run out, sleeping a full-jitter backoff between
// tries. Every attempt that moved anything has saved its progress, so only
// forward progress is ever made.
func Retry(ctx context.Context, attempts int, b *Backoff, sleep func(context.Context, time.Duration) error,
	try func(ctx context.Context) (Report, error)) (Report, error) {
	var total Report
	for i := 1; ; i++ {
		rep, err := try(ctx)
		total.add(rep)
		if err == nil || !Transient(err) || i >= attempts {
			return total, err
		}
		var he *HTTPError
		var wait time.Duration
		if errors.As(err, &he) {
			wait = b.Next(he.RetryAfter)
		} else {
			wait = b.Next(0)
		}
		if err := sleep(ctx, wait); err != nil {
			return total, err
		}
	}
}

func (r *Report) add(o Report) {
	r.Pushed += o.Pushed
	r.Applied += o.Applied
	r.Duplicates += o.Duplicates
	r.Conflicts += o.Conflicts
	r.Rejects += o.Rejects
	r.Pages += o.Pages
	r.Restored = r.Restored || o.Restored
	r.Pulled = sumPulled(r.Pulled, o.Pulled)
}

func sumPulled(a, b store.PullStats) store.PullStats {
	return store.PullStats{Applied: a.Applied + b.Applied, Deleted: a.Deleted + b.Deleted,
		Kept: a.Kept + b.Kept, Skipped: a.Skipped + b.Skipped, Purged: a.Purged + b.Purged, SetAside: a.SetAside + b.SetAside}
}

// Sleep waits d or until ctx ends: the real timer Retry uses outside tests.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
