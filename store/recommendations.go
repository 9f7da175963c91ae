package store

import (
	"fmt"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

// Following a review up: its recommendations, their append-only progress,
// and monitoring between reviews.

type recommendationFields struct {
	ChildID   string           `json:"child_id"`
	ReviewID  string           `json:"review_id"`
	Text      string           `json:"text"`
	OwnerRole string           `json:"owner_role"`
	OwnerName string           `json:"owner_name"`
	Due       calendar.Date    `json:"due"`
	Status    review.RecStatus `json:"status"`
}

func fieldsOfRecommendation(childID string, r *review.Recommendation) recommendationFields {
	return recommendationFields{ChildID: childID, ReviewID: r.ReviewID, Text: r.Text, OwnerRole: r.OwnerRole,
		OwnerName: r.OwnerName, Due: r.Due, Status: r.Status}
}

const recommendationColumns = `id, child_id, review_id, version, text, owner_role, owner_name, due, status`

func scanRecommendation(s scanner, o *opener, childID *string) (review.Recommendation, error) {
	var (
		r               review.Recommendation
		text, ownerName []byte
	)
	if err := s.Scan(&r.ID, childID, &r.ReviewID, &r.Version, &text, &r.OwnerRole, &ownerName, civilDate{&r.Due}, &r.Status); err != nil {
		return r, err
	}
	o.table, o.row = "recommendation", r.ID
	r.Text = o.text("text", text)
	r.OwnerName = o.text("owner_name", ownerName)
	return r, o.err
}

// AddRecommendation saves a decision of the review r.ReviewID, which must be
// one of the child's reviews, and queues recommendation.create. Its status
// starts as r.Status, or open if that is empty; r.Progress is not saved
// (use AddProgress).
func (tx *Tx) AddRecommendation(childID string, r *review.Recommendation) error {
	return tx.write("add recommendation", true, func() error {
		if r.ReviewID == "" {
			return fmt.Errorf("%w: the recommendation names no review", ErrNotFound)
		}
		if err := ensureID(&r.ID); err != nil {
			return err
		}
		if r.Status == "" {
			r.Status = review.RecOpen
		}
		const t = "recommendation"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO recommendation (id, child_id, review_id, version, created_at, updated_at,
			text, owner_role, owner_name, due, status) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, childID, r.ReviewID, tx.now, tx.now, tx.seal(t, "text", r.ID, r.Text), r.OwnerRole,
			tx.seal(t, "owner_name", r.ID, r.OwnerName), dateArg(r.Due), string(r.Status))
		if err != nil {
			return missingParent(err, "review "+r.ReviewID+" of child", childID)
		}
		if err := tx.appendOp(t, r.ID, "recommendation.create", 0, fieldsOfRecommendation(childID, r)); err != nil {
			return err
		}
		r.Version = 1
		return nil
	})
}

// UpdateRecommendation saves r's text, owner and due date if the stored
// recommendation is still at r.Version (else ErrConflict), and queues
// recommendation.update with the fields that changed. Its status and review
// are not changed here: the status follows AddProgress.
func (tx *Tx) UpdateRecommendation(r *review.Recommendation) error {
	return tx.write("update recommendation", true, func() error {
		var childID string
		o := opener{key: tx.key}
		stored, err := scanRecommendation(tx.tx.QueryRowContext(tx.ctx,
			"SELECT "+recommendationColumns+" FROM recommendation WHERE id = ?", r.ID), &o, &childID)
		if err != nil {
			return notFound(err, "recommendation", r.ID)
		}
		before := fieldsOfRecommendation(childID, &stored)
		after := before
		after.Text, after.OwnerRole, after.OwnerName, after.Due = r.Text, r.OwnerRole, r.OwnerName, r.Due
		const t = "recommendation"
		ok, err := tx.updateRow(t, r.ID, stored.Version, r.Version, before, after,
			"text = ?, owner_role = ?, owner_name = ?, due = ?",
			tx.seal(t, "text", r.ID, r.Text), r.OwnerRole, tx.seal(t, "owner_name", r.ID, r.OwnerName), dateArg(r.Due))
		if ok {
			r.Version++
		}
		return err
	})
}

type progressFields struct {
	RecommendationID string           `json:"recommendation_id"`
	On               calendar.Date    `json:"on_date"`
	Text             string           `json:"text"`
	Chased           string           `json:"chased"`
	Status           review.RecStatus `json:"status"`
	CreatedAt        string           `json:"created_at"`
}

const progressColumns = `id, recommendation_id, created_at, on_date, text, chased, status`

func scanProgress(s scanner, o *opener, recommendationID *string) (review.Progress, error) {
	var (
		p            review.Progress
		created      string
		text, chased []byte
	)
	if err := s.Scan(&p.ID, recommendationID, &created, civilDate{&p.On}, &text, &chased, &p.Status); err != nil {
		return p, err
	}
	var err error
	if p.Created, err = parseTimestamp(created); err != nil {
		return p, fmt.Errorf("progress.created_at of %s: %w", p.ID, err)
	}
	o.table, o.row = "progress", p.ID
	p.Text = o.text("text", text)
	p.Chased = o.text("chased", chased)
	return p, o.err
}

// AddProgress appends an entry to a recommendation's history, setting
// p.Created to the transaction's time. An entry with a Status also sets the
// recommendation's status, so the status is always that of the latest
// status-setting entry. Both travel in one progress.append op: the history
// is an append-only stream (a trigger refuses UPDATEs of progress rows), so
// appends never conflict and the status change does not move the
// recommendation's version.
func (tx *Tx) AddProgress(recommendationID string, p *review.Progress) error {
	return tx.write("add progress", true, func() error {
		if err := ensureID(&p.ID); err != nil {
			return err
		}
		const t = "progress"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO progress (id, recommendation_id, created_at, on_date, text, chased, status)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, recommendationID, tx.now, dateArg(p.On),
			tx.seal(t, "text", p.ID, p.Text), tx.seal(t, "chased", p.ID, p.Chased), string(p.Status))
		if err != nil {
			return missingParent(err, "recommendation", recommendationID)
		}
		if p.Status != "" {
			if _, err := tx.tx.ExecContext(tx.ctx, "UPDATE recommendation SET status = ?, updated_at = ? WHERE id = ?",
				string(p.Status), tx.now, recommendationID); err != nil {
				return err
			}
		}
		err = tx.appendOp(t, p.ID, "progress.append", 0, progressFields{
			RecommendationID: recommendationID, On: p.On, Text: p.Text, Chased: p.Chased, Status: p.Status, CreatedAt: tx.now,
		})
		if err != nil {
			return err
		}
		p.Created, err = parseTimestamp(tx.now)
		return err
	})
}

type monitoringFields struct {
	ChildID string        `json:"child_id"`
	On      calendar.Date `json:"on_date"`
	Contact string        `json:"contact"`
	Checked string        `json:"checked"`
	Outcome string        `json:"outcome"`
}

const monitoringColumns = `id, child_id, version, on_date, contact, checked, outcome`

func scanMonitoring(s scanner, o *opener, childID *string) (review.Monitoring, error) {
	var (
		m                         review.Monitoring
		contact, checked, outcome []byte
	)
	if err := s.Scan(&m.ID, childID, &m.Version, civilDate{&m.On}, &contact, &checked, &outcome); err != nil {
		return m, err
	}
	o.table, o.row = "monitoring", m.ID
	m.Contact = o.text("contact", contact)
	m.Checked = o.text("checked", checked)
	m.Outcome = o.text("outcome", outcome)
	return m, o.err
}

// AddMonitoring records a midway check on the child and queues
// monitoring.create.
func (tx *Tx) AddMonitoring(childID string, m *review.Monitoring) error {
	return tx.write("add monitoring", true, func() error {
		if err := ensureID(&m.ID); err != nil {
			return err
		}
		const t = "monitoring"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO monitoring (id, child_id, version, created_at, updated_at,
			on_date, contact, checked, outcome) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)`,
			m.ID, childID, tx.now, tx.now, dateArg(m.On), tx.seal(t, "contact", m.ID, m.Contact),
			tx.seal(t, "checked", m.ID, m.Checked), tx.seal(t, "outcome", m.ID, m.Outcome))
		if err != nil {
			return missingParent(err, "child", childID)
		}
		if err := tx.appendOp(t, m.ID, "monitoring.create", 0, monitoringFields{
			ChildID: childID, On: m.On, Contact: m.Contact, Checked: m.Checked, Outcome: m.Outcome,
		}); err != nil {
			return err
		}
		m.Version = 1
		return nil
	})
}
