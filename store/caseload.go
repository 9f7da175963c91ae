package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/vault"
)

// Caseload returns every child with their episodes, plans and reviews, in the
// order the children were added (UUIDv7 ids sort by creation). It runs one
// query per table whatever the number of children.
func (db *DB) Caseload(ctx context.Context) ([]child.Child, error) {
	return db.children(ctx, "")
}

// Child returns one child with their episodes, plans and reviews.
func (db *DB) Child(ctx context.Context, id string) (child.Child, error) {
	cs, err := db.children(ctx, id)
	if err != nil {
		return child.Child{}, err
	}
	if len(cs) == 0 {
		return child.Child{}, fmt.Errorf("%w: child %s", ErrNotFound, id)
	}
	return cs[0], nil
}

// children loads the child with id, or every child if id is empty.
func (db *DB) children(ctx context.Context, id string) ([]child.Child, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.key == nil {
		return nil, ErrLocked
	}
	// One read transaction, so that the four queries see the same snapshot
	// and no episode can arrive without its child.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	where := func(column string) string {
		if id == "" {
			return ""
		}
		return " WHERE " + column + " = ?"
	}
	var args []any
	if id != "" {
		args = []any{id}
	}

	var out []child.Child
	at := map[string]int{} // child id → index in out
	err = each(ctx, tx, "SELECT "+childColumns+" FROM child"+where("id"), args, func(rows *sql.Rows) error {
		c, err := scanChild(rows, db.key)
		at[c.ID] = len(out)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	// No ORDER BY: sorting 45,000 rows in SQLite cost more than sorting
	// each child's few rows in Go (sortChild).
	err = each(ctx, tx, "SELECT "+episodeColumns+" FROM episode"+where("child_id"), args, func(rows *sql.Rows) error {
		var childID string
		e, err := scanEpisode(rows, db.key, &childID)
		if i, ok := at[childID]; ok {
			out[i].Episodes = append(out[i].Episodes, e)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, "SELECT "+cpPlanColumns+" FROM cp_plan"+where("child_id"), args, func(rows *sql.Rows) error {
		var childID string
		p, err := scanCPPlan(rows, &childID)
		if i, ok := at[childID]; ok {
			out[i].CPPlans = append(out[i].CPPlans, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, "SELECT "+reviewColumns+" FROM review"+where("child_id"), args, func(rows *sql.Rows) error {
		var childID string
		r, err := scanReview(rows, db.key, &childID)
		if i, ok := at[childID]; ok {
			out[i].Reviews = append(out[i].Reviews, r)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b child.Child) int { return strings.Compare(a.ID, b.ID) })
	for i := range out {
		sortChild(&out[i])
	}
	return out, nil
}

// sortChild puts a child's rows in the order child.go documents. Ties fall
// back to the id, which for UUIDv7 is the order the rows were made.
func sortChild(c *child.Child) {
	slices.SortFunc(c.Episodes, func(a, b child.Episode) int {
		return cmp.Or(compareUndatedLast(a.Start, b.Start), strings.Compare(a.ID, b.ID))
	})
	// A plan whose initial conference has not been held is the newest.
	slices.SortFunc(c.CPPlans, func(a, b child.CPPlan) int {
		return cmp.Or(compareUndatedLast(a.Start, b.Start), a.StrategyDiscussion.Compare(b.StrategyDiscussion), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(c.Reviews, func(a, b child.Review) int {
		return cmp.Or(cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Sequence, b.Sequence), strings.Compare(a.ID, b.ID))
	})
}

func compareUndatedLast(a, b calendar.Date) int {
	switch {
	case a.IsZero() == b.IsZero():
		return a.Compare(b)
	case a.IsZero():
		return 1
	}
	return -1
}

// kindOrder is the order the kinds are declared in child.go.
func kindOrder(k child.Kind) int {
	switch k {
	case child.LAC:
		return 0
	case child.CP:
		return 1
	}
	return 2
}

func each(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	return eachRow(rows, err, fn)
}

// eachRow calls fn for every row of a query's result (rows, err), closing
// the rows and wrapping every error alike.
func eachRow(rows *sql.Rows, err error, fn func(*sql.Rows) error) error {
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// opener opens one row's sealed columns, keeping the first failure so a scan
// can open them all and check once.
type opener struct {
	key        *vault.Key
	table, row string
	err        error
}

func (o *opener) text(column string, sealed []byte) string {
	if o.err != nil {
		return ""
	}
	b, err := o.key.Open(vault.AAD{Table: o.table, Column: column, RowID: o.row}, sealed)
	if err != nil {
		o.err = fmt.Errorf("%s.%s of %s: %w", o.table, column, o.row, err)
	}
	return string(b)
}

const childColumns = `id, version, la_id, first_name, last_name, dob, sex, ethnicity, upn, home_la,
	iro_allocated, care_plan_agreed, last_health_assessment, last_pep_review, plan_status`

func scanChild(s scanner, key *vault.Key) (child.Child, error) {
	var (
		c                                  child.Child
		laID, first, last, dob, upn, plans []byte
	)
	err := s.Scan(&c.ID, &c.Version, &laID, &first, &last, &dob, &c.Sex, &c.Ethnicity, &upn, &c.HomeLA,
		civilDate{&c.IROAllocated}, civilDate{&c.CarePlanAgreed}, civilDate{&c.LastHealthAssessment},
		civilDate{&c.LastPEPReview}, &plans)
	if err != nil {
		return c, err
	}
	o := opener{key: key, table: "child", row: c.ID}
	c.LAID = o.text("la_id", laID)
	c.FirstName = o.text("first_name", first)
	c.LastName = o.text("last_name", last)
	c.UPN = o.text("upn", upn)
	c.PlanStatus = o.text("plan_status", plans)
	if err := (civilDate{&c.DOB}).Scan(o.text("dob", dob)); err != nil && o.err == nil {
		o.err = fmt.Errorf("child.dob of %s: %w", c.ID, err)
	}
	return c, o.err
}

const episodeColumns = `id, child_id, version, start_date, end_date, legal_status, placement,
	reason_new, reason_end, provider, postcode_district, distance_miles, out_of_area`

func scanEpisode(s scanner, key *vault.Key, childID *string) (child.Episode, error) {
	var (
		e                  child.Episode
		provider, postcode []byte
	)
	err := s.Scan(&e.ID, childID, &e.Version, civilDate{&e.Start}, civilDate{&e.End}, &e.LegalStatus, &e.Placement,
		&e.ReasonNew, &e.ReasonEnd, &provider, &postcode, &e.DistanceMiles, &e.OutOfArea)
	if err != nil {
		return e, err
	}
	o := opener{key: key, table: "episode", row: e.ID}
	e.Provider = o.text("provider", provider)
	e.PostcodeDistrict = o.text("postcode_district", postcode)
	return e, o.err
}

const cpPlanColumns = `id, child_id, version, strategy_discussion, category, start_date, end_date`

func scanCPPlan(s scanner, childID *string) (child.CPPlan, error) {
	var p child.CPPlan
	err := s.Scan(&p.ID, childID, &p.Version, civilDate{&p.StrategyDiscussion}, &p.Category,
		civilDate{&p.Start}, civilDate{&p.End})
	return p, err
}

const reviewColumns = `id, child_id, version, kind, sequence, due, scheduled, held, location,
	participation_code, state, decisions_circulated, record_circulated`

func scanReview(s scanner, key *vault.Key, childID *string) (child.Review, error) {
	var (
		r        child.Review
		location []byte
	)
	err := s.Scan(&r.ID, childID, &r.Version, &r.Kind, &r.Sequence, civilDate{&r.Due}, civilDate{&r.Scheduled},
		civilDate{&r.Held}, &location, &r.ParticipationCode, &r.State,
		civilDate{&r.DecisionsCirculated}, civilDate{&r.RecordCirculated})
	if err != nil {
		return r, err
	}
	o := opener{key: key, table: "review", row: r.ID}
	r.Location = o.text("location", location)
	return r, o.err
}
