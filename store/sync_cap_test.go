package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
)

// Issue 11 item 3, the laptop's side: notes too large to go to the server
// were saved and then rejected at push ("too large to send"), after the IRO
// had moved on. A save the server would refuse, or that could never be
// sent, is now refused when it is made, keeping what was saved before;
// every save accepted goes out.
func TestSyncSaveIsRefusedIfItCouldNeverBeSent(t *testing.T) {
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	sec := review.Section{Title: "Notes"}
	if err := db.AddSection(ctx, c.Reviews[0].ID, &sec); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveNotes(ctx, sec.ID, "kept"); err != nil {
		t.Fatal(err)
	}
	notes := func() string {
		t.Helper()
		m, err := db.Meeting(ctx, c.Reviews[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range m.Sections {
			if s.ID == sec.ID {
				return s.Notes
			}
		}
		t.Fatal("the section is gone")
		return ""
	}
	for _, tc := range []struct {
		name, text string
	}{
		{"2 MB", strings.Repeat("n", 2_000_000)},
		{"just over a push batch", strings.Repeat("n", protocol.MaxBatchBytes)},
		// "<" is sent as \u003c: the size that counts is the encoded one.
		{"fewer characters than the cap, more bytes sent", strings.Repeat("<", protocol.MaxBatchBytes/6+1)},
	} {
		// Both while the last save's op is unsent (autosave folds the text
		// into it) and after it was sent (a new op).
		for _, sent := range []bool{false, true} {
			if sent {
				if _, err := db.NextPushBatch(ctx, 0, 0); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.SaveNotes(ctx, sec.ID, tc.text); !errors.Is(err, ErrCannotSync) {
				t.Errorf("%s (sent %v): %v, want ErrCannotSync", tc.name, sent, err)
			}
			if got := notes(); got != "kept" {
				t.Errorf("%s (sent %v): the notes are now %d bytes, want the last saved", tc.name, sent, len(got))
			}
		}
	}
	ackAll(t, db)

	// Around the limit, every save accepted is sent whole.
	accepted, refused := 0, 0
	for n := protocol.MaxBatchBytes - 300; n < protocol.MaxBatchBytes-100; n += 10 {
		err := db.SaveNotes(ctx, sec.ID, strings.Repeat("m", n))
		if errors.Is(err, ErrCannotSync) {
			refused++
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		accepted++
		batch, err := db.NextPushBatch(ctx, 0, 0)
		if err != nil || len(batch) != 1 || len(batch[0].Payload) < n {
			t.Fatalf("notes of %d bytes saved but not sent: %d ops, %v", n, len(batch), err)
		}
		ackAll(t, db)
		if rejected, err := db.RejectedOps(ctx); err != nil || len(rejected) != 0 {
			t.Fatalf("notes of %d bytes: rejected %+v, %v", n, rejected, err)
		}
	}
	if accepted == 0 || refused == 0 {
		t.Errorf("accepted %d, refused %d: the sizes tried do not straddle the limit", accepted, refused)
	}
}
