package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// Readers of the review cycle. Each runs in one read transaction, so that
// its queries see one snapshot, and needs the key (ErrLocked otherwise).

func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx, key *vault.Key) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.key == nil {
		return ErrLocked
	}
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx, db.key)
}

// exists returns ErrNotFound unless table has a row with id.
func exists(ctx context.Context, tx *sql.Tx, table, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE id = ?", id).Scan(&n); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %s", ErrNotFound, table, id)
	}
	return nil
}

// Review returns one review and the id of its child.
func (db *DB) Review(ctx context.Context, reviewID string) (childID string, r child.Review, err error) {
	err = db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		r, err = scanReview(tx.QueryRowContext(ctx, "SELECT "+reviewColumns+" FROM review WHERE id = ?", reviewID), key, &childID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: review %s", ErrNotFound, reviewID)
		}
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return nil
	})
	return childID, r, err
}

// Meeting returns everything recorded for the review beyond its own row:
// the meeting's times, wishes and letter (zero if the meeting has not been
// started), consultations by date (undated last), documents, checklist items
// and attendees in the order they were added, sections by position, and the
// recommendations made at this review, oldest first, with their progress.
func (db *DB) Meeting(ctx context.Context, reviewID string) (review.Meeting, error) {
	m := review.Meeting{ReviewID: reviewID}
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		if err := exists(ctx, tx, "review", reviewID); err != nil {
			return err
		}
		var (
			version int
			o       = opener{key: key}
		)
		got, err := scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingColumns+" FROM meeting WHERE review_id = ?", reviewID), &o, &version)
		switch {
		case err == nil:
			m = got
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: %w", err)
		}
		args := []any{reviewID}
		var parent string
		err = each(ctx, tx, "SELECT "+consultationColumns+" FROM consultation WHERE review_id = ? ORDER BY on_date IS NULL, on_date, id",
			args, func(rows *sql.Rows) error {
				c, err := scanConsultation(rows, &opener{key: key}, &parent)
				m.Consultations = append(m.Consultations, c)
				return err
			})
		if err != nil {
			return err
		}
		err = each(ctx, tx, "SELECT id, version, kind, received FROM document WHERE review_id = ? ORDER BY id",
			args, func(rows *sql.Rows) error {
				var d review.Document
				err := rows.Scan(&d.ID, &d.Version, &d.Kind, civilDate{&d.Received})
				m.Documents = append(m.Documents, d)
				return err
			})
		if err != nil {
			return err
		}
		err = each(ctx, tx, "SELECT "+checklistColumns+" FROM checklist_item WHERE review_id = ? ORDER BY id",
			args, func(rows *sql.Rows) error {
				it, err := scanChecklistItem(rows, &opener{key: key}, &parent)
				m.Checklist = append(m.Checklist, it)
				return err
			})
		if err != nil {
			return err
		}
		err = each(ctx, tx, "SELECT "+attendeeColumns+" FROM attendee WHERE review_id = ? ORDER BY id",
			args, func(rows *sql.Rows) error {
				a, err := scanAttendee(rows, &opener{key: key}, &parent)
				m.Attendees = append(m.Attendees, a)
				return err
			})
		if err != nil {
			return err
		}
		err = each(ctx, tx, "SELECT "+sectionColumns+" FROM section WHERE review_id = ? ORDER BY position, id",
			args, func(rows *sql.Rows) error {
				s, err := scanSection(rows, &opener{key: key}, &parent)
				m.Sections = append(m.Sections, s)
				return err
			})
		if err != nil {
			return err
		}
		m.Recommendations, err = recommendations(ctx, tx, key, "review_id", reviewID)
		return err
	})
	if err != nil {
		return review.Meeting{}, err
	}
	return m, nil
}

// Recommendations returns all of the child's recommendations, from every
// review, oldest first, each with its progress.
func (db *DB) Recommendations(ctx context.Context, childID string) ([]review.Recommendation, error) {
	var rs []review.Recommendation
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		if err := exists(ctx, tx, "child", childID); err != nil {
			return err
		}
		var err error
		rs, err = recommendations(ctx, tx, key, "child_id", childID)
		return err
	})
	return rs, err
}

// recommendations loads the recommendations whose column (review_id or
// child_id) is id, oldest first, and their progress, oldest first. Two
// queries, whatever the number of recommendations.
func recommendations(ctx context.Context, tx *sql.Tx, key *vault.Key, column, id string) ([]review.Recommendation, error) {
	var (
		out    []review.Recommendation
		at     = map[string]int{}
		parent string
	)
	err := each(ctx, tx, "SELECT "+recommendationColumns+" FROM recommendation WHERE "+column+" = ? ORDER BY created_at, id",
		[]any{id}, func(rows *sql.Rows) error {
			r, err := scanRecommendation(rows, &opener{key: key}, &parent)
			at[r.ID] = len(out)
			out = append(out, r)
			return err
		})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	err = each(ctx, tx, "SELECT "+progressColumns+` FROM progress
		WHERE recommendation_id IN (SELECT id FROM recommendation WHERE `+column+` = ?) ORDER BY created_at, id`,
		[]any{id}, func(rows *sql.Rows) error {
			var recID string
			p, err := scanProgress(rows, &opener{key: key}, &recID)
			if i, ok := at[recID]; ok {
				out[i].Progress = append(out[i].Progress, p)
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MonitoringEntries returns the child's monitoring checks by date, undated
// last.
func (db *DB) MonitoringEntries(ctx context.Context, childID string) ([]review.Monitoring, error) {
	var ms []review.Monitoring
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		if err := exists(ctx, tx, "child", childID); err != nil {
			return err
		}
		var parent string
		return each(ctx, tx, "SELECT "+monitoringColumns+" FROM monitoring WHERE child_id = ? ORDER BY on_date IS NULL, on_date, id",
			[]any{childID}, func(rows *sql.Rows) error {
				m, err := scanMonitoring(rows, &opener{key: key}, &parent)
				ms = append(ms, m)
				return err
			})
	})
	return ms, err
}
