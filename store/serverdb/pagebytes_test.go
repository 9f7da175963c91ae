package serverdb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
)

// encodedSize is a page's size as the server's reply encodes it.
func encodedSize(t *testing.T, page protocol.ChangesResponse) int {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(page); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}

// pullPages pulls everything from 0 and returns each page's encoded size
// and the records it carried.
func pullPages(t *testing.T, db *serverdb.DB, dev serverdb.Device) (sizes []int, records map[string]protocol.Entity) {
	t.Helper()
	records = map[string]protocol.Entity{}
	var since int64
	for range 1000 {
		page, err := db.Changes(t.Context(), dev, protocol.ChangesQuery{Since: since}, 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, encodedSize(t, page))
		for _, e := range page.Entities {
			records[e.Entity+"/"+e.ID] = e
		}
		if !page.More {
			return sizes, records
		}
		if page.Cursor <= since || len(page.Entities) == 0 {
			t.Fatalf("a page that does not move on: since %d, cursor %d, %d records", since, page.Cursor, len(page.Entities))
		}
		since = page.Cursor
	}
	t.Fatal("pulling never ends")
	return nil, nil
}

// Issue 11 item 3: 40 notes of 1.9 MB made one 76 MB page, which every
// laptop refused (its reply cap is 64 MiB) for ever. Pages are bounded by
// bytes as well as by count; a record larger than the budget still comes,
// alone, so pulling always moves on.
func TestChangesPagesAreBoundedByBytes(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, dsn string) {
		allocate(t, db, "ann", "c1")
		ann := device(t, db, "ann", "laptop")
		push(t, db, ann, op("c", "child", "c1", "child.create", 0, `{}`),
			op("r", "review", "r1", "review.create", 0, `{"child_id":"c1"}`))
		// Stored as a server without the field cap stored them: pushing
		// them now is refused (TestPushRefusesAFieldOverTheCap).
		sqlDB, rebind := raw(t, dsn)
		note := strings.Repeat("n", 1_900_000)
		big := strings.Repeat("b", protocol.MaxPullBytes+1000)
		var no int64 = 100
		for i := range 41 {
			text := note
			if i == 40 {
				text = big
			}
			fields := fmt.Sprintf(`{"notes":%q,"position":%d,"review_id":"r1","title":""}`, text, i)
			if _, err := sqlDB.Exec(rebind(`INSERT INTO entity (entity, id, child_id, version, fields, field_meta, change_no)
				VALUES ('section', ?, 'c1', 1, ?, '{}', ?)`), fmt.Sprintf("s%02d", i), fields, no); err != nil {
				t.Fatal(err)
			}
			no++
		}
		if _, err := sqlDB.Exec(rebind(`UPDATE counter SET n = ?`), no); err != nil {
			t.Fatal(err)
		}

		sizes, records := pullPages(t, db, ann)
		if len(records) != 43 {
			t.Fatalf("%d records pulled, want 43", len(records))
		}
		for i, n := range sizes {
			// The one record larger than the budget comes on a page of its own.
			if n > protocol.MaxPullBytes && n > len(big)+1000 {
				t.Errorf("page %d is %d bytes, over the %d budget", i, n, protocol.MaxPullBytes)
			}
		}
		if len(sizes) < 10 {
			t.Errorf("%d pages for 80 MB of notes", len(sizes))
		}
		if got := records["section/s07"].Fields["notes"]; len(got) != len(note)+2 {
			t.Errorf("a note came back %d bytes long", len(got))
		}
	})
}

// A field over the cap is refused at push with a reason saying so, and
// one at the cap is taken.
func TestPushRefusesAFieldOverTheCap(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		ann := device(t, db, "ann", "laptop")
		push(t, db, ann, op("c", "child", "c1", "child.create", 0, `{}`),
			op("r", "review", "r1", "review.create", 0, `{"child_id":"c1"}`),
			op("s", "section", "s1", "section.create", 0, `{"review_id":"r1"}`))
		over := op("big", "section", "s1", "section.update", 1, fmt.Sprintf(`{"notes":%q}`, strings.Repeat("n", 2_000_000)))
		if r := pushOne(t, db, ann, over); r.Status != protocol.Rejected || !strings.Contains(r.Reason, "field notes is 2000002 bytes, more than the 1048576 allowed") {
			t.Fatalf("a 2 MB field: %+v", r)
		}
		at := op("cap", "section", "s1", "section.update", 1, fmt.Sprintf(`{"notes":%q}`, strings.Repeat("n", 1<<20-2)))
		if r := pushOne(t, db, ann, at); r.Status != protocol.Applied {
			t.Fatalf("a field at the cap: %+v", r)
		}
	})
}

// A child newly allocated to an IRO comes to its devices paged by bytes
// too, however much it holds: before, its records came in one snapshot.
func TestChangesNewAllocationIsPagedByBytes(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		allocate(t, db, "bob", "c9")
		ann, bob := device(t, db, "ann", "laptop"), device(t, db, "bob", "laptop")
		push(t, db, bob, op("c", "child", "c9", "child.create", 0, `{}`))
		ops := []protocol.Op{op("c", "child", "c1", "child.create", 0, `{}`),
			op("r", "review", "r1", "review.create", 0, `{"child_id":"c1"}`)}
		note := strings.Repeat("n", 1<<20-2)
		for i := range 20 {
			ops = append(ops, op(fmt.Sprintf("s%d", i), "section", fmt.Sprintf("s%02d", i), "section.create", 0,
				fmt.Sprintf(`{"review_id":"r1","position":%d,"notes":%q}`, i, note)))
		}
		for _, r := range push(t, db, ann, ops...) {
			if r.Status != protocol.Applied {
				t.Fatalf("%+v", r)
			}
		}
		cursor := pullAll(t, db, bob, 0, 0).cursor

		allocate(t, db, "bob", "c1")
		records := map[string]bool{}
		since := cursor
		pages := 0
		for more := true; more; pages++ {
			page, err := db.Changes(t.Context(), bob, protocol.ChangesQuery{Since: since}, 0, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if n := encodedSize(t, page); n > protocol.MaxPullBytes {
				t.Fatalf("page %d is %d bytes, over the %d budget", pages, n, protocol.MaxPullBytes)
			}
			for _, e := range page.Entities {
				records[e.Entity+"/"+e.ID] = true
			}
			more, since = page.More, page.Cursor
		}
		if len(records) != 22 || pages < 3 {
			t.Fatalf("bob got %d of c1's 22 records in %d pages", len(records), pages)
		}
	})
}
