package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// DriftFacts gathers what the drift rules need about every child on the
// caseload, in Caseload's order. The number of queries is fixed, whatever
// the number of children: Caseload's, one for every recommendation, the
// challenges', and one for the consultations of each child's last held
// review. Recommendations come without their progress, which no drift rule
// reads, so that thousands of sealed notes are not opened for nothing.
//
// The reads are separate snapshots: a recommendation or challenge whose
// child arrived after the caseload was read is left out until the next call.
func (db *DB) DriftFacts(ctx context.Context) ([]drift.Facts, error) {
	children, err := db.Caseload(ctx)
	if err != nil {
		return nil, err
	}
	facts := make([]drift.Facts, len(children))
	byChild := make(map[string]int, len(children))  // child id → index in facts
	byReview := make(map[string]int, len(children)) // last held review id → index in facts
	lastHeld := make([]string, 0, len(children))
	for i, c := range children {
		facts[i].Child = c
		byChild[c.ID] = i
		if r, ok := drift.LastHeldReview(c); ok {
			facts[i].LastHeld = &review.Meeting{ReviewID: r.ID}
			byReview[r.ID] = i
			lastHeld = append(lastHeld, r.ID)
		}
	}
	// The review ids go in as one JSON array, so the query is the same one
	// for 1 child or 5,000 and no statement outgrows SQLite's variable limit.
	ids, err := json.Marshal(lastHeld)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	err = db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		var childID string
		err := each(ctx, tx, "SELECT "+recommendationColumns+" FROM recommendation ORDER BY created_at, id", nil,
			func(rows *sql.Rows) error {
				r, err := scanRecommendation(rows, &opener{key: key}, &childID)
				if i, ok := byChild[childID]; ok {
					facts[i].Recommendations = append(facts[i].Recommendations, r)
				}
				return err
			})
		if err != nil {
			return err
		}
		var reviewID string
		return each(ctx, tx, "SELECT "+consultationColumns+` FROM consultation
			WHERE review_id IN (SELECT value FROM json_each(?)) ORDER BY on_date IS NULL, on_date, id`,
			[]any{string(ids)}, func(rows *sql.Rows) error {
				c, err := scanConsultation(rows, &opener{key: key}, &reviewID)
				if i, ok := byReview[reviewID]; ok {
					facts[i].LastHeld.Consultations = append(facts[i].LastHeld.Consultations, c)
				}
				return err
			})
	})
	if err != nil {
		return nil, err
	}
	challenges, err := db.AllChallenges(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range challenges {
		if i, ok := byChild[c.ChildID]; ok {
			facts[i].Challenges = append(facts[i].Challenges, c)
		}
	}
	return facts, nil
}
