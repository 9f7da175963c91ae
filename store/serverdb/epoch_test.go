package serverdb_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// TestNewEpoch: a new epoch refuses every position from the old one, on
// push and on pull, and applies nothing of a refused push.
func TestNewEpoch(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		allocate(t, db, "ann", "c1")
		ann := device(t, db, "ann", "laptop")
		pushOne(t, db, ann, op("1", "child", "c1", "child.create", 0, `{}`))
		page, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{}, 0, time.Now())
		if err != nil || page.Epoch == "" {
			t.Fatalf("%+v, %v", page, err)
		}
		epoch, err := db.NewEpoch(t.Context(), time.Now())
		if err != nil || epoch == page.Epoch {
			t.Fatalf("new epoch %q after %q: %v", epoch, page.Epoch, err)
		}
		_, err = db.Push(t.Context(), ann, protocol.PushRequest{Epoch: page.Epoch, Cursor: page.Cursor,
			Ops: []protocol.Op{op("2", "child", "c1", "child.update", 1, `{"first_name":"x"}`)}}, time.Now())
		if moved, ok := errors.AsType[*serverdb.NewEpochError](err); !ok || moved.Epoch != epoch {
			t.Errorf("push from the old epoch: %v", err)
		}
		_, err = db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: page.Cursor, Epoch: page.Epoch}, 0, time.Now())
		if _, ok := errors.AsType[*serverdb.NewEpochError](err); !ok {
			t.Errorf("pull from the old epoch: %v", err)
		}
		// Started again from the new epoch, the device is served, and the
		// refused push changed nothing.
		got := pullAll(t, db, ann, 0, 0)
		if e := got.entities["child/c1"]; e.Version != 1 {
			t.Errorf("after the refused push: %+v", e)
		}
		if r := pushOne(t, db, ann, op("2", "child", "c1", "child.update", 1, `{"first_name":"x"}`)); r.Status != protocol.Applied {
			t.Errorf("%+v", r)
		}
		entries, err := db.Audit(t.Context())
		if err != nil || !strings.Contains(auditActions(entries), "new-epoch") {
			t.Errorf("audit %v, %v", auditActions(entries), err)
		}
	})
}

func auditActions(entries []serverdb.AuditEntry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Action + " ")
	}
	return b.String()
}

// TestBackupAndRestore: a SQLite backup restored puts the data back as it
// was, in a new epoch, leaves the backup as it found it and refuses what is
// not a server backup without touching the live database.
func TestBackupAndRestore(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		db := serverdbtest.NewDB(t, dsn)
		path := filepath.Join(t.TempDir(), "backup.db")
		if strings.HasPrefix(dsn, "postgres") {
			if err := db.Backup(t.Context(), path); !errors.Is(err, serverdb.ErrNotSQLite) {
				t.Errorf("Backup: %v", err)
			}
			if _, err := serverdb.Restore(t.Context(), dsn, path, time.Now()); !errors.Is(err, serverdb.ErrNotSQLite) {
				t.Errorf("Restore: %v", err)
			}
			return
		}
		allocate(t, db, "ann", "c1")
		ann := device(t, db, "ann", "laptop")
		pushOne(t, db, ann, op("1", "child", "c1", "child.create", 0, `{"first_name":"Ada"}`))
		before, err := db.Epoch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(t.Context(), path); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("the backup's mode: %v, %v", st, err)
		}
		if err := db.Backup(t.Context(), path); err == nil {
			t.Error("a backup over an existing file")
		}
		backup, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		pushOne(t, db, ann, op("2", "child", "c1", "child.update", 1, `{"first_name":"Lost"}`))

		for _, bad := range []struct{ name, content string }{
			{"not a database", "hello"},
			{"missing", ""},
		} {
			p := filepath.Join(t.TempDir(), "bad.db")
			if bad.content != "" {
				if err := os.WriteFile(p, []byte(bad.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := serverdb.Restore(t.Context(), dsn, p, time.Now()); err == nil {
				t.Errorf("restored from %s", bad.name)
			}
		}
		if e := pullAll(t, db, ann, 0, 0).entities["child/c1"]; e.Version != 2 {
			t.Fatalf("a refused restore changed the data: %+v", e)
		}

		epoch, err := serverdb.Restore(t.Context(), dsn, path, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if now, err := db.Epoch(t.Context()); err != nil || now != epoch || epoch == before {
			t.Errorf("epoch %q, was %q, Restore said %q: %v", now, before, epoch, err)
		}
		if e := pullAll(t, db, ann, 0, 0).entities["child/c1"]; e.Version != 1 || field(t, e, "first_name") != `"Ada"` {
			t.Errorf("restored: %+v", e)
		}
		if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, backup) {
			t.Errorf("the backup changed: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dsn), ".iro-restore-*")); len(left) != 0 {
			t.Errorf("left behind: %v", left)
		}
	})
}

// TestMigrateFromVersion1 upgrades a server database an iro with schema 1
// filled: records, a device that had pulled, revocations before and after
// it. Everything pulls as before, the device keeps its access as it stood,
// and the new columns start where they must.
func TestMigrateFromVersion1(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		old, err := serverdb.OpenAtVersion(t.Context(), dsn, 1)
		if err != nil {
			t.Fatal(err)
		}
		allocate(t, old, "ann", "c1")
		ann := device(t, old, "ann", "laptop")
		sqlDB, rebind := raw(t, dsn)
		for _, q := range []string{
			`INSERT INTO entity (entity, id, child_id, version, fields, field_meta, change_no)
				VALUES ('child', 'c1', 'c1', 1, '{"first_name":"Ada"}', '{}', 2)`,
			`INSERT INTO revocation (iro, child_id, change_no) VALUES ('ann', 'c2', 3)`, // pulled past: purged
			`INSERT INTO revocation (iro, child_id, change_no) VALUES ('ann', 'c3', 6)`, // not yet: grace
			`UPDATE counter SET n = 9`,
			`UPDATE device SET pulled = 4`,
		} {
			if _, err := sqlDB.Exec(rebind(q)); err != nil {
				t.Fatal(err)
			}
		}
		if err := old.Close(); err != nil {
			t.Fatal(err)
		}

		db := serverdbtest.NewDB(t, dsn)
		if epoch, err := db.Epoch(t.Context()); err != nil || epoch == "" {
			t.Fatalf("epoch %q, %v", epoch, err)
		}
		if r := pushOne(t, db, ann, op("1", "child", "c2", "child.create", 0, `{}`)); r.Status != protocol.Rejected || !strings.Contains(r.Reason, "purged") {
			t.Errorf("a child the device had pulled the revocation of: %+v", r)
		}
		late := op("2", "child", "c3", "child.create", 0, `{}`)
		resp, err := db.Push(t.Context(), ann, protocol.PushRequest{Ops: []protocol.Op{late}}, time.Now().Add(serverdb.LateWriteGrace+time.Hour))
		if err != nil || resp.Results[0].Status != protocol.Rejected || !strings.Contains(resp.Results[0].Reason, "grace") {
			t.Errorf("a week after the upgrade: %+v, %v", resp, err)
		}
		if r := pushOne(t, db, ann, op("3", "child", "c3", "child.create", 0, `{}`)); r.Status != protocol.Applied {
			t.Errorf("within the grace the upgrade started: %+v", r)
		}
		// The device may hold any cursor up to the counter at the upgrade
		// (9); the pull hands it 10, the change just pushed, and no more.
		if got := pullAll(t, db, ann, 9, 0); len(got.entities) != 0 || got.cursor != 10 {
			t.Errorf("from 9: %v to %d", got.keys(), got.cursor)
		}
		if _, err := db.Changes(t.Context(), ann, protocol.ChangesQuery{Since: 11}, 0, time.Now()); err == nil {
			t.Error("a cursor past any handed out")
		}
		if got := pullAll(t, db, ann, 0, 0); strings.Join(got.keys(), " ") != "child/c1" || field(t, got.entities["child/c1"], "first_name") != `"Ada"` {
			t.Errorf("from 0: %v", got.keys())
		}
	})
}
