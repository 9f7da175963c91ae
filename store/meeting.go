package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/review"
)

// The meeting row (one per review, keyed by review_id) and the agenda
// sections with their notes, including the autosave path.

type meetingFields struct {
	ReviewID  string `json:"review_id"`
	StartedAt string `json:"started_at"`
	HeldAt    string `json:"held_at"`
	Wishes    string `json:"wishes"`
	Letter    string `json:"letter"`
}

func fieldsOfMeeting(m *review.Meeting) meetingFields {
	return meetingFields{
		ReviewID: m.ReviewID, StartedAt: timestampField(m.StartedAt), HeldAt: timestampField(m.HeldAt),
		Wishes: m.WishesAndFeelings, Letter: m.Letter,
	}
}

const meetingColumns = `review_id, version, started_at, held_at, wishes, letter`

// scanMeeting reads the meeting row's own fields (not its lists).
func scanMeeting(s scanner, o *opener, version *int) (review.Meeting, error) {
	var (
		m              review.Meeting
		wishes, letter []byte
	)
	if err := s.Scan(&m.ReviewID, version, nullTimestamp{&m.StartedAt}, nullTimestamp{&m.HeldAt}, &wishes, &letter); err != nil {
		return m, err
	}
	o.table, o.row = "meeting", m.ReviewID
	m.WishesAndFeelings = o.text("wishes", wishes)
	m.Letter = o.text("letter", letter)
	return m, o.err
}

// StartMeeting records that the IRO opened the review's meeting at at,
// creating the meeting row if it has none (meeting.create) or filling in
// started_at (meeting.update). Only the first start counts: calling it again
// writes nothing.
func (tx *Tx) StartMeeting(reviewID string, at time.Time) error {
	if at.IsZero() {
		return tx.write("start meeting", true, func() error { return errors.New("no start time given") })
	}
	return tx.saveMeeting("start meeting", reviewID, func(m *review.Meeting) {
		if m.StartedAt.IsZero() {
			m.StartedAt = at
		}
	})
}

// SaveWishes saves the child's wishes and feelings (meeting.update {wishes}).
func (tx *Tx) SaveWishes(reviewID, text string) error {
	return tx.saveMeeting("save wishes and feelings", reviewID, func(m *review.Meeting) { m.WishesAndFeelings = text })
}

// SaveLetter saves the letter to the child (meeting.update {letter}).
func (tx *Tx) SaveLetter(reviewID, text string) error {
	return tx.saveMeeting("save letter", reviewID, func(m *review.Meeting) { m.Letter = text })
}

// MarkHeld records when the meeting was ended as held (meeting.update
// {held_at}). The review's own held date and state are the caller's to save
// with UpdateReview, which queues its own op.
func (tx *Tx) MarkHeld(reviewID string, at time.Time) error {
	if at.IsZero() {
		return tx.write("mark meeting held", true, func() error { return errors.New("no time given") })
	}
	return tx.saveMeeting("mark meeting held", reviewID, func(m *review.Meeting) { m.HeldAt = at })
}

// saveMeeting applies edit to the review's meeting row. A review with no row
// yet gets one (meeting.create, carrying every field) as soon as edit changes
// something; otherwise the changed fields go in meeting.update. An edit that
// changes nothing writes nothing.
func (tx *Tx) saveMeeting(what, reviewID string, edit func(m *review.Meeting)) error {
	return tx.write(what, true, func() error {
		var version int
		o := opener{key: tx.key}
		m, err := scanMeeting(tx.tx.QueryRowContext(tx.ctx, "SELECT "+meetingColumns+" FROM meeting WHERE review_id = ?", reviewID), &o, &version)
		found := err == nil
		if errors.Is(err, sql.ErrNoRows) {
			m, err = review.Meeting{ReviewID: reviewID}, nil
		}
		if err != nil {
			return err
		}
		before := fieldsOfMeeting(&m)
		edit(&m)
		after := fieldsOfMeeting(&m)
		changed, err := changedFields(before, after)
		if err != nil || len(changed) == 0 {
			return err
		}
		const t = "meeting"
		args := []any{timestampArg(m.StartedAt), timestampArg(m.HeldAt),
			tx.seal(t, "wishes", reviewID, m.WishesAndFeelings), tx.seal(t, "letter", reviewID, m.Letter)}
		if !found {
			_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO meeting (review_id, version, created_at, updated_at,
				started_at, held_at, wishes, letter) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
				append([]any{reviewID, tx.now, tx.now}, args...)...)
			if err != nil {
				return missingParent(err, "review", reviewID)
			}
			return tx.appendOp(t, reviewID, "meeting.create", 0, after)
		}
		// Wishes and the letter are autosaved as the IRO types, like notes:
		// an unsent meeting.update absorbs the new text instead of another op
		// piling up (see SaveNotes).
		if textOnly(changed) {
			merged, err := tx.mergeIntoPendingOp(t, reviewID, "meeting.update", changed)
			if err != nil || merged {
				if err == nil {
					_, err = tx.tx.ExecContext(tx.ctx, `UPDATE meeting SET updated_at = ?, started_at = ?, held_at = ?,
						wishes = ?, letter = ? WHERE review_id = ?`, append(append([]any{tx.now}, args...), reviewID)...)
				}
				return err
			}
		}
		_, err = tx.tx.ExecContext(tx.ctx, `UPDATE meeting SET version = version + 1, updated_at = ?,
			started_at = ?, held_at = ?, wishes = ?, letter = ? WHERE review_id = ?`,
			append(append([]any{tx.now}, args...), reviewID)...)
		if err != nil {
			return err
		}
		return tx.appendOp(t, reviewID, "meeting.update", version, changed)
	})
}

type sectionFields struct {
	ReviewID string `json:"review_id"`
	Position int    `json:"position"`
	Title    string `json:"title"`
	Notes    string `json:"notes"`
}

func fieldsOfSection(reviewID string, s *review.Section) sectionFields {
	return sectionFields{ReviewID: reviewID, Position: s.Position, Title: s.Title, Notes: s.Notes}
}

const sectionColumns = `id, review_id, version, position, title, notes`

func scanSection(s scanner, o *opener, reviewID *string) (review.Section, error) {
	var (
		sec          review.Section
		title, notes []byte
	)
	if err := s.Scan(&sec.ID, reviewID, &sec.Version, &sec.Position, &title, &notes); err != nil {
		return sec, err
	}
	o.table, o.row = "section", sec.ID
	sec.Title = o.text("title", title)
	sec.Notes = o.text("notes", notes)
	return sec, o.err
}

// AddSection adds an agenda section (with any notes it already has) to the
// review and queues section.create.
func (tx *Tx) AddSection(reviewID string, s *review.Section) error {
	return tx.write("add section", true, func() error {
		if err := ensureID(&s.ID); err != nil {
			return err
		}
		const t = "section"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO section (id, review_id, version, created_at, updated_at,
			position, title, notes) VALUES (?, ?, 1, ?, ?, ?, ?, ?)`,
			s.ID, reviewID, tx.now, tx.now, s.Position, tx.seal(t, "title", s.ID, s.Title), tx.seal(t, "notes", s.ID, s.Notes))
		if err != nil {
			return missingParent(err, "review", reviewID)
		}
		if err := tx.appendOp(t, s.ID, "section.create", 0, fieldsOfSection(reviewID, s)); err != nil {
			return err
		}
		s.Version = 1
		return nil
	})
}

// UpdateSection saves the section's title and position (not its notes: they
// go through SaveNotes) if it is still at s.Version, else ErrConflict, and
// queues section.update with the fields that changed. SaveNotes also moves
// the version on, so re-read the section after typing in it.
func (tx *Tx) UpdateSection(s *review.Section) error {
	return tx.write("update section", true, func() error {
		var reviewID string
		o := opener{key: tx.key}
		stored, err := scanSection(tx.tx.QueryRowContext(tx.ctx, "SELECT "+sectionColumns+" FROM section WHERE id = ?", s.ID), &o, &reviewID)
		if err != nil {
			return notFound(err, "section", s.ID)
		}
		before := fieldsOfSection(reviewID, &stored)
		after := before
		after.Position, after.Title = s.Position, s.Title
		const t = "section"
		ok, err := tx.updateRow(t, s.ID, stored.Version, s.Version, before, after,
			"position = ?, title = ?", s.Position, tx.seal(t, "title", s.ID, s.Title))
		if ok {
			s.Version++
		}
		return err
	})
}

// DeleteSection removes an agenda section and its notes (section.delete).
func (tx *Tx) DeleteSection(id string) error {
	return tx.write("delete section", true, func() error { return tx.deleteRow("section", id) })
}

// SaveNotes saves a section's notes. It is the autosave path, called every
// few hundred milliseconds while the IRO types in a meeting, so it must be
// cheap and must not fill the outbox with one op per pause.
//
// The outbox holds intents, not a history of keystrokes. If the newest op
// for this section is a section.update that is still pending (not yet sent),
// the new text supersedes whatever notes that op carries and an unsent
// superseded intent adds nothing, so the op's payload is replaced in place:
// re-sealed, same op id and place in the queue, its other fields (a title or
// position from UpdateSection) kept. The row's version then stays where that
// op left it (its base version + 1), so the op still describes the row.
// Otherwise (the newest op is the section.create, or has been sent, acked or
// rejected, or there is none) a new section.update is appended and the
// version moves on. Either way the row and its op change in one transaction,
// and a stretch of typing leaves one op however often it is saved.
//
// An op that has gone out in a push batch (sent_at set) is fenced: it stays
// pending until the server answers, but is never merged into, or the server
// could see one op id with two payloads; the next save appends a new op.
// So is an op stamped with an older cursor than the laptop now has: text
// typed after a pull must not pass for text typed before it (a pull may
// have told of the child's deallocation, see serverdb's access.refusal).
//
// Saving the text already stored writes nothing.
func (tx *Tx) SaveNotes(sectionID, notes string) error {
	return tx.write("save notes", true, func() error {
		const t = "section"
		var (
			version int
			sealed  []byte
		)
		err := tx.tx.QueryRowContext(tx.ctx, "SELECT version, notes FROM section WHERE id = ?", sectionID).Scan(&version, &sealed)
		if err != nil {
			return notFound(err, "section", sectionID)
		}
		old, err := tx.key.Open(sealAAD(t, "notes", sectionID), sealed)
		if err != nil {
			return fmt.Errorf("section.notes of %s: %w", sectionID, err)
		}
		same := string(old) == notes
		clear(old)
		if same {
			return nil
		}

		var (
			seq         int64
			opID, state string
			name        string
			sent        bool
		)
		err = tx.tx.QueryRowContext(tx.ctx, `SELECT seq, op_id, op, state, sent_at IS NOT NULL OR pulled_to <> `+pulledToNow+` FROM outbox
			WHERE entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1`, t, sectionID).Scan(&seq, &opID, &name, &state, &sent)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		newNotes := tx.seal(t, "notes", sectionID, notes)
		if err == nil && name == "section.update" && state == "pending" && !sent {
			if _, err := tx.tx.ExecContext(tx.ctx, "UPDATE section SET updated_at = ?, notes = ? WHERE id = ?",
				tx.now, newNotes, sectionID); err != nil {
				return err
			}
			return tx.replaceNotesInOp(seq, opID, sectionID, notes)
		}
		if _, err := tx.tx.ExecContext(tx.ctx, "UPDATE section SET version = version + 1, updated_at = ?, notes = ? WHERE id = ?",
			tx.now, newNotes, sectionID); err != nil {
			return err
		}
		return tx.appendOp(t, sectionID, "section.update", version, notesPayload{notes})
	})
}

// notesPayload is the payload SaveNotes appends.
type notesPayload struct {
	Notes string `json:"notes"`
}

// replaceNotesInOp sets the notes field of a pending op's payload, keeping
// its other fields, and re-seals it.
func (tx *Tx) replaceNotesInOp(seq int64, opID, sectionID, notes string) error {
	var sealed []byte
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT payload FROM outbox WHERE seq = ?", seq).Scan(&sealed); err != nil {
		return err
	}
	payload, err := tx.key.Open(outboxAAD(opID), sealed)
	if err != nil {
		return fmt.Errorf("outbox payload of %s: %w", opID, err)
	}
	defer clear(payload)
	var merged []byte
	if notesOnly(payload) { // the usual case: nothing else to keep
		merged, err = json.Marshal(notesPayload{notes})
	} else { // notes joining a rename or move from UpdateSection
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(payload, &fields); err != nil {
			return fmt.Errorf("outbox payload of %s: %w", opID, err)
		}
		if fields["notes"], err = json.Marshal(notes); err != nil {
			return err
		}
		merged, err = json.Marshal(fields)
	}
	if err != nil {
		return err
	}
	defer clear(merged)
	if err := checkQueued("section", sectionID, "section.update", merged); err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, "UPDATE outbox SET payload = ? WHERE seq = ?", tx.key.Seal(outboxAAD(opID), merged), seq)
	return err
}

// notesOnly reports whether payload is exactly {"notes":"…"}, as SaveNotes
// writes it. It finds the end of the string with IndexByte instead of
// decoding it: on the autosave path a note can be hundreds of KB, and
// encoding/json would step through it byte by byte twice.
func notesOnly(payload []byte) bool {
	const prefix = `{"notes":"`
	if !bytes.HasPrefix(payload, []byte(prefix)) {
		return false
	}
	for i := len(prefix); ; i++ {
		j := bytes.IndexByte(payload[i:], '"')
		if j < 0 {
			return false
		}
		i += j
		k := i // a quote preceded by an odd number of backslashes is escaped
		for payload[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 { // the string's closing quote
			return i == len(payload)-2 && payload[i+1] == '}'
		}
	}
}

// textOnly reports whether a meeting change touches only the autosaved texts.
func textOnly(changed map[string]json.RawMessage) bool {
	for k := range changed {
		if k != "wishes" && k != "letter" {
			return false
		}
	}
	return true
}

// pulledToNow is the cursor this laptop has pulled to (0 before it is
// enrolled): what migration 0006's trigger stamps each new op with. An op
// stamped otherwise was queued before the latest pull, and is not merged
// into.
const pulledToNow = `COALESCE((SELECT cursor FROM sync_state WHERE id = '1'), 0)`

// mergeIntoPendingOp folds changed fields into the entity's newest op when
// that op is an unsent op of the given name (pending, not yet put in a
// push batch and stamped with the latest cursor: see SaveNotes for the
// fences), and reports whether it did.
func (tx *Tx) mergeIntoPendingOp(entity, entityID, name string, changed map[string]json.RawMessage) (bool, error) {
	var (
		seq             int64
		opID, op, state string
		sent            bool
		sealed          []byte
	)
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT seq, op_id, op, state, sent_at IS NOT NULL OR pulled_to <> `+pulledToNow+`, payload FROM outbox
		WHERE entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1`, entity, entityID).Scan(&seq, &opID, &op, &state, &sent, &sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (op != name || state != "pending" || sent)) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	payload, err := tx.key.Open(outboxAAD(opID), sealed)
	if err != nil {
		return false, fmt.Errorf("outbox payload of %s: %w", opID, err)
	}
	defer clear(payload)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return false, fmt.Errorf("outbox payload of %s: %w", opID, err)
	}
	for k, v := range changed {
		fields[k] = v
	}
	merged, err := json.Marshal(fields)
	if err != nil {
		return false, err
	}
	defer clear(merged)
	if err := checkQueued(entity, entityID, name, merged); err != nil {
		return false, err
	}
	_, err = tx.tx.ExecContext(tx.ctx, "UPDATE outbox SET payload = ? WHERE seq = ?", tx.key.Seal(outboxAAD(opID), merged), seq)
	return err == nil, err
}
