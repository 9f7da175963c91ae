package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/syncschema"
	"github.com/iro-app/iro/internal/vault"
)

// Pulling: applying a page of changes from the server, and purging the
// children it takes out of the IRO's allocation.

// PullStats counts what one page did. Applied: records inserted or changed
// (a step raised with a challenge counts as a record of its own);
// Deleted: rows deleted; Kept: records held back, wholly or in part, for
// this laptop's pending ops or open conflicts, or parked until their parent
// arrives; Skipped: records of kinds this iro does not know; Purged:
// revoked children removed; SetAside: records this laptop cannot store,
// kept aside with the reason (SetAsideRecords).
type PullStats struct{ Applied, Deleted, Kept, Skipped, Purged, SetAside int }

// ApplyChanges applies one page of GET /v1/changes and saves its cursor, in
// one transaction: if anything fails, nothing of the page is kept and the
// cursor does not move, so the page comes again.
//
// A record this laptop cannot store (a field holding a JSON object, a
// create without a required field, a value the schema refuses) does not
// fail the page: that would stop every later pull, revocations included.
// Each record is applied inside its own savepoint; one the schema refuses
// is rolled back alone and set aside, sealed, with the reason in plain
// words, and the rest of the page goes on. A later page's version of it
// that fits replaces it; one that does not replaces the set-aside copy.
// Anything else that fails (the disk, the context, the key) still fails
// the whole page.
//
// Records are applied parents first. A record with pending ops is never
// overwritten: its fields that no pending op (and no open conflict) names
// are merged, the rest kept; it is not deleted, nor re-created if it was
// deleted here. A changed row's version moves on, so an editor holding the
// old one gets ErrConflict instead of overwriting the pulled values. Rows of
// the append-only progress and challenge_step are inserted, never changed;
// the steps a challenge was raised with, which the server keeps inside the
// challenge (its "steps" field, as the challenge.raise op carried them),
// become challenge_step rows; a recommendation's status follows its latest
// status-setting progress entry, as AddProgress keeps it.
// A record whose parent is missing (pages are cut by change number, so a
// parent can come a page later) or that collides with a local row is parked
// and retried by every later pull. Nothing pulled ever writes an outbox op.
//
// A revoked child is purged now if no op at all is waiting to be pushed
// (push first, then purge), else remembered and purged by the first pull
// that finds the outbox drained. It needs the key.
func (db *DB) ApplyChanges(ctx context.Context, page protocol.ChangesResponse) (PullStats, error) {
	if page.Cursor < 0 {
		return PullStats{}, fmt.Errorf("store: the server sent a negative cursor (%d)", page.Cursor)
	}
	var stats PullStats
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.write("apply changes", true, func() error {
			p := puller{tx: tx, sql: stmtCache{tx: tx}}
			if err := p.apply(page); err != nil {
				return err
			}
			stats = p.stats
			return nil
		})
	})
	if err != nil {
		return PullStats{}, err
	}
	return stats, nil
}

type puller struct {
	tx     *Tx
	sql    stmtCache
	tables map[string]*syncTable
	stats  PullStats

	// recommendations whose status must be derived again from their
	// progress, because the page changed one or the other.
	recommendations map[string]bool

	// What the database held when the page started; each saves a query per
	// record when there is nothing of its kind, the usual case.
	anyPending, anyConflicts, anyParked, anyRevoked, anySetAside bool
}

// pullOutcome is what applying one record came to.
type pullOutcome int

const (
	pullUnchanged pullOutcome = iota
	pullApplied
	pullDeleted
	pullKept
	pullSkipped
	pullParkable // its parent is missing or it collides with a local row: retry, then park
	pullSetAside // this laptop cannot store it: set aside (setAside)
)

// unstorable is a record this laptop cannot store, whatever else it holds:
// the schema refuses it. reason says why in plain words, naming fields but
// never their values, fit to show the IRO.
type unstorable struct{ reason string }

func (e *unstorable) Error() string { return e.reason }

func refuse(format string, args ...any) error {
	return &unstorable{reason: fmt.Sprintf(format, args...)}
}

func (p *puller) apply(page protocol.ChangesResponse) error {
	tx := p.tx
	var err error
	if p.tables, err = loadSyncTables(tx); err != nil {
		return err
	}
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending'),
		EXISTS (SELECT 1 FROM sync_conflict), EXISTS (SELECT 1 FROM sync_parked), EXISTS (SELECT 1 FROM sync_revoked),
		EXISTS (SELECT 1 FROM sync_set_aside)`).
		Scan(&p.anyPending, &p.anyConflicts, &p.anyParked, &p.anyRevoked, &p.anySetAside); err != nil {
		return err
	}

	// A child the server sends records of is allocated again: a revoke
	// still waiting for the outbox to drain no longer holds.
	children := map[string]bool{}
	for _, e := range page.Entities {
		if p.anyRevoked && e.ChildID != "" && !children[e.ChildID] {
			children[e.ChildID] = true
			if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM sync_revoked WHERE child_id = ?", e.ChildID); err != nil {
				return err
			}
		}
	}
	if p.anyRevoked && !p.anyPending {
		var waiting []string
		err := each(tx.ctx, tx.tx, "SELECT child_id FROM sync_revoked ORDER BY child_id", nil, func(rows *sql.Rows) error {
			var id string
			err := rows.Scan(&id)
			waiting = append(waiting, id)
			return err
		})
		if err != nil {
			return err
		}
		for _, id := range waiting {
			if err := p.purge(id); err != nil {
				return err
			}
		}
	}

	entities, unreadable := withRaisedSteps(page.Entities)
	for _, u := range unreadable {
		if err := p.setAside(u.e, u.reason); err != nil {
			return err
		}
		if err := p.settled(u.e, pullSetAside); err != nil {
			return err
		}
	}
	if entities, err = p.withParked(entities); err != nil {
		return err
	}
	sortParentsFirst(entities)
	// Retry what could not be applied for as long as each pass applies
	// something: within a page, a parent may only fit once another record
	// has gone in (a correction step and the step it corrects).
	for len(entities) > 0 {
		var retry []protocol.Entity
		for _, e := range entities {
			o, err := p.applyOne(e)
			if err != nil {
				return fmt.Errorf("%s %s: %w", e.Entity, e.ID, err)
			}
			if o == pullParkable {
				retry = append(retry, e)
				continue
			}
			p.count(o)
			if o == pullApplied {
				p.touched(e)
			}
			if err := p.settled(e, o); err != nil {
				return err
			}
		}
		if len(retry) == len(entities) {
			for _, e := range retry {
				if err := p.park(e); err != nil {
					return err
				}
				p.stats.Kept++
			}
			break
		}
		entities = retry
	}

	if err := p.deriveStatuses(); err != nil {
		return err
	}

	for _, childID := range page.Revoked {
		if p.anyPending {
			if _, err := tx.tx.ExecContext(tx.ctx, "INSERT INTO sync_revoked (child_id, revoked_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
				childID, tx.now); err != nil {
				return err
			}
			continue
		}
		if err := p.purge(childID); err != nil {
			return err
		}
	}

	return p.saveCursor(page)
}

// saveCursor moves the cursor to the page's. The page's epoch becomes the
// laptop's if it had none; another one than it had means the page belongs
// to another life of the server's database (which the server refuses to
// mix), so nothing of it is kept.
func (p *puller) saveCursor(page protocol.ChangesResponse) error {
	var epoch string
	err := p.tx.tx.QueryRowContext(p.tx.ctx, "SELECT epoch FROM sync_state WHERE id = ?", syncStateRow).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotEnrolled
	} else if err != nil {
		return err
	}
	if epoch != "" && page.Epoch != "" && page.Epoch != epoch {
		return errors.New("store: the page is from another epoch of the server than this laptop's cursor")
	}
	return p.tx.updateSyncState("cursor = ?, epoch = ?", page.Cursor, cmp.Or(epoch, page.Epoch))
}

func (p *puller) count(o pullOutcome) {
	switch o {
	case pullApplied:
		p.stats.Applied++
	case pullDeleted:
		p.stats.Deleted++
	case pullKept:
		p.stats.Kept++
	case pullSkipped:
		p.stats.Skipped++
	case pullSetAside:
		p.stats.SetAside++
	}
}

// settled forgets what earlier pulls kept of a record this page settled
// with outcome o: it is no longer parked, and if it fitted, the copy set
// aside is out of date.
func (p *puller) settled(e protocol.Entity, o pullOutcome) error {
	if p.anyParked {
		if _, err := p.sql.exec("DELETE FROM sync_parked WHERE id = ?", parkedID(e)); err != nil {
			return err
		}
	}
	if p.anySetAside && o != pullSetAside {
		if _, err := p.sql.exec("DELETE FROM sync_set_aside WHERE id = ?", parkedID(e)); err != nil {
			return err
		}
	}
	return nil
}

// applyOne applies one record inside a savepoint of its own: if the schema
// refuses it, what it wrote is rolled back and it is set aside; any other
// failure is the page's. A parkable record is rolled back too, though it
// has written nothing (applyEntity), so that nothing can depend on that.
func (p *puller) applyOne(e protocol.Entity) (pullOutcome, error) {
	if _, err := p.sql.exec("SAVEPOINT pull_record"); err != nil {
		return 0, err
	}
	o, err := p.applyEntity(e)
	var refused *unstorable
	switch {
	case errors.As(err, &refused):
	case err != nil:
		return 0, err // the transaction is rolled back as a whole
	case o != pullParkable:
		_, err := p.sql.exec("RELEASE pull_record")
		return o, err
	}
	if _, err := p.sql.exec("ROLLBACK TO pull_record"); err != nil {
		return 0, err
	}
	if _, err := p.sql.exec("RELEASE pull_record"); err != nil {
		return 0, err
	}
	if refused == nil {
		return o, nil
	}
	return pullSetAside, p.setAside(e, refused.reason)
}

// sortParentsFirst orders records by kind as syncOrder lists them, unknown
// kinds last; a challenge's steps by their place in its history, so a
// correction comes after the step it corrects; otherwise by id.
func sortParentsFirst(es []protocol.Entity) {
	rank := func(kind string) int {
		if i := slices.Index(syncOrder, kind); i >= 0 {
			return i
		}
		return len(syncOrder)
	}
	seq := func(e protocol.Entity) int64 {
		var n int64
		if raw, ok := e.Fields["seq"]; ok {
			_ = json.Unmarshal(raw, &n)
		}
		return n
	}
	slices.SortStableFunc(es, func(a, b protocol.Entity) int {
		return cmp.Or(cmp.Compare(rank(a.Entity), rank(b.Entity)), cmp.Compare(seq(a), seq(b)), strings.Compare(a.ID, b.ID))
	})
}

// applyEntity applies one record. Only a write of the record's own row can
// fail as parkable, and it is the first write made for the record, so a
// parkable record has changed nothing.
func (p *puller) applyEntity(e protocol.Entity) (pullOutcome, error) {
	tx := p.tx
	t, ok := p.tables[e.Entity]
	if !ok {
		return pullSkipped, nil
	}
	if e.ID == "" {
		return 0, refuse("it has no id")
	}
	pending, hasPending, err := p.pendingFields(e)
	if err != nil {
		return 0, err
	}

	if e.Deleted {
		if hasPending || !t.versioned {
			// Not while this laptop has changes to it waiting; and the
			// history of progress and challenges is never taken away (the
			// server sends an entry deleted when its parent went, which
			// took it here too, or never brought it: nothing is kept).
			if _, found, err := p.row(t, e.ID); err != nil || (!found && !hasPending) {
				return pullUnchanged, err
			}
			return pullKept, nil
		}
		res, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM "+quote(t.name)+" WHERE "+quote(t.key)+" = ?", e.ID)
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return pullKept, nil // a challenge names it, and a challenge is a record of what the IRO did
		}
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		for _, q := range []string{"DELETE FROM sync_conflict WHERE entity = ? AND entity_id = ?",
			"DELETE FROM sync_entity WHERE entity = ? AND id = ?"} {
			if _, err := tx.tx.ExecContext(tx.ctx, q, e.Entity, e.ID); err != nil {
				return 0, err
			}
		}
		if n == 0 {
			return pullUnchanged, nil
		}
		return pullDeleted, nil
	}

	current, found, err := p.row(t, e.ID)
	if err != nil {
		return 0, err
	}
	// The server checks what it stores against the same schema; a record
	// that still does not fit (stored before it did) must not half-apply.
	if err := syncschema.CheckRecord(e.Entity, e.ID, e.Fields, !found); err != nil {
		return 0, refuse("%s", err) // nothing a retry can change: set it aside
	}
	var o pullOutcome
	switch {
	case !found && hasPending:
		// Deleted here, and the delete is waiting to be pushed.
		return pullKept, nil
	case !found:
		if o, err = p.insert(t, e); err != nil || o == pullParkable {
			return o, err
		}
	case !t.versioned:
		o = pullUnchanged // an entry in a history never changes
	default:
		conflicted, err := p.conflictedFields(e)
		if err != nil {
			return 0, err
		}
		if o, err = p.update(t, e, current, pending, conflicted); err != nil || o == pullParkable {
			return o, err
		}
	}

	if err := p.refreshConflicts(e); err != nil {
		return 0, err
	}
	if !hasPending {
		childID := e.ChildID
		if childID == "" {
			if childID, err = tx.childOf(e.Entity, e.ID); err != nil {
				return 0, err
			}
		}
		_, err := p.sql.exec(`INSERT INTO sync_entity (entity, id, child_id, server_version) VALUES (?, ?, ?, ?)
			ON CONFLICT (entity, id) DO UPDATE SET child_id = excluded.child_id, server_version = excluded.server_version`,
			e.Entity, e.ID, childID, e.Version)
		if err != nil {
			return 0, err
		}
	}
	return o, nil
}

// pendingFields is the union of the fields the record's pending ops carry.
func (p *puller) pendingFields(e protocol.Entity) (map[string]bool, bool, error) {
	if !p.anyPending {
		return nil, false, nil
	}
	tx := p.tx
	fields := map[string]bool{}
	found := false
	err := p.sql.each("SELECT op_id, payload FROM outbox WHERE entity = ? AND entity_id = ? AND state = 'pending'",
		[]any{e.Entity, e.ID}, func(rows *sql.Rows) error {
			var (
				opID   string
				sealed []byte
			)
			if err := rows.Scan(&opID, &sealed); err != nil {
				return err
			}
			found = true
			payload, err := tx.key.Open(outboxAAD(opID), sealed)
			if err != nil {
				return fmt.Errorf("outbox payload of %s: %w", opID, err)
			}
			defer clear(payload)
			var keys map[string]json.RawMessage
			if err := json.Unmarshal(payload, &keys); err != nil {
				return fmt.Errorf("outbox payload of %s: %w", opID, err)
			}
			for k := range keys {
				fields[k] = true
			}
			return nil
		})
	return fields, found, err
}

// conflictedFields are the record's fields with an open conflict.
func (p *puller) conflictedFields(e protocol.Entity) (map[string]bool, error) {
	if !p.anyConflicts {
		return nil, nil
	}
	fields := map[string]bool{}
	err := p.sql.each("SELECT field FROM sync_conflict WHERE entity = ? AND entity_id = ?", []any{e.Entity, e.ID},
		func(rows *sql.Rows) error {
			var f string
			err := rows.Scan(&f)
			fields[f] = true
			return err
		})
	return fields, err
}

// row reads a record's row as stored: column name → value, sealed ones
// still sealed.
func (p *puller) row(t *syncTable, id string) (map[string]any, bool, error) {
	cols := make([]string, len(t.order))
	vals := make([]any, len(t.order))
	ptrs := make([]any, len(t.order))
	for i, c := range t.order {
		cols[i] = quote(c)
		ptrs[i] = &vals[i]
	}
	err := p.sql.scanRow("SELECT "+strings.Join(cols, ", ")+" FROM "+quote(t.name)+" WHERE "+quote(t.key)+" = ?", []any{id}, ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	row := make(map[string]any, len(t.order))
	for i, c := range t.order {
		row[c] = vals[i]
	}
	return row, true, nil
}

// fieldNames are a record's fields in a fixed order, for stable SQL.
func fieldNames(e protocol.Entity) []string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// insert writes a record this laptop does not have, with every field it
// carries; a sealed column it lacks is sealed empty, as the write path
// would have it.
func (p *puller) insert(t *syncTable, e protocol.Entity) (pullOutcome, error) {
	tx := p.tx
	cols := []string{t.key}
	args := []any{e.ID}
	if t.versioned {
		cols = append(cols, "version", "updated_at")
		args = append(args, 1, tx.now)
	}
	set := map[string]bool{}
	for _, name := range fieldNames(e) {
		c, ok := t.field(name)
		if !ok {
			continue
		}
		v, err := c.value(e.Fields[name])
		if err != nil {
			return 0, err
		}
		cols = append(cols, name)
		args = append(args, tx.arg(t, c, e.ID, v))
		set[name] = true
	}
	if _, ok := t.columns["created_at"]; ok && !set["created_at"] {
		cols = append(cols, "created_at")
		args = append(args, tx.now)
	}
	for _, name := range t.order {
		c := t.columns[name]
		switch _, data := t.field(name); {
		case set[name] || !data || name == "created_at":
		case c.sealed:
			cols = append(cols, name)
			args = append(args, tx.arg(t, c, e.ID, ""))
		case c.notNull && !c.hasDefault:
			return 0, refuse("it has no %s, which this laptop needs", name)
		}
	}
	for i := range cols {
		cols[i] = quote(cols[i])
	}
	_, err := p.sql.exec("INSERT INTO "+quote(t.name)+" ("+strings.Join(cols, ", ")+") VALUES (?"+
		strings.Repeat(", ?", len(cols)-1)+")", args...)
	if parkableError(err) {
		return pullParkable, nil
	}
	if err != nil {
		return 0, refusal(err, t)
	}
	return pullApplied, nil
}

// update merges a record into its row: every field whose value differs,
// except those pending ops or open conflicts hold, which are kept.
func (p *puller) update(t *syncTable, e protocol.Entity, current map[string]any, pending, conflicted map[string]bool) (pullOutcome, error) {
	tx := p.tx
	var (
		sets []string
		args []any
		held bool
	)
	derived, err := p.statusDerived(t, e.ID)
	if err != nil {
		return 0, err
	}
	for _, name := range fieldNames(e) {
		c, ok := t.field(name)
		if !ok || name == "created_at" || (derived && name == "status") {
			continue
		}
		v, err := c.value(e.Fields[name])
		if err != nil {
			return 0, err
		}
		have, err := tx.stored(t, c, e.ID, current[name])
		if err != nil {
			return 0, err
		}
		if sameValue(have, v) {
			continue
		}
		if pending[name] || conflicted[name] {
			held = true
			continue
		}
		sets = append(sets, quote(name)+" = ?")
		args = append(args, tx.arg(t, c, e.ID, v))
	}
	o := pullUnchanged
	if len(sets) > 0 {
		_, err := p.sql.exec("UPDATE "+quote(t.name)+" SET version = version + 1, updated_at = ?, "+
			strings.Join(sets, ", ")+" WHERE "+quote(t.key)+" = ?", append(append([]any{tx.now}, args...), e.ID)...)
		if parkableError(err) {
			return pullParkable, nil
		}
		if err != nil {
			return 0, refusal(err, t)
		}
		o = pullApplied
	}
	if held {
		p.stats.Kept++
	}
	return o, nil
}

// parkableError reports a write refused for another row's sake: a parent
// that is not here (yet), or a unique key a local row already holds. The
// record itself may be sound, so it waits rather than failing the page.
func parkableError(err error) bool {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return true
	}
	return false
}

// refusal is err in plain words if it is the schema refusing a record's
// values, which no retry can change (see unstorable), else err. SQLite's
// own message quotes SQL, so it is only searched for the column it names.
func refusal(err error, t *syncTable) error {
	var what string
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		what = "is not a value this laptop accepts"
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		what = "is empty, which this laptop does not allow"
	case sqlite3.SQLITE_CONSTRAINT_DATATYPE, sqlite3.SQLITE_MISMATCH:
		what = "is the wrong kind of value"
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return refuse("this laptop's rules for a %s refuse it", t.name)
	default:
		return err
	}
	if f := t.columnNamedIn(err.Error()); f != "" {
		return refuse("its %s %s", f, what)
	}
	return refuse("one of its values %s", what)
}

// columnNamedIn is the first data column (in table order) that msg names
// as a whole word, or "".
func (t *syncTable) columnNamedIn(msg string) string {
	word := func(b byte) bool { return b == '_' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' }
	for _, name := range t.order {
		if _, ok := t.field(name); !ok {
			continue
		}
		for i := strings.Index(msg, name); i >= 0; {
			end := i + len(name)
			if (i == 0 || !word(msg[i-1])) && (end == len(msg) || !word(msg[end])) {
				return name
			}
			next := strings.Index(msg[i+1:], name)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return ""
}

// refreshConflicts gives the record's open conflicts the server's latest
// value of their field.
func (p *puller) refreshConflicts(e protocol.Entity) error {
	if !p.anyConflicts {
		return nil
	}
	tx := p.tx
	type open struct {
		id         int64
		uid, field string
	}
	var conflicts []open
	err := p.sql.each("SELECT id, uid, field FROM sync_conflict WHERE entity = ? AND entity_id = ? AND server_version <= ?",
		[]any{e.Entity, e.ID, e.Version}, func(rows *sql.Rows) error {
			var c open
			err := rows.Scan(&c.id, &c.uid, &c.field)
			conflicts = append(conflicts, c)
			return err
		})
	if err != nil {
		return err
	}
	for _, c := range conflicts {
		v, ok := e.Fields[c.field]
		if !ok {
			continue
		}
		if _, err := tx.tx.ExecContext(tx.ctx, "UPDATE sync_conflict SET server = ?, server_version = ? WHERE id = ?",
			tx.key.Seal(conflictAAD(c.uid, "server"), v), e.Version, c.id); err != nil {
			return err
		}
	}
	return nil
}

// unreadable is a record set aside before it is applied, and why.
type unreadable struct {
	e      protocol.Entity
	reason string
}

// withRaisedSteps adds the steps a challenge.raise op carried (its
// "steps" field: the server keeps an op's payload as the record's fields)
// as challenge_step records of their own, which is how this laptop stores
// them. A step the page also sends on its own is taken from there. A
// challenge whose steps cannot be read is left out, with the reason, to be
// set aside: raised without them it would lose its history.
func withRaisedSteps(page []protocol.Entity) ([]protocol.Entity, []unreadable) {
	out := make([]protocol.Entity, 0, len(page))
	var bad []unreadable
	sent := map[string]bool{}
	for _, e := range page {
		if e.Entity == "challenge_step" {
			sent[e.ID] = true
		}
	}
	var added []protocol.Entity
	for _, e := range page {
		steps, reason := raisedSteps(e, sent)
		if reason != "" {
			bad = append(bad, unreadable{e, reason})
			continue
		}
		out = append(out, e)
		added = append(added, steps...)
	}
	return append(out, added...), bad
}

// raisedSteps are the steps e carries as records, leaving out those in
// sent; reason is why they cannot be read.
func raisedSteps(e protocol.Entity, sent map[string]bool) (out []protocol.Entity, reason string) {
	raw, ok := e.Fields["steps"]
	if e.Entity != "challenge" || e.Deleted || !ok {
		return nil, ""
	}
	var steps []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &steps); err != nil {
		return nil, "its steps are not a list of steps"
	}
	for i, fields := range steps {
		var id string
		if err := json.Unmarshal(fields["id"], &id); err != nil || id == "" {
			return nil, fmt.Sprintf("its step %d has no id", i+1)
		}
		if sent[id] {
			continue
		}
		delete(fields, "id")
		out = append(out, protocol.Entity{Entity: "challenge_step", ID: id, ChildID: e.ChildID, Version: e.Version, Fields: fields})
	}
	return out, ""
}

// touched notes a recommendation whose status may have to follow its
// progress: one pulled, or one that a pulled progress entry belongs to.
func (p *puller) touched(e protocol.Entity) {
	id := ""
	switch e.Entity {
	case "recommendation":
		id = e.ID
	case "progress":
		_ = json.Unmarshal(e.Fields["recommendation_id"], &id)
	}
	if id == "" {
		return
	}
	if p.recommendations == nil {
		p.recommendations = map[string]bool{}
	}
	p.recommendations[id] = true
}

// statusDerived reports whether a row's status follows its progress (a
// recommendation with a status-setting entry), so that a pulled status is
// not taken only to be derived again (deriveStatuses).
func (p *puller) statusDerived(t *syncTable, id string) (bool, error) {
	if t.name != "recommendation" {
		return false, nil
	}
	var derived bool
	err := p.sql.scanRow("SELECT EXISTS (SELECT 1 FROM progress WHERE recommendation_id = ? AND status <> '')", []any{id}, &derived)
	return derived, err
}

// deriveStatuses sets each touched recommendation's status to that of its
// latest status-setting progress entry, as AddProgress keeps it: status is
// a cache of the append-only progress stream (0002), which a pulled
// recommendation's own status field may not have caught up with. Like
// AddProgress, it does not move the recommendation's version. A
// recommendation with no such entry keeps the status it has.
func (p *puller) deriveStatuses() error {
	ids := make([]string, 0, len(p.recommendations))
	for id := range p.recommendations {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		_, err := p.sql.exec(`UPDATE recommendation SET status = latest.status
			FROM (SELECT status FROM progress WHERE recommendation_id = ? AND status <> ''
				ORDER BY created_at DESC, id DESC LIMIT 1) AS latest
			WHERE recommendation.id = ? AND recommendation.status <> latest.status`, id, id)
		if err != nil {
			return err
		}
	}
	return nil
}

func parkedID(e protocol.Entity) string { return e.Entity + "/" + e.ID }

func parkedAAD(id string) vault.AAD { return sealAAD("sync_parked", "record", id) }

// withParked adds the records parked by earlier pulls to a page's, a
// page's newer state of a record replacing the parked one.
func (p *puller) withParked(page []protocol.Entity) ([]protocol.Entity, error) {
	out := slices.Clone(page)
	if !p.anyParked {
		return out, nil
	}
	inPage := map[string]int64{}
	for _, e := range page {
		inPage[parkedID(e)] = e.Version
	}
	tx := p.tx
	var parked []protocol.Entity
	err := each(tx.ctx, tx.tx, "SELECT id, record FROM sync_parked ORDER BY id", nil, func(rows *sql.Rows) error {
		var (
			id     string
			sealed []byte
		)
		if err := rows.Scan(&id, &sealed); err != nil {
			return err
		}
		plain, err := tx.key.Open(parkedAAD(id), sealed)
		if err != nil {
			return fmt.Errorf("sync_parked.record of %s: %w", id, err)
		}
		defer clear(plain)
		var e protocol.Entity
		if err := json.Unmarshal(plain, &e); err != nil {
			return fmt.Errorf("sync_parked.record of %s: %w", id, err)
		}
		if v, ok := inPage[id]; !ok || v < e.Version {
			parked = append(parked, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, e := range parked {
		// A parked record newer than the page's copy wins.
		out = slices.DeleteFunc(out, func(x protocol.Entity) bool { return parkedID(x) == parkedID(e) })
		out = append(out, e)
	}
	return out, nil
}

// park keeps a record that cannot be applied yet, sealed, for the next pull.
func (p *puller) park(e protocol.Entity) error {
	tx := p.tx
	record, err := json.Marshal(e)
	if err != nil {
		return err
	}
	defer clear(record)
	id := parkedID(e)
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO sync_parked (id, entity, entity_id, child_id, version, record, parked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET child_id = excluded.child_id, version = excluded.version,
		record = excluded.record`, id, e.Entity, e.ID, e.ChildID, e.Version, tx.key.Seal(parkedAAD(id), record), tx.now)
	return err
}

func setAsideAAD(id string) vault.AAD { return sealAAD("sync_set_aside", "record", id) }

// setAside keeps a record this laptop cannot store, sealed, with the
// reason, in place of any older copy; and not parked, since retrying it
// cannot help. The next version of it that fits takes its place (apply).
func (p *puller) setAside(e protocol.Entity, reason string) error {
	tx := p.tx
	record, err := json.Marshal(e)
	if err != nil {
		return err
	}
	defer clear(record)
	childID := e.ChildID
	if childID == "" {
		if childID, err = tx.childOf(e.Entity, e.ID); err != nil {
			return err
		}
	}
	id := parkedID(e)
	_, err = p.sql.exec(`INSERT INTO sync_set_aside (id, entity, entity_id, child_id, server_version, record, reason, set_aside_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET child_id = excluded.child_id,
		server_version = excluded.server_version, record = excluded.record, reason = excluded.reason,
		set_aside_at = excluded.set_aside_at`,
		id, e.Entity, e.ID, childID, e.Version, tx.key.Seal(setAsideAAD(id), record), reason, tx.now)
	if err != nil {
		return err
	}
	p.anySetAside = true
	return nil
}

// purge removes a child the server revoked, with everything under it (the
// foreign keys cascade, challenge steps and progress included), and what
// sync knew of it. The outbox keeps its ops: they are the record of what the
// IRO wrote. The audit log says so, naming only the opaque id.
func (p *puller) purge(childID string) error {
	tx := p.tx
	res, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM child WHERE id = ?", childID)
	if err != nil {
		return fmt.Errorf("purge child %s: %w", childID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	for _, table := range []string{"sync_entity", "sync_conflict", "sync_parked", "sync_revoked", "sync_set_aside"} {
		if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM "+table+" WHERE child_id = ?", childID); err != nil {
			return fmt.Errorf("purge child %s: %w", childID, err)
		}
	}
	if n == 0 {
		return nil
	}
	p.stats.Purged++
	return appendAudit(tx.ctx, tx.tx, tx.now, AuditPurge, "child revoked by the server: "+childID)
}
