package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

// MeetingRequest says which meeting to start or resume: the child's review
// of this kind and sequence, due on Due, with Agenda as its sections if it
// has none yet.
type MeetingRequest struct {
	ChildID  string
	Kind     child.Kind
	Sequence int
	Due      calendar.Date
	Agenda   []string
	At       time.Time
}

// OpenMeeting starts the meeting for a review, or resumes it: it finds the
// review (creating it when the IRO never prepared it), moves it into the
// meeting, records when the meeting was first opened and gives it an agenda.
// It all happens in one transaction, so a half-opened meeting never exists.
func (db *DB) OpenMeeting(ctx context.Context, req MeetingRequest) (child.Review, review.Meeting, error) {
	return db.openReview(ctx, req, review.InMeeting, "opened as a meeting")
}

// OpenPreparation finds or creates the review the IRO is preparing and moves
// a planned one to preparing; a review already in or past its meeting is
// shown as it is. It gives the review an agenda if it has none.
func (db *DB) OpenPreparation(ctx context.Context, req MeetingRequest) (child.Review, review.Meeting, error) {
	return db.openReview(ctx, req, review.Preparing, "prepared")
}

func (db *DB) openReview(ctx context.Context, req MeetingRequest, want review.State, doing string) (child.Review, review.Meeting, error) {
	var r child.Review
	err := db.Update(ctx, func(tx *Tx) error {
		found, err := tx.findReview(req.ChildID, req.Kind, req.Sequence)
		switch {
		case errors.Is(err, ErrNotFound):
			r = child.Review{Kind: req.Kind, Sequence: req.Sequence, Due: req.Due, State: string(want)}
			if err := tx.AddReview(req.ChildID, &r); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			r = found
			if err := tx.moveOn(req.ChildID, &r, want, doing); err != nil {
				return err
			}
		}
		if want == review.InMeeting {
			if err := tx.StartMeeting(r.ID, req.At); err != nil {
				return err
			}
		}
		n, err := tx.countSections(r.ID)
		if err != nil || n > 0 {
			return err
		}
		for i, title := range req.Agenda {
			if err := tx.AddSection(r.ID, &review.Section{Position: i, Title: title}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return child.Review{}, review.Meeting{}, err
	}
	m, err := db.Meeting(ctx, r.ID)
	return r, m, err
}

func reviewName(r child.Review) string { return fmt.Sprintf("review %d (%s)", r.Sequence, r.State) }

// moveOn takes a review to the wanted state when it is behind it. Opening a
// meeting must succeed or say why; preparing a review that is already in its
// meeting leaves it there.
func (tx *Tx) moveOn(childID string, r *child.Review, want review.State, doing string) error {
	state := review.State(r.State)
	if state == want || (want == review.Preparing && state == review.InMeeting) {
		return nil
	}
	if err := review.Transition(state, want); err != nil {
		return fmt.Errorf("%s cannot be %s: %w", reviewName(*r), doing, err)
	}
	r.State = string(want)
	return tx.UpdateReview(childID, r)
}

// findReview is the child's review of a kind and sequence.
func (tx *Tx) findReview(childID string, kind child.Kind, sequence int) (child.Review, error) {
	var owner string
	row := tx.tx.QueryRowContext(tx.ctx, "SELECT "+reviewColumns+" FROM review WHERE child_id = ? AND kind = ? AND sequence = ? ORDER BY created_at DESC LIMIT 1",
		childID, string(kind), sequence)
	r, err := scanReview(row, tx.key, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return child.Review{}, ErrNotFound
	}
	return r, err
}

func (tx *Tx) countSections(reviewID string) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM section WHERE review_id = ?", reviewID).Scan(&n)
	return n, err
}

// The meeting screen's writes, each one committed transaction.

// SaveNotes commits a section's notes (the autosave path).
func (db *DB) SaveNotes(ctx context.Context, sectionID, text string) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.SaveNotes(sectionID, text) })
}

// AddRecommendation commits a new recommendation.
func (db *DB) AddRecommendation(ctx context.Context, childID string, r *review.Recommendation) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddRecommendation(childID, r) })
}

// AddAttendee commits a person on the attendance list.
func (db *DB) AddAttendee(ctx context.Context, reviewID string, a *review.Attendee) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddAttendee(reviewID, a) })
}

// SaveReview commits changes to a review row.
func (db *DB) SaveReview(ctx context.Context, childID string, r *child.Review) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.UpdateReview(childID, r) })
}

// EndMeeting records the review as held at the given moment, in one
// transaction with the review's new state, date and participation code.
func (db *DB) EndMeeting(ctx context.Context, childID string, r *child.Review, at time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		if err := review.CanHold(r.ParticipationCode); err != nil {
			return err
		}
		var owner string
		stored, err := scanReview(tx.tx.QueryRowContext(tx.ctx, "SELECT "+reviewColumns+" FROM review WHERE id = ?", r.ID), tx.key, &owner)
		if err != nil {
			return notFound(err, "review", r.ID)
		}
		if err := review.Transition(review.State(stored.State), review.Held); err != nil {
			return err
		}
		r.State = string(review.Held)
		if err := tx.UpdateReview(childID, r); err != nil {
			return err
		}
		return tx.MarkHeld(r.ID, at)
	})
}

// The preparation and follow-up screens' writes, each one committed
// transaction.

// AddConsultation commits a consultation.
func (db *DB) AddConsultation(ctx context.Context, reviewID string, c *review.Consultation) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddConsultation(reviewID, c) })
}

// SaveWishes commits the child's wishes and feelings (autosaved).
func (db *DB) SaveWishes(ctx context.Context, reviewID, text string) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.SaveWishes(reviewID, text) })
}

// SaveLetter commits the letter to the child (autosaved).
func (db *DB) SaveLetter(ctx context.Context, reviewID, text string) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.SaveLetter(reviewID, text) })
}

// SaveDocument commits when a report or plan arrived.
func (db *DB) SaveDocument(ctx context.Context, reviewID string, d *review.Document) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.SaveDocument(reviewID, d) })
}

// SaveChecklistItem commits one care-plan checklist answer.
func (db *DB) SaveChecklistItem(ctx context.Context, reviewID string, it *review.ChecklistItem) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.SaveChecklistItem(reviewID, it) })
}

// AddProgress commits a progress entry on a recommendation.
func (db *DB) AddProgress(ctx context.Context, recommendationID string, p *review.Progress) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddProgress(recommendationID, p) })
}

// AddSection commits a new agenda section.
func (db *DB) AddSection(ctx context.Context, reviewID string, s *review.Section) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddSection(reviewID, s) })
}

// UpdateSection commits a renamed or moved agenda section.
func (db *DB) UpdateSection(ctx context.Context, s *review.Section) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.UpdateSection(s) })
}

// DeleteSection commits the removal of an agenda section.
func (db *DB) DeleteSection(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.DeleteSection(id) })
}

// AddMonitoring commits a midway monitoring entry.
func (db *DB) AddMonitoring(ctx context.Context, childID string, m *review.Monitoring) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AddMonitoring(childID, m) })
}
