package serverdb_test

import (
	"fmt"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// BenchmarkPushServer10000 is the server's share of BenchmarkPush10000 in
// internal/syncclient: 10,000 ops in batches of protocol.MaxBatchOps, with
// no HTTP and no laptop database in the way.
//
//	go test -run '^$' -bench PushServer -benchtime 3x ./store/serverdb/
func BenchmarkPushServer10000(b *testing.B) {
	serverdbtest.EachB(b, func(b *testing.B, dsn string) {
		for range b.N {
			b.StopTimer()
			db := serverdbtest.NewDB(b, serverdbtest.Fresh(b, dsn))
			code, err := db.CreateEnrolment(b.Context(), "ann", t0)
			if err != nil {
				b.Fatal(err)
			}
			_, _, token, err := db.Enrol(b.Context(), code, "laptop", t0)
			if err != nil {
				b.Fatal(err)
			}
			dev, err := db.Authenticate(b.Context(), token, t0)
			if err != nil {
				b.Fatal(err)
			}
			var ops []protocol.Op
			for c := 0; len(ops) < 10000; c++ {
				child := fmt.Sprintf("c%d", c)
				if err := db.Allocate(b.Context(), "ann", child); err != nil {
					b.Fatal(err)
				}
				ops = append(ops, benchOps(len(ops), child)...)
			}
			ops = ops[:10000]
			b.StartTimer()
			for start := 0; start < len(ops); start += protocol.MaxBatchOps {
				batch := ops[start:min(start+protocol.MaxBatchOps, len(ops))]
				res, err := db.Push(b.Context(), dev, protocol.PushRequest{Ops: batch}, t0)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res.Results {
					if r.Status != protocol.Applied {
						b.Fatalf("op %s: %+v", r.OpID, r)
					}
				}
			}
		}
	})
}

// benchOps is one child's record: the child, a review, a recommendation
// and progress notes through it, then an update to each.
func benchOps(n int, child string) []protocol.Op {
	id := func(kind string) string { return fmt.Sprintf("%s-%s", kind, child) }
	ops := []protocol.Op{
		op("", "child", child, "child.create", 0, `{"first_name":"Test","last_name":"Child","dob":"2015-01-01"}`),
		op("", "review", id("r"), "review.create", 0, fmt.Sprintf(`{"child_id":%q,"kind":"lac","due":"2026-12-01"}`, child)),
		op("", "recommendation", id("rec"), "recommendation.create", 0, fmt.Sprintf(`{"review_id":%q,"text":"Arrange contact"}`, id("r"))),
	}
	for i := range 30 {
		ops = append(ops, op("", "progress", fmt.Sprintf("%s-%d", id("p"), i), "progress.append", 0,
			fmt.Sprintf(`{"recommendation_id":%q,"text":"note %d"}`, id("rec"), i)))
	}
	ops = append(ops,
		op("", "child", child, "child.update", 1, `{"first_name":"Tess"}`),
		op("", "review", id("r"), "review.update", 1, `{"due":"2026-12-02"}`))
	for i := range ops {
		ops[i].OpID = fmt.Sprintf("op-%d", n+i)
	}
	return ops
}
