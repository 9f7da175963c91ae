package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
)

// Op payloads carry the entity's fields under their column names; sealed
// fields appear in plaintext here, which is why the payload is sealed too.

type childFields struct {
	LAID                 string        `json:"la_id"`
	FirstName            string        `json:"first_name"`
	LastName             string        `json:"last_name"`
	DOB                  calendar.Date `json:"dob"`
	Sex                  string        `json:"sex"`
	Ethnicity            string        `json:"ethnicity"`
	UPN                  string        `json:"upn"`
	HomeLA               string        `json:"home_la"`
	IROAllocated         calendar.Date `json:"iro_allocated"`
	CarePlanAgreed       calendar.Date `json:"care_plan_agreed"`
	LastHealthAssessment calendar.Date `json:"last_health_assessment"`
	LastPEPReview        calendar.Date `json:"last_pep_review"`
	PlanStatus           string        `json:"plan_status"`
}

type episodeFields struct {
	ChildID          string        `json:"child_id"`
	Start            calendar.Date `json:"start_date"`
	End              calendar.Date `json:"end_date"`
	LegalStatus      string        `json:"legal_status"`
	Placement        string        `json:"placement"`
	ReasonNew        string        `json:"reason_new"`
	ReasonEnd        string        `json:"reason_end"`
	Provider         string        `json:"provider"`
	PostcodeDistrict string        `json:"postcode_district"`
	DistanceMiles    float64       `json:"distance_miles"`
	OutOfArea        bool          `json:"out_of_area"`
}

type cpPlanFields struct {
	ChildID            string        `json:"child_id"`
	StrategyDiscussion calendar.Date `json:"strategy_discussion"`
	Category           string        `json:"category"`
	Start              calendar.Date `json:"start_date"`
	End                calendar.Date `json:"end_date"`
}

type reviewFields struct {
	ChildID             string        `json:"child_id"`
	Kind                child.Kind    `json:"kind"`
	Sequence            int           `json:"sequence"`
	Due                 calendar.Date `json:"due"`
	Scheduled           calendar.Date `json:"scheduled"`
	Held                calendar.Date `json:"held"`
	Location            string        `json:"location"`
	ParticipationCode   string        `json:"participation_code"`
	State               string        `json:"state"`
	DecisionsCirculated calendar.Date `json:"decisions_circulated"`
	RecordCirculated    calendar.Date `json:"record_circulated"`
}

func fieldsOfReview(childID string, r *child.Review) reviewFields {
	return reviewFields{
		ChildID: childID, Kind: r.Kind, Sequence: r.Sequence, Due: r.Due, Scheduled: r.Scheduled, Held: r.Held,
		Location: r.Location, ParticipationCode: r.ParticipationCode, State: r.State,
		DecisionsCirculated: r.DecisionsCirculated, RecordCirculated: r.RecordCirculated,
	}
}

// AddChild saves a new child (not its episodes, plans or reviews), giving it
// an id if it has none, and queues child.create. c.ID stays set even if the
// transaction later rolls back; saving again with it is fine.
func (tx *Tx) AddChild(c *child.Child) error {
	return tx.write("add child", true, func() error {
		if err := ensureID(&c.ID); err != nil {
			return err
		}
		const t = "child"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO child (id, version, created_at, updated_at,
			la_id, first_name, last_name, dob, sex, ethnicity, upn, home_la,
			iro_allocated, care_plan_agreed, last_health_assessment, last_pep_review, plan_status)
			VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, tx.now, tx.now,
			tx.seal(t, "la_id", c.ID, c.LAID), tx.seal(t, "first_name", c.ID, c.FirstName),
			tx.seal(t, "last_name", c.ID, c.LastName), tx.seal(t, "dob", c.ID, c.DOB.String()),
			c.Sex, c.Ethnicity, tx.seal(t, "upn", c.ID, c.UPN), c.HomeLA,
			dateArg(c.IROAllocated), dateArg(c.CarePlanAgreed), dateArg(c.LastHealthAssessment),
			dateArg(c.LastPEPReview), tx.seal(t, "plan_status", c.ID, c.PlanStatus))
		if err != nil {
			return err
		}
		err = tx.appendOp(t, c.ID, "child.create", 0, childFields{
			LAID: c.LAID, FirstName: c.FirstName, LastName: c.LastName, DOB: c.DOB, Sex: c.Sex,
			Ethnicity: c.Ethnicity, UPN: c.UPN, HomeLA: c.HomeLA, IROAllocated: c.IROAllocated,
			CarePlanAgreed: c.CarePlanAgreed, LastHealthAssessment: c.LastHealthAssessment,
			LastPEPReview: c.LastPEPReview, PlanStatus: c.PlanStatus,
		})
		if err == nil {
			c.Version = 1
		}
		return err
	})
}

// AddChildren saves whole children: each child and its episodes, plans and
// reviews, one op per row, filling in ids and versions in place. It is for
// bulk loads (the demo caseload, an import) that arrive as complete records.
func AddChildren(tx *Tx, children []child.Child) error {
	for i := range children {
		c := &children[i]
		if err := tx.AddChild(c); err != nil {
			return err
		}
		for j := range c.Episodes {
			if err := tx.AddEpisode(c.ID, &c.Episodes[j]); err != nil {
				return err
			}
		}
		for j := range c.CPPlans {
			if err := tx.AddCPPlan(c.ID, &c.CPPlans[j]); err != nil {
				return err
			}
		}
		for j := range c.Reviews {
			if err := tx.AddReview(c.ID, &c.Reviews[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// AddEpisode saves a new episode for the child and queues episode.create.
func (tx *Tx) AddEpisode(childID string, e *child.Episode) error {
	return tx.write("add episode", true, func() error {
		if err := ensureID(&e.ID); err != nil {
			return err
		}
		const t = "episode"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO episode (id, child_id, version, created_at, updated_at,
			start_date, end_date, legal_status, placement, reason_new, reason_end,
			provider, postcode_district, distance_miles, out_of_area)
			VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, childID, tx.now, tx.now, dateArg(e.Start), dateArg(e.End),
			e.LegalStatus, e.Placement, e.ReasonNew, e.ReasonEnd,
			tx.seal(t, "provider", e.ID, e.Provider), tx.seal(t, "postcode_district", e.ID, e.PostcodeDistrict),
			e.DistanceMiles, e.OutOfArea)
		if err != nil {
			return missingChild(err, childID)
		}
		err = tx.appendOp(t, e.ID, "episode.create", 0, episodeFields{
			ChildID: childID, Start: e.Start, End: e.End, LegalStatus: e.LegalStatus, Placement: e.Placement,
			ReasonNew: e.ReasonNew, ReasonEnd: e.ReasonEnd, Provider: e.Provider,
			PostcodeDistrict: e.PostcodeDistrict, DistanceMiles: e.DistanceMiles, OutOfArea: e.OutOfArea,
		})
		if err == nil {
			e.Version = 1
		}
		return err
	})
}

// AddCPPlan saves a new child protection plan and queues cp_plan.create.
func (tx *Tx) AddCPPlan(childID string, p *child.CPPlan) error {
	return tx.write("add cp plan", true, func() error {
		if err := ensureID(&p.ID); err != nil {
			return err
		}
		const t = "cp_plan"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO cp_plan (id, child_id, version, created_at, updated_at,
			strategy_discussion, category, start_date, end_date) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)`,
			p.ID, childID, tx.now, tx.now, dateArg(p.StrategyDiscussion), p.Category, dateArg(p.Start), dateArg(p.End))
		if err != nil {
			return missingChild(err, childID)
		}
		err = tx.appendOp(t, p.ID, "cp_plan.create", 0, cpPlanFields{
			ChildID: childID, StrategyDiscussion: p.StrategyDiscussion, Category: p.Category, Start: p.Start, End: p.End,
		})
		if err == nil {
			p.Version = 1
		}
		return err
	})
}

// AddReview saves a new review and queues review.create.
func (tx *Tx) AddReview(childID string, r *child.Review) error {
	return tx.write("add review", true, func() error {
		if err := ensureID(&r.ID); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO review (id, child_id, version, created_at, updated_at,
			kind, sequence, due, scheduled, held, location, participation_code, state,
			decisions_circulated, record_circulated) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append([]any{r.ID, childID, tx.now, tx.now}, tx.reviewArgs(r)...)...)
		if err != nil {
			return missingChild(err, childID)
		}
		err = tx.appendOp("review", r.ID, "review.create", 0, fieldsOfReview(childID, r))
		if err == nil {
			r.Version = 1
		}
		return err
	})
}

// UpdateReview saves r over the stored review, which must still be at
// r.Version (else ErrConflict), bumps the version and queues review.update
// with only the fields that changed. Saving an unchanged review writes
// nothing, so autosave can call it freely.
func (tx *Tx) UpdateReview(childID string, r *child.Review) error {
	return tx.write("update review", true, func() error {
		var storedChildID string
		stored, err := scanReview(tx.tx.QueryRowContext(tx.ctx,
			"SELECT "+reviewColumns+" FROM review WHERE id = ? AND child_id = ?", r.ID, childID), tx.key, &storedChildID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: review %s of child %s", ErrNotFound, r.ID, childID)
		}
		if err != nil {
			return err
		}
		if stored.Version != r.Version {
			return fmt.Errorf("%w: review %s is at version %d, not %d", ErrConflict, r.ID, stored.Version, r.Version)
		}
		changed, err := changedFields(fieldsOfReview(childID, &stored), fieldsOfReview(childID, r))
		if err != nil || len(changed) == 0 {
			return err
		}
		_, err = tx.tx.ExecContext(tx.ctx, `UPDATE review SET version = version + 1, updated_at = ?,
			kind = ?, sequence = ?, due = ?, scheduled = ?, held = ?, location = ?, participation_code = ?, state = ?,
			decisions_circulated = ?, record_circulated = ? WHERE id = ?`,
			append(append([]any{tx.now}, tx.reviewArgs(r)...), r.ID)...)
		if err != nil {
			return err
		}
		if err := tx.appendOp("review", r.ID, "review.update", r.Version, changed); err != nil {
			return err
		}
		r.Version++
		return nil
	})
}

// reviewArgs are the values of the review's columns from kind onwards, in
// table order.
func (tx *Tx) reviewArgs(r *child.Review) []any {
	return []any{
		string(r.Kind), r.Sequence, dateArg(r.Due), dateArg(r.Scheduled), dateArg(r.Held),
		tx.seal("review", "location", r.ID, r.Location), r.ParticipationCode, r.State,
		dateArg(r.DecisionsCirculated), dateArg(r.RecordCirculated),
	}
}

// changedFields returns the JSON fields of after that differ from before;
// comparing the encoded form treats every field alike, dates included.
func changedFields(before, after any) (map[string]json.RawMessage, error) {
	b, err := jsonFields(before)
	if err != nil {
		return nil, err
	}
	a, err := jsonFields(after)
	if err != nil {
		return nil, err
	}
	for k, v := range a {
		if bytes.Equal(b[k], v) {
			delete(a, k)
		}
	}
	return a, nil
}

func jsonFields(v any) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(raw, &m)
}

func ensureID(id *string) error {
	if *id != "" {
		return nil
	}
	v, err := newID()
	*id = v
	return err
}

// missingChild turns the foreign-key failure of an insert into ErrNotFound,
// which says what is wrong in the IRO's terms.
func missingChild(err error, childID string) error {
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return fmt.Errorf("%w: child %s", ErrNotFound, childID)
	}
	return err
}
