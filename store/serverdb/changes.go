package serverdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/iro-app/iro/internal/protocol"
)

// Changes is one page of what changed in dev's IRO's allocation after
// change number q.Since, read in one snapshot (see the package comment):
//
//   - the stream: records of allocated children with since < change_no ≤
//     the counter, oldest change first, at most limit of them;
//   - a snapshot of every older record (change_no ≤ since) of each child
//     allocated in (since, Cursor], which the device has never been sent;
//   - the children taken out of the allocation in (since, Cursor] and not
//     given back since.
//
// limit ≤ 0 means protocol.MaxPullPage. An epoch or a since this database
// never gave the device is *NewEpochError: it was restored from a backup,
// and the device must start again. The cursor handed out is remembered as
// the device's, and what the device says it has purged is recorded
// (acknowledgePurges).
func (db *DB) Changes(ctx context.Context, dev Device, q protocol.ChangesQuery, limit int, now time.Time) (protocol.ChangesResponse, error) {
	if limit <= 0 || limit > protocol.MaxPullPage {
		limit = protocol.MaxPullPage
	}
	since := q.Since
	resp, err := db.changes(ctx, dev, q, limit)
	if moved, ok := errors.AsType[*NewEpochError](err); ok {
		return protocol.ChangesResponse{}, moved
	} else if err != nil {
		return protocol.ChangesResponse{}, fmt.Errorf("serverdb: changes: %w", err)
	}
	// The audit row is written after the read transaction: it must not make
	// the read a write, and a lost audit row for a read is the lesser harm.
	detail := fmt.Sprintf("since=%d cursor=%d entities=%d revoked=%d", since, resp.Cursor, len(resp.Entities), len(resp.Revoked))
	h := handle{db.sql, db.d}
	if err := h.audit(ctx, now, dev.ID, dev.IRO, "pull", detail); err != nil {
		return protocol.ChangesResponse{}, fmt.Errorf("serverdb: changes: %w", err)
	}
	// Before the reply goes: a device may hold any cursor it was sent.
	if _, err := h.exec(ctx, `UPDATE device SET issued = ? WHERE id = ? AND issued < ?`, resp.Cursor, dev.ID, resp.Cursor); err != nil {
		return protocol.ChangesResponse{}, fmt.Errorf("serverdb: changes: %w", err)
	}
	if err := h.acknowledgePurges(ctx, dev, since, q.Waiting); err != nil {
		return protocol.ChangesResponse{}, fmt.Errorf("serverdb: changes: %w", err)
	}
	return resp, nil
}

// recordBudget is what a page's records may take of protocol.MaxPullBytes,
// leaving room for the rest of the page (cursor, epoch, revoked children).
const recordBudget = protocol.MaxPullBytes - 64<<10

func (db *DB) changes(ctx context.Context, dev Device, q protocol.ChangesQuery, limit int) (protocol.ChangesResponse, error) {
	// REPEATABLE READ: the counter and every query below see one snapshot.
	// SQLite ignores the level; its read transaction is a snapshot anyway.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return protocol.ChangesResponse{}, err
	}
	defer func() { _ = tx.Rollback() }()
	h := handle{tx, db.d}
	iro, since := dev.IRO, q.Since

	pos, err := h.position(ctx, dev.ID)
	if err != nil {
		return protocol.ChangesResponse{}, err
	}
	if err := pos.check(q.Epoch, since); err != nil {
		return protocol.ChangesResponse{}, err
	}
	var hi int64
	if err := h.queryRow(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&hi); err != nil {
		return protocol.ChangesResponse{}, err
	}

	resp := protocol.ChangesResponse{Entities: []protocol.Entity{}, Epoch: pos.epoch}
	// Each change_no belongs to one row (a row keeps only its latest), so
	// paging on it neither repeats nor skips a row. A page stops at limit
	// records or at the byte budget, whichever comes first.
	stream, lastNo, cut, err := h.entities(ctx, recordBudget, `SELECT e.entity, e.id, e.child_id, e.version, e.deleted, e.fields, e.change_no
		FROM entity e JOIN allocation a ON a.child_id = e.child_id AND a.iro = ?
		WHERE e.change_no > ? AND e.change_no <= ?
		ORDER BY e.change_no LIMIT ?`, iro, since, hi, limit+1)
	if err != nil {
		return protocol.ChangesResponse{}, err
	}
	resp.Cursor = hi
	if len(stream) > limit {
		stream, lastNo, cut = stream[:limit], lastNo[:limit], true
	}
	if cut {
		resp.Cursor, resp.More = lastNo[len(lastNo)-1], true
	}

	// Records of a newly allocated child the device has not been sent: the
	// stream carries everything after since, so only older ones are needed
	// and no record is in both.
	snapshot, _, _, err := h.entities(ctx, 0, `SELECT e.entity, e.id, e.child_id, e.version, e.deleted, e.fields, e.change_no
		FROM entity e JOIN allocation a ON a.child_id = e.child_id AND a.iro = ?
		WHERE a.change_no > ? AND a.change_no <= ? AND e.change_no <= ?
		ORDER BY e.change_no`, iro, since, resp.Cursor, since)
	if err != nil {
		return protocol.ChangesResponse{}, err
	}
	resp.Entities = append(append(resp.Entities, snapshot...), stream...)

	rows, err := h.query(ctx, `SELECT DISTINCT r.child_id FROM revocation r
		WHERE r.iro = ? AND r.change_no > ? AND r.change_no <= ?
		AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.iro = r.iro AND a.child_id = r.child_id)
		ORDER BY r.child_id`, iro, since, resp.Cursor)
	if err != nil {
		return protocol.ChangesResponse{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var child string
		if err := rows.Scan(&child); err != nil {
			return protocol.ChangesResponse{}, err
		}
		resp.Revoked = append(resp.Revoked, child)
	}
	if err := rows.Err(); err != nil {
		return protocol.ChangesResponse{}, err
	}
	return resp, tx.Commit()
}

// entities runs a query for entity rows and returns them with their change
// numbers. A deleted record carries no fields. With a budget > 0 it stops
// reading (cut) before the record that would take the records' encoded
// size past it, but never before the first: one record larger than the
// budget comes alone, so a page always moves on. Rows it does not read
// are never decoded, so a page's memory is bounded by the budget too.
func (h handle) entities(ctx context.Context, budget int, query string, args ...any) (out []protocol.Entity, nos []int64, cut bool, err error) {
	rows, err := h.query(ctx, query, args...)
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	used := 0
	for rows.Next() {
		var e protocol.Entity
		var fields string
		var no int64
		if err := rows.Scan(&e.Entity, &e.ID, &e.ChildID, &e.Version, &e.Deleted, &fields, &no); err != nil {
			return nil, nil, false, err
		}
		if !e.Deleted {
			if err := json.Unmarshal([]byte(fields), &e.Fields); err != nil {
				return nil, nil, false, fmt.Errorf("stored fields of %s %s: %w", e.Entity, e.ID, err)
			}
		}
		if budget > 0 {
			n, err := encodedSize(e)
			if err != nil {
				return nil, nil, false, err
			}
			if used += n + len(","); len(out) > 0 && used > budget {
				return out, nos, true, nil
			}
		}
		out = append(out, e)
		nos = append(nos, no)
	}
	return out, nos, false, rows.Err()
}

// encodedSize is how many bytes v takes in a reply, encoded as reply
// encodes it (no HTML escaping).
func encodedSize(v any) (int, error) {
	var n byteCounter
	enc := json.NewEncoder(&n)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return 0, err
	}
	return int(n) - len("\n"), nil
}

type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}
