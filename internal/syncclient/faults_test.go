package syncclient_test

// Acceptance checks 1–5 and 8 of the sync issue: a laptop pushes and pulls
// through a proxy that kills links, loses replies and restarts, and every
// op id is applied exactly once with nothing acknowledged missing. Every
// test runs against the server on SQLite and on PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// crashing is the laptop's store, dying at one point of a sync: it returns
// errCrash there (after doing the step's work when after is true), and the
// test then restarts the laptop from its file as a killed process would.
type crashing struct {
	syncclient.Store
	at    string // "fenced", "received", "acked", "pulled", "before-pull"
	calls int    // of the step, so the crash can hit a later batch
	nth   int
}

func (c *crashing) hit(step string) bool {
	if c.at != step {
		return false
	}
	c.calls++
	return c.calls == c.nth
}

func (c *crashing) NextPushBatch(ctx context.Context, maxOps, maxBytes int) ([]protocol.Op, error) {
	ops, err := c.Store.NextPushBatch(ctx, maxOps, maxBytes)
	if err == nil && len(ops) > 0 && c.hit("fenced") {
		return nil, errCrash // fenced as sent, never sent
	}
	return ops, err
}

func (c *crashing) ApplyPushResults(ctx context.Context, rs []protocol.Result) error {
	if c.hit("received") {
		return errCrash // the reply arrived; the ack was never written
	}
	if err := c.Store.ApplyPushResults(ctx, rs); err != nil {
		return err
	}
	if c.hit("acked") {
		return errCrash
	}
	return nil
}

func (c *crashing) ApplyChanges(ctx context.Context, page protocol.ChangesResponse) (store.PullStats, error) {
	if c.hit("before-pull") {
		return store.PullStats{}, errCrash // the page arrived; nothing applied
	}
	st, err := c.Store.ApplyChanges(ctx, page)
	if err == nil && c.hit("pulled") {
		return st, errCrash // applied with its cursor, then killed
	}
	return st, err
}

// Check 1: the laptop is killed between write, send, receive and ack, at
// the first and at a later batch; after a restart it converges and every
// op is on the server exactly once.
func TestCrashAtEveryStep(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		for _, at := range []string{"written", "fenced", "sent", "received", "acked"} {
			for _, nth := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/batch%d", at, nth), func(t *testing.T) {
					w := newWorld(t, serverdbtest.Fresh(t, dsn))
					l := w.enrol("Ada IRO")
					w.addChildren(l, "Ada IRO", 25, 1) // several batches of ops
					ctx := context.Background()
					switch at {
					case "written":
						// Killed after the writes committed, before any sync.
					case "sent":
						// The push reaches the server and is applied; the
						// device dies before the reply (the reply is lost).
						var n atomic.Int64
						w.proxy.setFaults(func(r *http.Request) fault {
							if r.URL.Path == protocol.PathPush && n.Add(1) == int64(nth) {
								return dropReply
							}
							return pass
						})
						if _, err := l.sync(ctx); err == nil {
							t.Fatal("sync succeeded through a lost reply")
						}
						w.proxy.setFaults(func(*http.Request) fault { return pass })
					default:
						c := &crashing{Store: l.db, at: at, nth: nth}
						if _, err := syncclient.Once(ctx, c, nil, time.Now); err == nil {
							t.Fatalf("no crash at %s", at)
						}
					}
					l.restart()
					rep := l.mustSync()
					if at == "received" || at == "sent" {
						if rep.Duplicates == 0 {
							t.Errorf("resend after a lost ack saw no duplicates: %s", describe(rep))
						}
					}
					w.checkExactlyOnce(l)
				})
			}
		}
	})
}

// Check 2: the server applies a batch but every first reply is lost; the
// retry is answered "duplicate" with the original result, and no row is
// applied twice.
func TestLostReplyGetsDuplicate(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		l := w.enrol("Ada IRO")
		w.addChildren(l, "Ada IRO", 20, 2)
		var seen sync.Map
		w.proxy.setFaults(func(r *http.Request) fault {
			if r.URL.Path != protocol.PathPush {
				return pass
			}
			// Drop the reply the first time each distinct batch is sent.
			key := r.ContentLength
			if _, again := seen.LoadOrStore(key, true); again {
				return pass
			}
			return dropReply
		})
		rep, err := syncclient.Retry(context.Background(), 100, fastBackoff(), syncclient.Sleep,
			func(ctx context.Context) (syncclient.Report, error) { return l.sync(ctx) })
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		if rep.Duplicates == 0 {
			t.Fatalf("no duplicates reported though every first reply was lost: %s", describe(rep))
		}
		w.checkExactlyOnce(l)
	})
}

// Check 4: the same batch sent 2–5 times, one after another and all at
// once: each op is applied once and every other answer is a duplicate of
// that first result.
func TestSameBatchManyTimes(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		for _, times := range []int{2, 3, 5} {
			for _, concurrent := range []bool{false, true} {
				t.Run(fmt.Sprintf("x%d/concurrent=%v", times, concurrent), func(t *testing.T) {
					w := newWorld(t, serverdbtest.Fresh(t, dsn))
					l := w.enrol("Ada IRO")
					w.addChildren(l, "Ada IRO", 3, 4)
					ctx := context.Background()
					batch, err := l.db.NextPushBatch(ctx, protocol.MaxBatchOps, protocol.MaxBatchBytes)
					if err != nil || len(batch) == 0 {
						t.Fatalf("batch: %d ops, %v", len(batch), err)
					}
					state, _, err := l.db.SyncState(ctx)
					if err != nil {
						t.Fatal(err)
					}
					c, err := syncclient.New(state.Server, state.Token, nil)
					if err != nil {
						t.Fatal(err)
					}
					replies := make([]protocol.PushResponse, times)
					errs := make([]error, times)
					send := func(i int) { replies[i], errs[i] = c.Push(ctx, protocol.PushRequest{Ops: batch}) }
					if concurrent {
						var wg sync.WaitGroup
						for i := range times {
							wg.Add(1)
							go func() { defer wg.Done(); send(i) }()
						}
						wg.Wait()
					} else {
						for i := range times {
							send(i)
						}
					}
					for i, err := range errs {
						if err != nil {
							t.Fatalf("send %d: %v", i, err)
						}
					}
					for j, op := range batch {
						applied := 0
						for i := range replies {
							r := replies[i].Results[j]
							switch {
							case r.Status == protocol.Applied:
								applied++
							case r.Status == protocol.Duplicate && r.Original == protocol.Applied:
							default:
								t.Errorf("op %s send %d: %+v", op.OpID, i, r)
							}
						}
						if applied != 1 {
							t.Errorf("op %s applied %d times", op.OpID, applied)
						}
					}
					if err := l.db.ApplyPushResults(ctx, replies[times-1].Results); err != nil {
						t.Fatal(err)
					}
					l.mustSync()
					w.checkExactlyOnce(l)
				})
			}
		}
	})
}

// Check 5: the laptop is killed while pulling: before a page is applied, or
// after a page and its cursor were saved. Restarted, it ends with exactly
// the server's records: nothing skipped, nothing twice. A page applied a
// second time changes nothing.
func TestCrashWhilePulling(t *testing.T) {
	skipLoadUnderRace(t)
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		for _, at := range []string{"before-pull", "pulled"} {
			for _, nth := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/page%d", at, nth), func(t *testing.T) {
					w := newWorld(t, serverdbtest.Fresh(t, dsn))
					a := w.enrol("Ada IRO")
					kids := w.addChildren(a, "Ada IRO", childrenForOps(t, 2*protocol.MaxPullPage), 5)
					a.mustSync()
					b := w.enrol("Ada IRO")
					ctx := context.Background()
					c := &crashing{Store: b.db, at: at, nth: nth}
					if _, err := syncclient.Once(ctx, c, nil, time.Now); err == nil {
						t.Fatalf("no crash at %s page %d", at, nth)
					}
					b.restart()
					if rep := b.mustSync(); rep.Pages < 2 && nth == 1 {
						t.Fatalf("the pull took %d pages: the crash hit no later page", rep.Pages)
					}
					sameCaseload(t, a.db, b.db, len(kids))

					// Replaying the first page over the synced laptop is harmless.
					state, _, _ := b.db.SyncState(ctx)
					cl, _ := syncclient.New(state.Server, state.Token, nil)
					page, err := cl.Changes(ctx, protocol.ChangesQuery{})
					if err != nil {
						t.Fatal(err)
					}
					page.Cursor = state.Cursor // keep the saved cursor
					if _, err := b.db.ApplyChanges(ctx, page); err != nil {
						t.Fatal(err)
					}
					sameCaseload(t, a.db, b.db, len(kids))
				})
			}
		}
	})
}

// sameCaseload says the two laptops hold the same children with the same
// reviews, and that there are want of them.
func sameCaseload(t *testing.T, a, b *store.DB, want int) {
	t.Helper()
	ctx := context.Background()
	ca, err := a.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ca) != want || len(cb) != want {
		t.Fatalf("caseloads of %d and %d children, want %d", len(ca), len(cb), want)
	}
	byID := map[string]int{}
	for i, c := range ca {
		byID[c.ID] = i
	}
	for _, c := range cb {
		i, ok := byID[c.ID]
		if !ok {
			t.Errorf("child %s only on the second laptop", c.ID)
			continue
		}
		x := ca[i]
		if x.FirstName != c.FirstName || x.LastName != c.LastName || x.DOB != c.DOB || len(x.Reviews) != len(c.Reviews) || len(x.Episodes) != len(c.Episodes) {
			t.Errorf("child %s differs: %q %q %d reviews %d episodes vs %q %q %d reviews %d episodes",
				c.ID, x.FirstName, x.LastName, len(x.Reviews), len(x.Episodes), c.FirstName, c.LastName, len(c.Reviews), len(c.Episodes))
		}
	}
}

func fastBackoff() *syncclient.Backoff {
	return &syncclient.Backoff{Base: 5 * time.Millisecond, Cap: 100 * time.Millisecond}
}

// Check 8: 10,000 queued ops over a link that drops every 1–5 s. Each try
// moves forward: what the server holds and what the laptop has had
// acknowledged never shrink, and at the end everything is there once.
func TestTenThousandOpsOverAFlakyLink(t *testing.T) {
	skipLoadUnderRace(t)
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		l := w.enrol("Ada IRO")
		w.addChildren(l, "Ada IRO", childrenForOps(t, 10000), 8)
		total := len(l.outbox())
		if total < 10000 {
			t.Fatalf("only %d ops queued", total)
		}
		// A little latency per request stretches the sync over several
		// drops, as on a train.
		w.proxy.setFaults(func(*http.Request) fault { time.Sleep(20 * time.Millisecond); return pass })
		stop, drops := flakyLink(w.proxy, time.Second, 8)
		ctx := context.Background()
		lastAcked, lastServer := 0, 0
		var err error
		for try := 1; try <= 500; try++ {
			_, err = l.sync(ctx)
			acked := 0
			for _, o := range l.outbox() {
				if o.state == "acked" {
					acked++
				}
			}
			results, _ := w.serverFacts(l.id)
			if acked < lastAcked || len(results) < lastServer {
				t.Fatalf("try %d went backwards: acked %d→%d, server %d→%d", try, lastAcked, acked, lastServer, len(results))
			}
			lastAcked, lastServer = acked, len(results)
			if err == nil {
				t.Logf("%d ops delivered in %d tries over %d link drops", total, try, drops.Load())
				break
			}
			time.Sleep(fastBackoff().Next(0))
		}
		stop()
		if err != nil {
			t.Fatalf("never finished: %v", err)
		}
		if drops.Load() == 0 {
			t.Fatal("the link never dropped: the test proved nothing")
		}
		w.checkExactlyOnce(l)
	})
}

// childrenForOps is how many demo children make at least n ops (with a
// margin: the number of ops per child varies with the seed).
func childrenForOps(t testing.TB, n int) int {
	t.Helper()
	return n*11/10/opsPerDemoChild(t) + 1
}
