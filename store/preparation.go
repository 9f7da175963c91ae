package store

import (
	"database/sql"
	"errors"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

// Preparing and conducting a review: consultations, documents received, the
// care-plan checklist and the attendance list.

type consultationFields struct {
	ReviewID  string           `json:"review_id"`
	Who       review.Consultee `json:"who"`
	Name      string           `json:"name"`
	How       review.Method    `json:"how"`
	On        calendar.Date    `json:"on_date"`
	SeenAlone bool             `json:"seen_alone"`
	Summary   string           `json:"summary"`
}

func fieldsOfConsultation(reviewID string, c *review.Consultation) consultationFields {
	return consultationFields{ReviewID: reviewID, Who: c.Who, Name: c.Name, How: c.How, On: c.On, SeenAlone: c.SeenAlone, Summary: c.Summary}
}

const consultationColumns = `id, review_id, version, who, name, how, on_date, seen_alone, summary`

func scanConsultation(s scanner, o *opener, reviewID *string) (review.Consultation, error) {
	var (
		c             review.Consultation
		name, summary []byte
	)
	if err := s.Scan(&c.ID, reviewID, &c.Version, &c.Who, &name, &c.How, civilDate{&c.On}, &c.SeenAlone, &summary); err != nil {
		return c, err
	}
	o.table, o.row = "consultation", c.ID
	c.Name = o.text("name", name)
	c.Summary = o.text("summary", summary)
	return c, o.err
}

// AddConsultation records a consultation before the review and queues
// consultation.create.
func (tx *Tx) AddConsultation(reviewID string, c *review.Consultation) error {
	return tx.write("add consultation", true, func() error {
		if err := ensureID(&c.ID); err != nil {
			return err
		}
		const t = "consultation"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO consultation (id, review_id, version, created_at, updated_at,
			who, name, how, on_date, seen_alone, summary) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, reviewID, tx.now, tx.now, string(c.Who), tx.seal(t, "name", c.ID, c.Name), string(c.How),
			dateArg(c.On), c.SeenAlone, tx.seal(t, "summary", c.ID, c.Summary))
		if err != nil {
			return missingParent(err, "review", reviewID)
		}
		if err := tx.appendOp(t, c.ID, "consultation.create", 0, fieldsOfConsultation(reviewID, c)); err != nil {
			return err
		}
		c.Version = 1
		return nil
	})
}

// UpdateConsultation saves c over the stored consultation, which must still
// be at c.Version (else ErrConflict), and queues consultation.update with the
// fields that changed; an unchanged consultation writes nothing.
func (tx *Tx) UpdateConsultation(c *review.Consultation) error {
	return tx.write("update consultation", true, func() error {
		var reviewID string
		o := opener{key: tx.key}
		stored, err := scanConsultation(tx.tx.QueryRowContext(tx.ctx,
			"SELECT "+consultationColumns+" FROM consultation WHERE id = ?", c.ID), &o, &reviewID)
		if err != nil {
			return notFound(err, "consultation", c.ID)
		}
		const t = "consultation"
		ok, err := tx.updateRow(t, c.ID, stored.Version, c.Version,
			fieldsOfConsultation(reviewID, &stored), fieldsOfConsultation(reviewID, c),
			"who = ?, name = ?, how = ?, on_date = ?, seen_alone = ?, summary = ?",
			string(c.Who), tx.seal(t, "name", c.ID, c.Name), string(c.How), dateArg(c.On), c.SeenAlone,
			tx.seal(t, "summary", c.ID, c.Summary))
		if ok {
			c.Version++
		}
		return err
	})
}

type documentFields struct {
	ReviewID string              `json:"review_id"`
	Kind     review.DocumentKind `json:"kind"`
	Received calendar.Date       `json:"received"`
}

// SaveDocument records when a report arrived. There is one row per review
// and kind: the first save creates it (document.create), later ones update
// its received date (document.update) and set d.ID to the stored row's id.
// d.Version 0 saves blindly; any other version must match the stored row's
// (else ErrConflict).
func (tx *Tx) SaveDocument(reviewID string, d *review.Document) error {
	return tx.write("save document", true, func() error {
		if d.Kind == "" {
			return errors.New("the document has no kind")
		}
		const t = "document"
		var (
			id       string
			version  int
			received calendar.Date
		)
		err := tx.tx.QueryRowContext(tx.ctx, "SELECT id, version, received FROM document WHERE review_id = ? AND kind = ?",
			reviewID, string(d.Kind)).Scan(&id, &version, civilDate{&received})
		if errors.Is(err, sql.ErrNoRows) {
			if err := ensureID(&d.ID); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO document (id, review_id, version, created_at, updated_at,
				kind, received) VALUES (?, ?, 1, ?, ?, ?, ?)`, d.ID, reviewID, tx.now, tx.now, string(d.Kind), dateArg(d.Received))
			if err != nil {
				return missingParent(err, "review", reviewID)
			}
			if err := tx.appendOp(t, d.ID, "document.create", 0, documentFields{reviewID, d.Kind, d.Received}); err != nil {
				return err
			}
			d.Version = 1
			return nil
		}
		if err != nil {
			return err
		}
		have := d.Version
		if have == 0 {
			have = version
		}
		ok, err := tx.updateRow(t, id, version, have, documentFields{reviewID, d.Kind, received},
			documentFields{reviewID, d.Kind, d.Received}, "received = ?", dateArg(d.Received))
		if err != nil {
			return err
		}
		d.ID, d.Version = id, version
		if ok {
			d.Version++
		}
		return nil
	})
}

type checklistFields struct {
	ReviewID string       `json:"review_id"`
	Topic    review.Topic `json:"topic"`
	Check    review.Check `json:"check_value"`
	Note     string       `json:"note"`
}

const checklistColumns = `id, review_id, version, topic, check_value, note`

func scanChecklistItem(s scanner, o *opener, reviewID *string) (review.ChecklistItem, error) {
	var (
		it   review.ChecklistItem
		note []byte
	)
	if err := s.Scan(&it.ID, reviewID, &it.Version, &it.Topic, &it.Check, &note); err != nil {
		return it, err
	}
	o.table, o.row = "checklist_item", it.ID
	it.Note = o.text("note", note)
	return it, o.err
}

// SaveChecklistItem records the IRO's view of one care-plan topic. There is
// one row per review and topic, created by the first save
// (checklist_item.create) and updated by later ones (checklist_item.update),
// with it.ID set to the stored row's id. it.Version 0 saves blindly; any
// other version must match the stored row's (else ErrConflict).
func (tx *Tx) SaveChecklistItem(reviewID string, it *review.ChecklistItem) error {
	return tx.write("save checklist item", true, func() error {
		if it.Topic == "" {
			return errors.New("the checklist item has no topic")
		}
		const t = "checklist_item"
		o := opener{key: tx.key}
		var storedReview string
		stored, err := scanChecklistItem(tx.tx.QueryRowContext(tx.ctx,
			"SELECT "+checklistColumns+" FROM checklist_item WHERE review_id = ? AND topic = ?", reviewID, string(it.Topic)),
			&o, &storedReview)
		if errors.Is(err, sql.ErrNoRows) {
			if err := ensureID(&it.ID); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO checklist_item (id, review_id, version, created_at, updated_at,
				topic, check_value, note) VALUES (?, ?, 1, ?, ?, ?, ?, ?)`,
				it.ID, reviewID, tx.now, tx.now, string(it.Topic), string(it.Check), tx.seal(t, "note", it.ID, it.Note))
			if err != nil {
				return missingParent(err, "review", reviewID)
			}
			if err := tx.appendOp(t, it.ID, "checklist_item.create", 0, checklistFields{reviewID, it.Topic, it.Check, it.Note}); err != nil {
				return err
			}
			it.Version = 1
			return nil
		}
		if err != nil {
			return err
		}
		have := it.Version
		if have == 0 {
			have = stored.Version
		}
		ok, err := tx.updateRow(t, stored.ID, stored.Version, have,
			checklistFields{reviewID, stored.Topic, stored.Check, stored.Note}, checklistFields{reviewID, it.Topic, it.Check, it.Note},
			"check_value = ?, note = ?", string(it.Check), tx.seal(t, "note", stored.ID, it.Note))
		if err != nil {
			return err
		}
		it.ID, it.Version = stored.ID, stored.Version
		if ok {
			it.Version++
		}
		return nil
	})
}

type attendeeFields struct {
	ReviewID   string            `json:"review_id"`
	Name       string            `json:"name"`
	Role       string            `json:"role"`
	Attendance review.Attendance `json:"attendance"`
}

func fieldsOfAttendee(reviewID string, a *review.Attendee) attendeeFields {
	return attendeeFields{ReviewID: reviewID, Name: a.Name, Role: a.Role, Attendance: a.Attendance}
}

const attendeeColumns = `id, review_id, version, name, role, attendance`

func scanAttendee(s scanner, o *opener, reviewID *string) (review.Attendee, error) {
	var (
		a    review.Attendee
		name []byte
	)
	if err := s.Scan(&a.ID, reviewID, &a.Version, &name, &a.Role, &a.Attendance); err != nil {
		return a, err
	}
	o.table, o.row = "attendee", a.ID
	a.Name = o.text("name", name)
	return a, o.err
}

// AddAttendee adds someone to the meeting's attendance list
// (attendee.create).
func (tx *Tx) AddAttendee(reviewID string, a *review.Attendee) error {
	return tx.write("add attendee", true, func() error {
		if err := ensureID(&a.ID); err != nil {
			return err
		}
		const t = "attendee"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO attendee (id, review_id, version, created_at, updated_at,
			name, role, attendance) VALUES (?, ?, 1, ?, ?, ?, ?, ?)`,
			a.ID, reviewID, tx.now, tx.now, tx.seal(t, "name", a.ID, a.Name), a.Role, string(a.Attendance))
		if err != nil {
			return missingParent(err, "review", reviewID)
		}
		if err := tx.appendOp(t, a.ID, "attendee.create", 0, fieldsOfAttendee(reviewID, a)); err != nil {
			return err
		}
		a.Version = 1
		return nil
	})
}

// UpdateAttendee saves a over the stored attendee, which must still be at
// a.Version (else ErrConflict), and queues attendee.update with the fields
// that changed; an unchanged attendee writes nothing.
func (tx *Tx) UpdateAttendee(a *review.Attendee) error {
	return tx.write("update attendee", true, func() error {
		var reviewID string
		o := opener{key: tx.key}
		stored, err := scanAttendee(tx.tx.QueryRowContext(tx.ctx, "SELECT "+attendeeColumns+" FROM attendee WHERE id = ?", a.ID), &o, &reviewID)
		if err != nil {
			return notFound(err, "attendee", a.ID)
		}
		const t = "attendee"
		ok, err := tx.updateRow(t, a.ID, stored.Version, a.Version, fieldsOfAttendee(reviewID, &stored), fieldsOfAttendee(reviewID, a),
			"name = ?, role = ?, attendance = ?", tx.seal(t, "name", a.ID, a.Name), a.Role, string(a.Attendance))
		if ok {
			a.Version++
		}
		return err
	})
}

// DeleteAttendee takes someone off the attendance list (attendee.delete).
func (tx *Tx) DeleteAttendee(id string) error {
	return tx.write("delete attendee", true, func() error { return tx.deleteRow("attendee", id) })
}
