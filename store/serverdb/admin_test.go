package serverdb_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

func TestOpenTwiceKeepsData(t *testing.T) {
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		db := serverdbtest.NewDB(t, dsn)
		allocate(t, db, "ann", "c1")
		dev := device(t, db, "ann", "laptop")
		pushOne(t, db, dev, op("o1", "child", "c1", "child.create", 0, `{"first_name":"A"}`))
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = serverdbtest.NewDB(t, dsn) // the schema is already there
		if got := pullAll(t, db, dev, 0, 0).keys(); len(got) != 1 {
			t.Fatalf("after reopening: %v", got)
		}
	})
}

func TestEnrol(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		ctx := t.Context()
		code, err := db.CreateEnrolment(ctx, "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 10 || strings.ContainsAny(code, "01OIL") {
			t.Fatalf("code %q: want 10 unambiguous characters", code)
		}
		expired, err := db.CreateEnrolment(ctx, "ann", t0)
		if err != nil {
			t.Fatal(err)
		}
		typed, err := db.CreateEnrolment(ctx, "bob", t0)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			code    string
			at      time.Time
			wantIRO string
			wantErr error
		}{
			{"fresh code", code, t0.Add(time.Hour), "ann", nil},
			{"second use", code, t0.Add(2 * time.Hour), "", serverdb.ErrBadCode},
			{"unknown code", "ABCDEFGHJK", t0, "", serverdb.ErrBadCode},
			{"empty code", "", t0, "", serverdb.ErrBadCode},
			{"after 72 hours", expired, t0.Add(72 * time.Hour), "", serverdb.ErrBadCode},
			{"typed loosely", strings.ToLower(typed[:5]) + "-" + typed[5:] + " ", t0.Add(71 * time.Hour), "bob", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id, iro, token, err := db.Enrol(ctx, tt.code, "Ann's laptop", tt.at)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if err != nil {
					return
				}
				if iro != tt.wantIRO || id == "" || len(token) < 40 {
					t.Fatalf("enrolled %q for %q with token %q", id, iro, token)
				}
				dev, err := db.Authenticate(ctx, token, tt.at)
				if err != nil || dev.ID != id || dev.IRO != tt.wantIRO || dev.Label != "Ann's laptop" {
					t.Fatalf("authenticate: %+v, %v", dev, err)
				}
				if !dev.Expires.Equal(tt.at.Add(365 * 24 * time.Hour)) {
					t.Errorf("expires %v", dev.Expires)
				}
			})
		}
		devices, err := db.Devices(ctx)
		if err != nil || len(devices) != 2 {
			t.Fatalf("devices: %+v, %v", devices, err)
		}
		// A refused late attempt does not consume a code: inside its window
		// it still works.
		if _, _, _, err := db.Enrol(ctx, expired, "x", t0.Add(time.Minute)); err != nil {
			t.Fatalf("an unexpired, unused code: %v", err)
		}
	})
}

func TestEnrolNeedsAnIRO(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		if _, err := db.CreateEnrolment(t.Context(), "  ", t0); err == nil {
			t.Fatal("an enrolment with no IRO was made")
		}
	})
}

func TestAuthenticate(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, _ string) {
		ctx := t.Context()
		tokenOf := func(iro string) (string, string) {
			code, err := db.CreateEnrolment(ctx, iro, t0)
			if err != nil {
				t.Fatal(err)
			}
			id, _, token, err := db.Enrol(ctx, code, "laptop", t0)
			if err != nil {
				t.Fatal(err)
			}
			return id, token
		}
		_, good := tokenOf("ann")
		revokedID, revoked := tokenOf("ann")
		if err := db.RevokeDevice(ctx, revokedID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeDevice(ctx, revokedID, t0.Add(time.Hour)); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if err := db.RevokeDevice(ctx, "no-such-device", t0); !errors.Is(err, serverdb.ErrNotFound) {
			t.Fatalf("revoking an unknown device: %v", err)
		}

		tests := []struct {
			name  string
			token string
			at    time.Time
			ok    bool
		}{
			{"valid", good, t0.Add(time.Hour), true},
			{"valid on its last day", good, t0.Add(365*24*time.Hour - time.Second), true},
			{"expired", good, t0.Add(365 * 24 * time.Hour), false},
			{"empty", "", t0, false},
			{"unknown", "bm90IGEgdG9rZW4gdGhlIHNlcnZlciBldmVyIG1hZGUgZm9yIGFueW9uZQ", t0, false},
			{"a prefix of a real one", good[:20], t0, false},
			{"revoked", revoked, t0.Add(time.Hour), false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.Authenticate(ctx, tt.token, tt.at)
				if tt.ok && err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !tt.ok && !errors.Is(err, serverdb.ErrUnauthorized) {
					t.Fatalf("err = %v, want ErrUnauthorized", err)
				}
			})
		}

		devices, err := db.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range devices {
			if (d.ID == revokedID) != d.Revoked {
				t.Errorf("device %s revoked = %v", d.ID, d.Revoked)
			}
			if d.Revoked && !d.RevokedAt.Equal(t0.Add(time.Minute)) {
				t.Errorf("revoked at %v, want the first revocation", d.RevokedAt)
			}
		}
	})
}

func TestAuditIsAppendOnly(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, dsn string) {
		allocate(t, db, "ann", "c1")
		dev := device(t, db, "ann", "laptop")
		push(t, db, dev,
			op("o1", "child", "c1", "child.create", 0, `{"first_name":"Secret Name"}`),
			op("o2", "child", "c1", "child.update", 1, `{"first_name":"Other Name"}`),
			op("o3", "nonsense", "x", "nonsense.create", 0, `{}`),
		)
		push(t, db, dev, op("o1", "child", "c1", "child.create", 0, `{"first_name":"Secret Name"}`))
		if _, err := db.Changes(t.Context(), dev, protocol.ChangesQuery{}, 0, time.Now()); err != nil {
			t.Fatal(err)
		}

		entries, err := db.Audit(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+" "+e.Detail)
			if strings.Contains(e.Detail, "Name") {
				t.Errorf("audit detail holds a payload: %q", e.Detail)
			}
		}
		want := []string{
			"allocate children=1",
			"enrolment codes=1",
			"enrol devices=1",
			"push ops=3 applied=2 duplicate=0 conflict=0 rejected=1",
			"push ops=1 applied=0 duplicate=1 conflict=0 rejected=0",
			"pull since=0 cursor=3 entities=1 revoked=0",
		}
		if strings.Join(actions, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
		}
		last := entries[len(entries)-1]
		if last.DeviceID != dev.ID || last.IRO != "ann" || !last.At.After(t0) {
			t.Errorf("pull row: %+v", last)
		}

		sqlDB, rebind := raw(t, dsn)
		for _, stmt := range []string{
			`UPDATE audit SET detail = 'forged' WHERE id = ?`,
			`DELETE FROM audit WHERE id = ?`,
		} {
			if _, err := sqlDB.ExecContext(t.Context(), rebind(stmt), entries[0].ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
			}
		}
		after, err := db.Audit(t.Context())
		if err != nil || len(after) != len(entries) || after[0].Detail != entries[0].Detail {
			t.Fatalf("the audit changed: %+v, %v", after, err)
		}
	})
}
