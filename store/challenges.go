package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/vault"
)

// Challenges (migration 0003). A challenge's history is an append-only
// event stream, like a recommendation's progress: steps are only ever added
// (a trigger refuses UPDATE and DELETE), each in its own op, so appends made
// on two devices never conflict. Whether a step is allowed is decided by
// challenge.Append before it gets here; the store checks again only the one
// rule whose breach would corrupt the record: nothing but a correction after
// a final outcome.

type challengeFields struct {
	ChildID          string                `json:"child_id"`
	ReviewID         string                `json:"review_id"`
	RecommendationID string                `json:"recommendation_id"`
	Raised           calendar.Date         `json:"raised"`
	Category         challenge.Category    `json:"category"`
	Issue            string                `json:"issue"`
	Decision         string                `json:"decision"`
	Remedy           string                `json:"remedy"`
	Steps            []challengeStepFields `json:"steps"`
}

// challengeStepFields is a step as ops carry it. ID is set inside a
// challenge.raise op, whose entity id is the challenge's; a challenge.step
// op's entity id is the step's own.
type challengeStepFields struct {
	ID          string             `json:"id,omitempty"`
	ChallengeID string             `json:"challenge_id"`
	Seq         int                `json:"seq"`
	Kind        challenge.StepKind `json:"kind"`
	On          calendar.Date      `json:"on_date"`
	Stage       int                `json:"stage"`
	StageName   string             `json:"stage_name"`
	Addressee   string             `json:"addressee"`
	ResponseDue calendar.Date      `json:"response_due"`
	Text        string             `json:"text"`
	Outcome     challenge.Outcome  `json:"outcome"`
	Corrects    string             `json:"corrects"`
	CreatedAt   string             `json:"created_at"`
}

func fieldsOfChallengeStep(challengeID string, seq int, createdAt string, s *challenge.Step) challengeStepFields {
	return challengeStepFields{ChallengeID: challengeID, Seq: seq, Kind: s.Kind, On: s.On, Stage: s.Stage,
		StageName: s.StageName, Addressee: s.Addressee, ResponseDue: s.ResponseDue, Text: s.Text,
		Outcome: s.Outcome, Corrects: s.Corrects, CreatedAt: createdAt}
}

// RaiseChallenge saves a new challenge about c.ChildID and the steps given
// with it (already checked by challenge.Raise), in order, and queues one
// challenge.raise op carrying them all: the challenge is never seen on the
// server without the steps the IRO recorded with it. It sets c.ID and each
// step's ID when empty, the steps' Created, and c.Version to 1.
func (tx *Tx) RaiseChallenge(c *challenge.Challenge) error {
	return tx.write("raise challenge", true, func() error {
		if err := ensureID(&c.ID); err != nil {
			return err
		}
		const t = "challenge"
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO challenge (id, child_id, review_id, recommendation_id, version,
			created_at, updated_at, raised, category, issue, decision, remedy) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.ChildID, optionalArg(c.ReviewID), optionalArg(c.RecommendationID), tx.now, tx.now,
			dateArg(c.Raised), string(c.Category), tx.seal(t, "issue", c.ID, c.Issue),
			tx.seal(t, "decision", c.ID, c.Decision), tx.seal(t, "remedy", c.ID, c.Remedy))
		if err != nil {
			if missing := tx.missingChallengeParent(c); missing != nil {
				return missing
			}
			return err
		}
		fields := challengeFields{ChildID: c.ChildID, ReviewID: c.ReviewID, RecommendationID: c.RecommendationID,
			Raised: c.Raised, Category: c.Category, Issue: c.Issue, Decision: c.Decision, Remedy: c.Remedy,
			Steps: make([]challengeStepFields, 0, len(c.Steps))}
		for i := range c.Steps {
			s := &c.Steps[i]
			seq, err := tx.insertChallengeStep(c.ID, s)
			if err != nil {
				return fmt.Errorf("step %d: %w", i+1, err)
			}
			f := fieldsOfChallengeStep(c.ID, seq, tx.now, s)
			f.ID = s.ID
			fields.Steps = append(fields.Steps, f)
		}
		if err := tx.appendOp(t, c.ID, "challenge.raise", 0, fields); err != nil {
			return err
		}
		created, err := parseTimestamp(tx.now)
		if err != nil {
			return err
		}
		for i := range c.Steps {
			c.Steps[i].Created = created
		}
		c.Version = 1
		return nil
	})
}

// AppendChallengeStep adds s to the end of the challenge's history and
// queues challenge.step. The caller has checked s with challenge.Append;
// here a step other than a correction is refused (challenge.ErrEnded) once
// the challenge has a final outcome, whatever the caller did. It sets s.ID
// when empty and s.Created. The challenge's version does not move: appends
// do not conflict.
func (tx *Tx) AppendChallengeStep(challengeID string, s *challenge.Step) error {
	return tx.write("append challenge step", true, func() error {
		seq, err := tx.insertChallengeStep(challengeID, s)
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(tx.ctx, "UPDATE challenge SET updated_at = ? WHERE id = ?", tx.now, challengeID); err != nil {
			return err
		}
		if err := tx.appendOp("challenge_step", s.ID, "challenge.step", 0, fieldsOfChallengeStep(challengeID, seq, tx.now, s)); err != nil {
			return err
		}
		s.Created, err = parseTimestamp(tx.now)
		return err
	})
}

// insertChallengeStep writes s as the next step of the challenge and
// returns its seq.
func (tx *Tx) insertChallengeStep(challengeID string, s *challenge.Step) (int, error) {
	if err := ensureID(&s.ID); err != nil {
		return 0, err
	}
	var seq int
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM challenge_step WHERE challenge_id = ?",
		challengeID).Scan(&seq); err != nil {
		return 0, err
	}
	if s.Kind != challenge.Correction {
		// Which outcomes are final is challenge's rule, so it is asked
		// rather than copied into SQL.
		var ended challenge.Outcome
		err := each(tx.ctx, tx.tx, "SELECT outcome FROM challenge_step WHERE challenge_id = ? AND kind = ? ORDER BY seq",
			[]any{challengeID, string(challenge.Closed)}, func(rows *sql.Rows) error {
				var o challenge.Outcome
				if err := rows.Scan(&o); err != nil {
					return err
				}
				if ended == "" && o.Final() {
					ended = o
				}
				return nil
			})
		if err != nil {
			return 0, err
		}
		if ended != "" {
			return 0, fmt.Errorf("challenge %s was %s: %w", challengeID, ended.Label(), challenge.ErrEnded)
		}
	}
	if s.Corrects != "" {
		// The foreign key only says the step exists; it must be in this
		// challenge's history.
		var n int
		if err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM challenge_step WHERE id = ? AND challenge_id = ?",
			s.Corrects, challengeID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, fmt.Errorf("%w: step %s of challenge %s, to correct", ErrNotFound, s.Corrects, challengeID)
		}
	}
	const t = "challenge_step"
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO challenge_step (id, challenge_id, seq, kind, on_date, stage, stage_name,
		addressee, response_due, text, outcome, corrects, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, challengeID, seq, string(s.Kind), dateArg(s.On), s.Stage, s.StageName, tx.seal(t, "addressee", s.ID, s.Addressee),
		dateArg(s.ResponseDue), tx.seal(t, "text", s.ID, s.Text), string(s.Outcome), optionalArg(s.Corrects), tx.now)
	if err != nil {
		return 0, missingParent(err, "challenge", challengeID)
	}
	return seq, nil
}

// missingChallengeParent says which of the rows a new challenge names does
// not exist (for this child), or returns nil if they all do.
func (tx *Tx) missingChallengeParent(c *challenge.Challenge) error {
	for _, p := range []struct{ table, id, query string }{
		{"child", c.ChildID, "SELECT count(*) FROM child WHERE id = ?"},
		{"review", c.ReviewID, "SELECT count(*) FROM review WHERE id = ? AND child_id = ?"},
		{"recommendation", c.RecommendationID, "SELECT count(*) FROM recommendation WHERE id = ? AND child_id = ?"},
	} {
		if p.table != "child" && p.id == "" {
			continue
		}
		var n int
		args := []any{p.id}
		if p.table != "child" {
			args = append(args, c.ChildID)
		}
		if err := tx.tx.QueryRowContext(tx.ctx, p.query, args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if p.table == "child" {
				return fmt.Errorf("%w: child %s", ErrNotFound, p.id)
			}
			return fmt.Errorf("%w: %s %s of child %s", ErrNotFound, p.table, p.id, c.ChildID)
		}
	}
	return nil
}

// optionalArg stores an absent id as NULL, which a foreign key ignores.
func optionalArg(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// optionalID scans a nullable id column; NULL reads as "".
type optionalID struct{ s *string }

func (o optionalID) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*o.s = ""
	case string:
		*o.s = v
	case []byte:
		*o.s = string(v)
	default:
		return fmt.Errorf("id column holds %T", src)
	}
	return nil
}

const challengeColumns = `id, version, child_id, review_id, recommendation_id, raised, category, issue, decision, remedy`

func scanChallenge(s scanner, o *opener) (challenge.Challenge, error) {
	var (
		c                       challenge.Challenge
		issue, decision, remedy []byte
	)
	if err := s.Scan(&c.ID, &c.Version, &c.ChildID, optionalID{&c.ReviewID}, optionalID{&c.RecommendationID},
		civilDate{&c.Raised}, &c.Category, &issue, &decision, &remedy); err != nil {
		return c, err
	}
	o.table, o.row = "challenge", c.ID
	c.Issue = o.text("issue", issue)
	c.Decision = o.text("decision", decision)
	c.Remedy = o.text("remedy", remedy)
	return c, o.err
}

const challengeStepColumns = `id, challenge_id, kind, on_date, stage, stage_name, addressee, response_due, text, outcome, corrects, created_at`

func scanChallengeStep(s scanner, o *opener, challengeID *string) (challenge.Step, error) {
	var (
		st              challenge.Step
		addressee, text []byte
		created         string
	)
	if err := s.Scan(&st.ID, challengeID, &st.Kind, civilDate{&st.On}, &st.Stage, &st.StageName, &addressee,
		civilDate{&st.ResponseDue}, &text, &st.Outcome, optionalID{&st.Corrects}, &created); err != nil {
		return st, err
	}
	var err error
	if st.Created, err = parseTimestamp(created); err != nil {
		return st, fmt.Errorf("challenge_step.created_at of %s: %w", st.ID, err)
	}
	o.table, o.row = "challenge_step", st.ID
	st.Addressee = o.text("addressee", addressee)
	st.Text = o.text("text", text)
	return st, o.err
}

// Challenges returns the child's challenges, oldest raised first (undated
// last), each with its steps in order.
func (db *DB) Challenges(ctx context.Context, childID string) ([]challenge.Challenge, error) {
	var cs []challenge.Challenge
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		if err := exists(ctx, tx, "child", childID); err != nil {
			return err
		}
		var err error
		cs, err = loadChallenges(ctx, tx, key, " WHERE child_id = ?", []any{childID})
		return err
	})
	return cs, err
}

// AllChallenges returns every child's challenges, in the same order as
// Challenges, for the drift dashboard and the annual report. It makes two
// queries however many children and challenges there are.
func (db *DB) AllChallenges(ctx context.Context) ([]challenge.Challenge, error) {
	var cs []challenge.Challenge
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		var err error
		cs, err = loadChallenges(ctx, tx, key, "", nil)
		return err
	})
	return cs, err
}

// loadChallenges reads the challenges matching where (a WHERE clause on the
// challenge table, or "") and all their steps: two queries.
func loadChallenges(ctx context.Context, tx *sql.Tx, key *vault.Key, where string, args []any) ([]challenge.Challenge, error) {
	var (
		out []challenge.Challenge
		at  = map[string]int{}
	)
	err := each(ctx, tx, "SELECT "+challengeColumns+" FROM challenge"+where+" ORDER BY raised IS NULL, raised, created_at, id",
		args, func(rows *sql.Rows) error {
			c, err := scanChallenge(rows, &opener{key: key})
			at[c.ID] = len(out)
			out = append(out, c)
			return err
		})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	err = each(ctx, tx, "SELECT "+challengeStepColumns+" FROM challenge_step WHERE challenge_id IN (SELECT id FROM challenge"+where+
		") ORDER BY challenge_id, seq", args, func(rows *sql.Rows) error {
		var challengeID string
		s, err := scanChallengeStep(rows, &opener{key: key}, &challengeID)
		if i, ok := at[challengeID]; ok {
			out[i].Steps = append(out[i].Steps, s)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RaiseChallengeNow commits a new challenge and the steps given with it.
func (db *DB) RaiseChallengeNow(ctx context.Context, c *challenge.Challenge) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.RaiseChallenge(c) })
}

// AppendChallengeStepNow commits one step of a challenge's history.
func (db *DB) AppendChallengeStepNow(ctx context.Context, challengeID string, s *challenge.Step) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AppendChallengeStep(challengeID, s) })
}
