package syncclient_test

import (
	"context"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// Issue 11.6: the server's database is restored from a backup taken before
// some of a laptop's ops reached it. The laptop still has them (acked in its
// outbox) and a cursor the restored server never handed out; meanwhile
// another laptop pushes to the restored server, so that its counter passes
// the first laptop's cursor again. Every laptop must end with every op on
// the server exactly once and the same records: whether the admin restored
// as the README says (a new epoch) or only put the backup back.
func TestServerRestoredFromBackup(t *testing.T) {
	for _, mode := range []struct {
		name     string
		newEpoch bool
	}{{"iro serve restore", true}, {"the backup put back by hand", false}} {
		t.Run(mode.name, func(t *testing.T) {
			serverdbtest.Each(t, func(t *testing.T, dsn string) {
				restoredFromBackup(t, serverdbtest.Fresh(t, dsn), mode.newEpoch)
			})
		})
	}
}

func restoredFromBackup(t *testing.T, dsn string, newEpoch bool) {
	w := newWorld(t, dsn)
	ctx := context.Background()
	ada := w.enrol("Ada IRO")
	kids := w.addChildren(ada, "Ada IRO", 2, 31)
	ada.mustSync()
	desk := w.enrol("Ada IRO") // Ada's second laptop
	desk.mustSync()

	restore := serverdbtest.Backup(t, w.db, dsn)
	editReview(t, ada, kids[0].ID, func(r *child.Review) { r.Location = "After the backup" })
	addMonitoring(t, ada, kids[0].ID, "Carer, after the backup")
	ada.mustSync()
	restore(newEpoch)

	// The second laptop last synced before the backup: the restored
	// server knows its cursor. It writes twice, which takes the
	// server's counter past Ada's cursor.
	addMonitoring(t, desk, kids[1].ID, "School, after the restore")
	desk.mustSync()
	addMonitoring(t, desk, kids[1].ID, "Nurse, after the restore")
	desk.mustSync()

	if rep := ada.mustSync(); !rep.Restored || rep.Pushed-rep.Duplicates != 2 {
		t.Errorf("ada after the restore: %s, restored %v; want its 2 lost ops sent again and the rest duplicates", describe(rep), rep.Restored)
	}
	desk.mustSync()
	fresh := w.enrol("Ada IRO")
	fresh.mustSync()

	w.checkExactlyOnce(ada)
	w.checkExactlyOnce(desk)
	for name, l := range map[string]*laptop{"ada": ada, "desk": desk, "fresh": fresh} {
		if got := firstReview(t, l, kids[0].ID).Location; got != "After the backup" {
			t.Errorf("%s: the review's location is %q", name, got)
		}
		for i, want := range []int{1, 2} {
			ms, err := l.db.MonitoringEntries(ctx, kids[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != want {
				t.Errorf("%s: child %d has %d monitoring entries, want %d", name, i, len(ms), want)
			}
		}
	}
}

func addMonitoring(t *testing.T, l *laptop, childID, contact string) {
	t.Helper()
	m := review.Monitoring{On: calendar.MustParse("2026-11-20"), Contact: contact}
	if err := l.db.AddMonitoring(context.Background(), childID, &m); err != nil {
		t.Fatal(err)
	}
}
