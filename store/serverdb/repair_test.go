package serverdb_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/store/serverdb"
)

// A child and a review as a laptop creates them (store's op payloads).
const (
	repairChild  = "01900000-0000-7000-8000-0000000000c1"
	repairReview = "01900000-0000-7000-8000-0000000000a1"
	childPayload = `{"la_id":"LA-1","first_name":"Ada","last_name":"Lovelace","dob":"2015-01-02","sex":"2","ethnicity":"WBRI",` +
		`"upn":"","home_la":"E1","iro_allocated":"","care_plan_agreed":"","last_health_assessment":"","last_pep_review":"","plan_status":""}`
	reviewPayload = `{"child_id":"` + repairChild + `","kind":"lac","sequence":1,"due":"2026-04-01","scheduled":"","held":"",` +
		`"location":"","participation_code":"","state":"planned","decisions_circulated":"","record_circulated":""}`
)

// TestRepairRecord: the admin reads a record as stored, sets a field and
// deletes a record through the same path as a device's push: the repair
// takes a change number (the IRO's laptops pull it), the server's checks
// of a push refuse a bad repair, a device's later change from an older base
// conflicts with it, and the audit names ids and fields, never values.
func TestRepairRecord(t *testing.T) {
	each(t, func(t *testing.T, db *serverdb.DB, dsn string) {
		ctx := t.Context()
		allocate(t, db, "ann", repairChild)
		laptop := device(t, db, "ann", "laptop")
		push(t, db, laptop, op("o1", "child", repairChild, "child.create", 0, childPayload),
			op("o2", "review", repairReview, "review.create", 0, reviewPayload))

		// What an older server stored from a careless device: an object
		// where the laptop's column holds one value.
		sqlDB, rebind := raw(t, dsn)
		bad := strings.Replace(childPayload, `"first_name":"Ada"`, `"first_name":{"x":"Ada"}`, 1)
		if _, err := sqlDB.ExecContext(ctx, rebind(`UPDATE entity SET fields = ? WHERE entity = 'child' AND id = ?`), bad, repairChild); err != nil {
			t.Fatal(err)
		}
		r, err := db.Record(ctx, "child", repairChild)
		if err != nil || r.Version != 1 || r.Deleted || r.ChildID != repairChild || string(r.Fields["first_name"]) != `{"x":"Ada"}` ||
			r.Changed["first_name"] != (serverdb.FieldChange{Version: 1, Device: laptop.ID}) || r.ChangeNo == 0 {
			t.Fatalf("Record = %+v, %v", r, err)
		}
		cursor := pullAll(t, db, laptop, 0, 0).cursor

		fixed, err := db.SetField(ctx, "child", repairChild, "first_name", json.RawMessage(`"Ada"`), t0)
		if err != nil || fixed.Status != protocol.Applied || !fixed.Changed || fixed.Version != 2 {
			t.Fatalf("SetField = %+v, %v", fixed, err)
		}
		after := pullAll(t, db, laptop, cursor, 0)
		if e, ok := after.entities["child/"+repairChild]; !ok || e.Version != 2 || field(t, e, "first_name") != `"Ada"` ||
			field(t, e, "last_name") != `"Lovelace"` {
			t.Fatalf("the laptop pulled %+v after the repair", after.entities)
		}
		if r, err := db.Record(ctx, "child", repairChild); err != nil || r.Changed["first_name"].Device != serverdb.AdminDevice {
			t.Errorf("after the repair: %+v, %v", r, err)
		}
		// The laptop's change made before it pulled the repair meets it as
		// another device's.
		if res := pushOne(t, db, laptop, op("o3", "child", repairChild, "child.update", 1, `{"first_name":"Eve"}`)); res.Status != protocol.Conflict ||
			string(res.Conflicts["first_name"]) != `"Ada"` {
			t.Errorf("a stale update after the repair: %+v", res)
		}

		same, err := db.SetField(ctx, "child", repairChild, "first_name", json.RawMessage(`"Ada"`), t0)
		if err != nil || same.Status != protocol.Applied || same.Changed || same.Version != 2 {
			t.Errorf("setting the value it has: %+v, %v", same, err)
		}
		if got := pullAll(t, db, laptop, after.cursor, 0); len(got.entities) != 0 {
			t.Errorf("a repair that changed nothing sent %v", got.keys())
		}

		// The push's own checks hold for the admin.
		for _, tc := range []struct{ field, value, says string }{
			{"child_id", `"01900000-0000-7000-8000-0000000000c2"`, "cannot move"},
			{"First-Name", `"Ada"`, "is not a field of review"},
		} {
			res, err := db.SetField(ctx, "review", repairReview, tc.field, json.RawMessage(tc.value), t0)
			if err != nil || res.Status != protocol.Rejected || !strings.Contains(res.Reason, tc.says) || res.Changed {
				t.Errorf("SetField %s: %+v, %v; want rejected saying %q", tc.field, res, err, tc.says)
			}
		}
		if _, err := db.SetField(ctx, "review", repairReview, "state", json.RawMessage(`{"x"`), t0); err == nil {
			t.Error("SetField took a value that is not JSON")
		}
		for name, repair := range map[string]func() (serverdb.Repaired, error){
			"set": func() (serverdb.Repaired, error) {
				return db.SetField(ctx, "child", "no-such-child", "x", json.RawMessage(`1`), t0)
			},
			"delete": func() (serverdb.Repaired, error) { return db.DeleteRecord(ctx, "review", "no-such-review", t0) },
		} {
			if _, err := repair(); !errors.Is(err, serverdb.ErrNotFound) {
				t.Errorf("%s of a record the server does not have: %v", name, err)
			}
		}

		// The admin is not bound by an allocation.
		if err := db.Deallocate(ctx, "ann", repairChild); err != nil {
			t.Fatal(err)
		}
		gone, err := db.DeleteRecord(ctx, "review", repairReview, t0)
		if err != nil || gone.Status != protocol.Applied || !gone.Changed || gone.Version != 2 {
			t.Fatalf("DeleteRecord = %+v, %v", gone, err)
		}
		if r, err := db.Record(ctx, "review", repairReview); err != nil || !r.Deleted || len(r.Fields) != 0 || r.Version != 2 {
			t.Errorf("the deleted review: %+v, %v", r, err)
		}

		audit, err := db.Audit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var repairs []string
		for _, a := range audit {
			if a.Action != "repair" {
				continue
			}
			repairs = append(repairs, a.Detail)
			if a.DeviceID != serverdb.AdminDevice || strings.Contains(a.Detail, "Ada") || strings.Contains(a.Detail, "{") {
				t.Errorf("audit row %+v", a)
			}
		}
		if len(repairs) != 5 || !strings.Contains(repairs[0], "op=child.update id="+repairChild+" field=first_name status=applied version=2") ||
			!strings.Contains(repairs[4], "op=review.delete id="+repairReview) {
			t.Errorf("repair audit = %q", repairs)
		}
	})
}
