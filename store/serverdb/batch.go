package serverdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
)

// A push used to cost several statements per op, each a network round trip
// on PostgreSQL. A batch instead reads, in a few statements up front, every
// row its ops may look at, keeps them in memory while the ops run one by
// one in order, and writes what they changed in a few statements at the
// end. It all happens in the push's write transaction, after the counter
// lock, so nobody else writes those rows meanwhile and memory stays the
// truth: each op sees the effects of the ops before it exactly as if they
// had been written.
//
// The prefetch is only a guess at what the ops will read: a row it missed,
// or could not decode, is read when an op first needs it, as before, so an
// error surfaces at the op it always did, and a prefetch fails only where
// a lookup would have too.

// maxParams bounds the parameters of one statement, under SQLite's limit
// (32766) and PostgreSQL's (65535).
const maxParams = 30000

// maxIn bounds the keys one prefetch looks up, so it stays well under
// maxParams.
const maxIn = 1000

// entityKey names one row of the entity table.
type entityKey struct{ entity, id string }

// pendingResult is an op_result row to insert when the batch ends.
type pendingResult struct {
	hash   string
	result protocol.Result
}

// batch is what one push knows of the database while its ops run.
type batch struct {
	w   *writeTx
	dev Device
	// admin: the batch is the admin's repair (repair.go), which may touch
	// any child's records.
	admin bool
	// results are the device's stored results by op id, read or stored so
	// far; nil means the op id was never used.
	results map[string]*storedResult
	// entities are the rows read or written so far; nil means the row is
	// known not to be on the server.
	entities map[entityKey]*entityRow
	// loaded are the children's records of an entity read in full
	// (records), for the checks that look across a child's records.
	loaded map[childEntities]bool
	// pos is where the server has the device, and now the push's clock:
	// with access, what decides whether an op may touch a child.
	pos position
	now time.Time
	// access caches each child's access by id: allocations cannot change
	// while the batch holds the counter lock.
	access map[string]access
	// written are the entities the batch changed, in the order first
	// changed, each with the change number of its last change.
	written  []entityKey
	changeNo map[entityKey]int64
	pending  []pendingResult
}

// startBatch checks that the device pushes from a position this database
// gave it (else *NewEpochError), then prefetches what ops will read: their
// stored results, their entities and the parents they name, and the access
// to the children involved.
func (w *writeTx) startBatch(ctx context.Context, dev Device, req protocol.PushRequest, now time.Time) (*batch, error) {
	pos, err := w.position(ctx, dev.ID)
	if err != nil {
		return nil, err
	}
	if err := pos.check(req.Epoch, req.Cursor); err != nil {
		return nil, err
	}
	b := w.newBatch(dev, now)
	b.pos = pos
	ops := req.Ops
	if err := b.fetchResults(ctx, ops); err != nil {
		return nil, err
	}
	keys, children := b.references(ops)
	if err := b.fetchEntities(ctx, keys); err != nil {
		return nil, err
	}
	for _, r := range b.entities {
		if r != nil {
			children = append(children, r.childID)
		}
	}
	if err := b.fetchAccess(ctx, children); err != nil {
		return nil, err
	}
	return b, nil
}

func (w *writeTx) newBatch(dev Device, now time.Time) *batch {
	return &batch{
		w: w, dev: dev, now: now,
		results:  map[string]*storedResult{},
		entities: map[entityKey]*entityRow{},
		access:   map[string]access{},
		changeNo: map[entityKey]int64{},
	}
}

// adminBatch is a batch for the admin's repairs: it has no device position
// to check and prefetches nothing, for a repair reads one row.
func (w *writeTx) adminBatch(now time.Time) *batch {
	b := w.newBatch(Device{ID: AdminDevice}, now)
	b.admin = true
	return b
}

// references lists the entity rows the ops not pushed before may read,
// and the children they name directly. It is a guess to save round trips:
// whatever it misses is read later, so it may skip anything malformed.
func (b *batch) references(ops []protocol.Op) (keys []entityKey, children []string) {
	for _, op := range ops {
		if b.results[op.OpID] != nil || op.OpID == "" {
			continue // a duplicate reads nothing else
		}
		keys = append(keys, entityKey{op.Entity, op.EntityID})
		if op.Entity == "child" {
			children = append(children, op.EntityID)
		}
		var payload map[string]json.RawMessage
		e, ok := syncschema.Lookup(op.Entity)
		if !ok || json.Unmarshal(op.Payload, &payload) != nil {
			continue
		}
		for _, f := range e.Refs() {
			id := idField(payload, f.Name)
			switch {
			case id == "":
			case f.Ref == "child":
				children = append(children, id)
			default:
				keys = append(keys, entityKey{f.Ref, id})
			}
		}
	}
	return keys, children
}

// idField is the payload's field f if it is a string, else "".
func idField(payload map[string]json.RawMessage, f string) string {
	var id string
	if v, ok := payload[f]; !ok || json.Unmarshal(v, &id) != nil {
		return ""
	}
	return id
}

// prefetchable: a lookup of s cannot fail. PostgreSQL refuses text with a
// NUL byte or that is not UTF-8; such a key is left to the op that needs
// it, to fail the batch there as it always did.
func prefetchable(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// fetchResults reads the device's stored result of every op id in ops.
func (b *batch) fetchResults(ctx context.Context, ops []protocol.Op) error {
	var keys [][]string
	for _, op := range ops {
		if _, dup := b.results[op.OpID]; !dup && prefetchable(op.OpID) {
			keys = append(keys, []string{op.OpID})
			b.results[op.OpID] = nil // until the query finds it
		}
	}
	return inChunks(keys, func(keys [][]string) error {
		q, args := b.w.d.keyed("t.op_id, t.hash, t.status, t.version, t.reason, t.conflicts", "op_result",
			"t.device_id = ?", []any{b.dev.ID}, []string{"op_id"}, keys)
		return b.w.each(ctx, q, args, func(rows *sql.Rows) error {
			var s storedResult
			var status string
			var conflicts sql.NullString
			if err := rows.Scan(&s.result.OpID, &s.hash, &status, &s.result.Version, &s.result.Reason, &conflicts); err != nil {
				return err
			}
			s.result.Status = protocol.Status(status)
			if decodeConflicts(&s, conflicts) != nil {
				delete(b.results, s.result.OpID) // for the op to read, and fail on
				return nil
			}
			b.results[s.result.OpID] = &s
			return nil
		})
	})
}

// fetchEntities reads the rows of keys, recording those not on the server
// as nil.
func (b *batch) fetchEntities(ctx context.Context, keys []entityKey) error {
	var tuples [][]string
	for _, k := range keys {
		if _, dup := b.entities[k]; !dup && prefetchable(k.entity) && prefetchable(k.id) {
			tuples = append(tuples, []string{k.entity, k.id})
			b.entities[k] = nil // until the query finds it
		}
	}
	return inChunks(tuples, func(tuples [][]string) error {
		q, args := b.w.d.keyed("t.entity, t.id, t.child_id, t.version, t.deleted, t.fields, t.field_meta", "entity",
			"", nil, []string{"entity", "id"}, tuples)
		return b.w.each(ctx, q, args, func(rows *sql.Rows) error {
			var k entityKey
			var r entityRow
			var fields, meta string
			if err := rows.Scan(&k.entity, &k.id, &r.childID, &r.version, &r.deleted, &fields, &meta); err != nil {
				return err
			}
			if decodeEntity(&r, k, fields, meta) != nil {
				delete(b.entities, k) // for the op to read, and fail on
				return nil
			}
			b.entities[k] = &r
			return nil
		})
	})
}

// fetchAccess reads the access of each of children at once: the IRO's
// allocation rows (change number 0 below) and revocations of them.
func (b *batch) fetchAccess(ctx context.Context, children []string) error {
	var keys [][]string
	for _, c := range children {
		if _, dup := b.access[c]; !dup && prefetchable(c) {
			keys = append(keys, []string{c})
			b.access[c] = access{} // until the query finds it
		}
	}
	return inChunks(keys, func(keys [][]string) error {
		iro := []any{b.dev.IRO}
		aq, args := b.w.d.keyed("t.child_id, 0, ''", "allocation", "t.iro = ?", iro, []string{"child_id"}, keys)
		rq, rargs := b.w.d.keyed("t.child_id, t.change_no, t.revoked_at", "revocation", "t.iro = ?", iro, []string{"child_id"}, keys)
		return b.w.each(ctx, aq+" UNION ALL "+rq, append(args, rargs...), func(rows *sql.Rows) error {
			var c, at string
			var no int64
			if err := rows.Scan(&c, &no, &at); err != nil {
				return err
			}
			a := b.access[c]
			a.note(no, at)
			b.access[c] = a
			return nil
		})
	})
}

// inChunks calls fn on keys in pieces of at most maxIn; none if there are
// no keys, which would not make SQL.
func inChunks(keys [][]string, fn func([][]string) error) error {
	for start := 0; start < len(keys); start += maxIn {
		if err := fn(keys[start:min(start+maxIn, len(keys))]); err != nil {
			return err
		}
	}
	return nil
}

// each runs a query and calls fn on each row.
func (h handle) each(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := h.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// opResult is the stored result of opID, if any.
func (b *batch) opResult(ctx context.Context, opID string) (storedResult, bool, error) {
	s, known := b.results[opID]
	if !known {
		fetched, found, err := b.w.opResult(ctx, b.dev.ID, opID)
		if err != nil {
			return storedResult{}, false, err
		}
		if found {
			s = &fetched
		}
		b.results[opID] = s
	}
	if s == nil {
		return storedResult{}, false, nil
	}
	return *s, true, nil
}

// storeResult records r as the answer to its op, for a repeat later in the
// batch at once and for the database when the batch ends.
func (b *batch) storeResult(hash string, r protocol.Result) {
	b.results[r.OpID] = &storedResult{hash: hash, result: r}
	b.pending = append(b.pending, pendingResult{hash: hash, result: r})
}

// entity is the row as the batch sees it. Its maps are the caller's to
// change: the batch's copy changes only through saveEntity.
func (b *batch) entity(ctx context.Context, entity, id string) (entityRow, bool, error) {
	k := entityKey{entity, id}
	r, known := b.entities[k]
	if !known {
		fetched, found, err := b.w.entity(ctx, entity, id)
		if err != nil {
			return entityRow{}, false, err
		}
		if found {
			r = &fetched
		}
		b.entities[k] = r
	}
	if r == nil {
		return entityRow{}, false, nil
	}
	c := *r
	c.fields, c.meta = maps.Clone(r.fields), maps.Clone(r.meta)
	if c.fields == nil {
		c.fields = map[string]json.RawMessage{}
	}
	if c.meta == nil {
		c.meta = map[string]fieldMeta{}
	}
	return c, true, nil
}

// saveEntity gives the row's new state the next change number, which is
// what puts it in every allocated device's next pull. Numbers are taken
// here, in op order; the row is written when the batch ends.
func (b *batch) saveEntity(entity, id string, r entityRow) {
	k := entityKey{entity, id}
	if _, ok := b.changeNo[k]; !ok {
		b.written = append(b.written, k)
	}
	b.changeNo[k] = b.w.next()
	b.entities[k] = &r
}

// mayWrite is why op may not touch child (see access.refusal), or "".
// Each child's access is read once per batch. The admin may touch any.
func (b *batch) mayWrite(ctx context.Context, op protocol.Op, child string) (string, error) {
	if b.admin {
		return "", nil
	}
	a, known := b.access[child]
	if !known {
		var err error
		if a, err = b.w.access(ctx, b.dev.IRO, child); err != nil {
			return "", err
		}
		b.access[child] = a
	}
	return a.refusal(op, b.pos, b.now), nil
}

// flush writes what the batch changed: each entity's last state under its
// last change number, and the new op results.
func (b *batch) flush(ctx context.Context, now time.Time) error {
	entities := make([][]any, 0, len(b.written))
	for _, k := range b.written {
		r := b.entities[k]
		fields, err := marshal(r.fields)
		if err != nil {
			return err
		}
		meta, err := marshal(r.meta)
		if err != nil {
			return err
		}
		entities = append(entities, []any{k.entity, k.id, r.childID, r.version, r.deleted, fields, meta, b.changeNo[k]})
	}
	err := b.w.insert(ctx, `INSERT INTO entity (entity, id, child_id, version, deleted, fields, field_meta, change_no)`, entities,
		`ON CONFLICT (entity, id) DO UPDATE SET child_id = excluded.child_id, version = excluded.version,
			deleted = excluded.deleted, fields = excluded.fields, field_meta = excluded.field_meta,
			change_no = excluded.change_no`)
	if err != nil {
		return err
	}
	results := make([][]any, 0, len(b.pending))
	for _, p := range b.pending {
		var conflicts sql.NullString
		if len(p.result.Conflicts) > 0 {
			s, err := marshal(p.result.Conflicts)
			if err != nil {
				return err
			}
			conflicts = sql.NullString{String: s, Valid: true}
		}
		r := p.result
		results = append(results, []any{b.dev.ID, r.OpID, p.hash, string(r.Status), r.Version, r.Reason, conflicts, stamp(now)})
	}
	return b.w.insert(ctx, `INSERT INTO op_result (device_id, op_id, hash, status, version, reason, conflicts, at)`, results, "")
}

// insert runs `head VALUES (…), (…) tail` over rows, in as few statements
// as maxParams allows. Rows must not repeat a key: PostgreSQL refuses to
// upsert one row twice in a statement.
func (h handle) insert(ctx context.Context, head string, rows [][]any, tail string) error {
	if len(rows) == 0 {
		return nil
	}
	cols := len(rows[0])
	tuple := "(?" + strings.Repeat(", ?", cols-1) + ")"
	per := maxParams / cols
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		q.WriteString(" VALUES ")
		args := make([]any, 0, len(chunk)*cols)
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(tuple)
			args = append(args, r...)
		}
		q.WriteString(" ")
		q.WriteString(tail)
		if _, err := h.exec(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
