package syncclient_test

// Acceptance check 10 and the sync benchmarks: 200 devices × 100 ops
// against one server, and 10,000 queued ops from one laptop.

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// simulatedDevice is a laptop reduced to its wire traffic: one child's
// record built up by 100 ops, pushed in batches with retries.
type simulatedDevice struct {
	client *syncclient.Client
	ops    []protocol.Op
}

func newOp(entity, id, name string, fields map[string]any) protocol.Op {
	payload, _ := json.Marshal(fields)
	return protocol.Op{OpID: uuid.Must(uuid.NewV7()).String(), Entity: entity, EntityID: id, Name: name, Payload: payload}
}

// makeDevices enrols n devices, each for its own IRO with its own child,
// and prepares opsEach ops for each.
func makeDevices(tb testing.TB, w *world, n, opsEach int) []*simulatedDevice {
	tb.Helper()
	ctx := context.Background()
	devices := make([]*simulatedDevice, n)
	for i := range devices {
		iro := fmt.Sprintf("IRO %03d", i)
		code, err := w.db.CreateEnrolment(ctx, iro, time.Now())
		if err != nil {
			tb.Fatal(err)
		}
		_, _, token, err := w.db.Enrol(ctx, code, "load", time.Now())
		if err != nil {
			tb.Fatal(err)
		}
		c, err := syncclient.New(w.srv.URL, token, nil)
		if err != nil {
			tb.Fatal(err)
		}
		childID := uuid.Must(uuid.NewV7()).String()
		reviewID := uuid.Must(uuid.NewV7()).String()
		recID := uuid.Must(uuid.NewV7()).String()
		if err := w.db.Allocate(ctx, iro, childID); err != nil {
			tb.Fatal(err)
		}
		ops := []protocol.Op{
			newOp("child", childID, "child.create", map[string]any{"la_id": fmt.Sprintf("L%05d", i), "first_name": "Test", "last_name": "Child", "dob": "2015-01-01", "sex": "1", "ethnicity": "WBRI", "upn": "", "home_la": "E08000035", "plan_status": ""}),
			newOp("review", reviewID, "review.create", map[string]any{"child_id": childID, "kind": "lac", "sequence": 1, "due": "2026-12-01", "location": "", "participation_code": "", "state": "planned"}),
			newOp("recommendation", recID, "recommendation.create", map[string]any{"child_id": childID, "review_id": reviewID, "text": "Arrange contact", "owner_role": "social worker", "owner_name": "", "due": "2026-12-20", "status": "open"}),
		}
		for len(ops) < opsEach {
			ops = append(ops, newOp("progress", uuid.Must(uuid.NewV7()).String(), "progress.append",
				map[string]any{"recommendation_id": recID, "on_date": "2026-11-22", "text": fmt.Sprintf("note %d", len(ops)), "chased": "", "status": "open", "created_at": "2026-11-22T10:00:00.000000Z"}))
		}
		devices[i] = &simulatedDevice{client: c, ops: ops}
	}
	return devices
}

// push sends the device's ops in batches of 20, retrying a batch on
// transient failures as the real client does.
func (d *simulatedDevice) push(ctx context.Context) error {
	for start := 0; start < len(d.ops); start += 20 {
		batch := d.ops[start:min(start+20, len(d.ops))]
		b := fastBackoff()
		_, err := syncclient.Retry(ctx, 50, b, syncclient.Sleep, func(ctx context.Context) (syncclient.Report, error) {
			resp, err := d.client.Push(ctx, protocol.PushRequest{Ops: batch})
			if err != nil {
				return syncclient.Report{}, err
			}
			for _, r := range resp.Results {
				if r.Outcome() != protocol.Applied {
					return syncclient.Report{}, fmt.Errorf("op %s: %+v", r.OpID, r)
				}
			}
			return syncclient.Report{}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// runLoad pushes every device's ops at once and returns the time it took.
func runLoad(tb testing.TB, devices []*simulatedDevice) time.Duration {
	ctx := context.Background()
	errs := make(chan error, len(devices))
	start := time.Now()
	var wg sync.WaitGroup
	for _, d := range devices {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- d.push(ctx) }()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return elapsed
}

// checkLoad: every op is on the server once, applied, and every record has
// the version its ops give it.
func checkLoad(tb testing.TB, w *world, devices []*simulatedDevice) {
	tb.Helper()
	db := rawDB(w.t, w.dsn)
	var results, applied, entities int
	if err := db.QueryRow(`SELECT count(*), count(CASE WHEN status = 'applied' THEN 1 END) FROM op_result`).Scan(&results, &applied); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM entity WHERE version = 1`).Scan(&entities); err != nil {
		tb.Fatal(err)
	}
	want := 0
	for _, d := range devices {
		want += len(d.ops)
	}
	if results != want || applied != want || entities != want {
		tb.Fatalf("%d ops sent; server holds %d results (%d applied) and %d records at version 1", want, results, applied, entities)
	}
}

// Check 10: 200 simulated devices × 100 ops at once: zero lost, zero
// duplicated, on SQLite and PostgreSQL.
func TestLoad200Devices(t *testing.T) {
	skipLoadUnderRace(t)
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, serverdbtest.Fresh(t, dsn))
		devices := makeDevices(t, w, 200, 100)
		elapsed := runLoad(t, devices)
		checkLoad(t, w, devices)
		t.Logf("20,000 ops from 200 devices in %v (%.0f ops/s)", elapsed, 20000/elapsed.Seconds())
	})
}

// BenchmarkLoad200Devices reports the throughput of check 10.
//
//	go test -run '^$' -bench Load200 -benchtime 3x ./internal/syncclient/
func BenchmarkLoad200Devices(b *testing.B) {
	serverdbtest.EachB(b, func(bb *testing.B, dsn string) {
		var total time.Duration
		for range bb.N {
			bb.StopTimer()
			w := newWorld(bb, serverdbtest.Fresh(bb, dsn))
			devices := makeDevices(bb, w, 200, 100)
			bb.StartTimer()
			total += runLoad(bb, devices)
			bb.StopTimer()
			checkLoad(bb, w, devices)
		}
		bb.ReportMetric(float64(20000*bb.N)/total.Seconds(), "ops/s")
	})
}

// BenchmarkPush10000 is the budget "10,000 queued ops pushed to a loopback
// server in ≤3 s": a real laptop database, the real client, no proxy.
//
//	go test -run '^$' -bench Push10000 -benchtime 3x ./internal/syncclient/
func BenchmarkPush10000(b *testing.B) {
	serverdbtest.EachB(b, func(bb *testing.B, dsn string) {
		for range bb.N {
			bb.StopTimer()
			w := newWorld(bb, serverdbtest.Fresh(bb, dsn))
			l := w.enrol("Ada IRO")
			w.addChildren(l, "Ada IRO", childrenForOps(bb, 10000), 8)
			bb.StartTimer()
			if _, err := syncclient.PushAll(context.Background(), l.db, nil); err != nil {
				bb.Fatal(err)
			}
		}
	})
}
