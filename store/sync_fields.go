package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/iro-app/iro/internal/syncschema"
)

// Pulled records arrive as JSON fields named like their columns (the same
// keys as op payloads). This file turns them into column values the way
// the local write path stores them, so a pulled record reads back exactly
// as one written on this laptop.

// syncOrder lists the entity kinds a pull applies, parents before the rows
// that name them: the sync schema's entities, each a table here.
var syncOrder = func() []string {
	var names []string
	for _, e := range syncschema.Entities() {
		names = append(names, e.Name)
	}
	return names
}()

// syncTable is one syncable table as the schema declares it.
type syncTable struct {
	name      string
	key       string // the primary key: id, or review_id for meeting
	versioned bool   // has version and updated_at; the append-only progress and challenge_step do not
	columns   map[string]syncColumn
	order     []string // column names in table order
}

type syncColumn struct {
	name       string
	typ        string // TEXT, INTEGER, REAL or BLOB
	notNull    bool
	hasDefault bool // an insert that leaves it out gets its default
	sealed     bool
}

// loadSyncTables reads the columns of every syncable table from the schema,
// so that only real column names from a pulled record ever reach SQL.
func loadSyncTables(tx *Tx) (map[string]*syncTable, error) {
	tables := make(map[string]*syncTable, len(syncOrder))
	for _, name := range syncOrder {
		t, err := loadSyncTable(tx, name)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

func loadSyncTable(tx *Tx, name string) (*syncTable, error) {
	if !slices.Contains(syncOrder, name) {
		return nil, fmt.Errorf("%q is not a table that syncs", name)
	}
	var sealed []string
	for _, st := range sealedTables {
		if st.Table == name {
			sealed = st.Columns
		}
	}
	t := &syncTable{name: name, columns: map[string]syncColumn{}}
	err := each(tx.ctx, tx.tx, "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)", []any{name}, func(rows *sql.Rows) error {
		var (
			c  syncColumn
			pk int
		)
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.hasDefault, &pk); err != nil {
			return err
		}
		c.sealed = slices.Contains(sealed, c.name)
		if pk == 1 {
			t.key = c.name
		}
		if c.name == "version" {
			t.versioned = true
		}
		t.columns[c.name] = c
		t.order = append(t.order, c.name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t.key == "" {
		return nil, fmt.Errorf("table %s has no primary key", name)
	}
	return t, nil
}

// field is the column a pulled field may set: a real column other than the
// key and the row's own bookkeeping (version, updated_at), which stay this
// laptop's. created_at is data on the append-only tables (the time of the
// entry) and only ever set when a row is inserted.
func (t *syncTable) field(name string) (syncColumn, bool) {
	c, ok := t.columns[name]
	if !ok || name == t.key || name == "id" || name == "version" || name == "updated_at" {
		return syncColumn{}, false
	}
	return c, true
}

// value turns one JSON field into what the local write path stores: null →
// NULL; a string as it is, except that "" in a nullable column is NULL (the
// write path stores no date, no time and no id as NULL, and its ops carry
// them as ""); an integral number → int64, any other → float64; a bool → 1
// or 0. A sealed column gets the plaintext the write path seals, which for
// every sealed column is a string (child.dob's date is sealed as its
// YYYY-MM-DD text, which is also its JSON): value returns it as a string,
// to be sealed under the row's id. A value no column can hold (an object,
// a list; null where the column needs one) is unstorable, in words.
func (c syncColumn) value(raw json.RawMessage) (any, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, refuse("its %s cannot be read", c.name)
	}
	if c.sealed {
		switch x := v.(type) {
		case nil:
			return "", nil
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
		return nil, notOneValue(c.name, v)
	}
	switch x := v.(type) {
	case nil:
		if c.notNull {
			return nil, refuse("its %s is empty, which this laptop does not allow", c.name)
		}
		return nil, nil
	case string:
		if x == "" && !c.notNull {
			return nil, nil
		}
		return x, nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, refuse("its %s is a number too large for this laptop", c.name)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), nil
		}
		return f, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, notOneValue(c.name, v)
}

func decodeJSON(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// notOneValue refuses a field holding a JSON object or array where one
// value belongs.
func notOneValue(field string, v any) error {
	if _, ok := v.([]any); ok {
		return refuse("its %s holds a list where one value belongs", field)
	}
	return refuse("its %s holds a group of values where one value belongs", field)
}

// jsonEqual reports whether two JSON values are the same value, whatever
// their spacing or key order.
func jsonEqual(a, b json.RawMessage) bool {
	x, errA := decodeJSON(a)
	y, errB := decodeJSON(b)
	return errA == nil && errB == nil && reflect.DeepEqual(x, y)
}

// arg is the SQL argument for a column value from value: sealed columns are
// sealed under the row's id here.
func (tx *Tx) arg(t *syncTable, c syncColumn, rowID string, v any) any {
	if c.sealed {
		s, _ := v.(string)
		return tx.seal(t.name, c.name, rowID, s)
	}
	return v
}

// stored is a column value as read from the row, opened if sealed, so it
// compares with what value returns.
func (tx *Tx) stored(t *syncTable, c syncColumn, rowID string, v any) (any, error) {
	if !c.sealed {
		return v, nil
	}
	b, _ := v.([]byte)
	plain, err := tx.key.Open(sealAAD(t.name, c.name, rowID), b)
	if err != nil {
		return nil, fmt.Errorf("%s.%s of %s: %w", t.name, c.name, rowID, err)
	}
	s := string(plain)
	clear(plain)
	return s, nil
}

// sameValue compares a stored column value with a pulled one.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case []byte:
			return x == string(y)
		}
	case []byte:
		switch y := b.(type) {
		case string:
			return string(x) == y
		case []byte:
			return bytes.Equal(x, y)
		}
	}
	return false
}

// childOfQueries find the child a row belongs to, by the row's id.
var childOfQueries = map[string]string{
	"child":          "SELECT id FROM child WHERE id = ?",
	"episode":        "SELECT child_id FROM episode WHERE id = ?",
	"cp_plan":        "SELECT child_id FROM cp_plan WHERE id = ?",
	"review":         "SELECT child_id FROM review WHERE id = ?",
	"meeting":        "SELECT child_id FROM review WHERE id = ?", // a meeting's id is its review's
	"section":        "SELECT r.child_id FROM section x JOIN review r ON r.id = x.review_id WHERE x.id = ?",
	"consultation":   "SELECT r.child_id FROM consultation x JOIN review r ON r.id = x.review_id WHERE x.id = ?",
	"document":       "SELECT r.child_id FROM document x JOIN review r ON r.id = x.review_id WHERE x.id = ?",
	"checklist_item": "SELECT r.child_id FROM checklist_item x JOIN review r ON r.id = x.review_id WHERE x.id = ?",
	"attendee":       "SELECT r.child_id FROM attendee x JOIN review r ON r.id = x.review_id WHERE x.id = ?",
	"recommendation": "SELECT child_id FROM recommendation WHERE id = ?",
	"progress":       "SELECT r.child_id FROM progress x JOIN recommendation r ON r.id = x.recommendation_id WHERE x.id = ?",
	"monitoring":     "SELECT child_id FROM monitoring WHERE id = ?",
	"challenge":      "SELECT child_id FROM challenge WHERE id = ?",
	"challenge_step": "SELECT c.child_id FROM challenge_step x JOIN challenge c ON c.id = x.challenge_id WHERE x.id = ?",
}

// childOf is the child a record belongs to: from its row, else from what
// the last pull said, else "".
func (tx *Tx) childOf(entity, id string) (string, error) {
	var childID string
	if q, ok := childOfQueries[entity]; ok {
		err := tx.tx.QueryRowContext(tx.ctx, q, id).Scan(&childID)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return childID, err
		}
	}
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT child_id FROM sync_entity WHERE entity = ? AND id = ?", entity, id).Scan(&childID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return childID, err
}

// stmtCache prepares each statement once per transaction. The sync loops
// run the same few statements for every op or record, and parsing them
// afresh each time was most of a pull's cost. A Tx closes its prepared
// statements when it ends.
type stmtCache struct {
	tx *Tx
	m  map[string]*sql.Stmt
}

func (c *stmtCache) stmt(query string) (*sql.Stmt, error) {
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	s, err := c.tx.tx.PrepareContext(c.tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) exec(query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(c.tx.ctx, args...)
}

// scanRow runs a one-row query into dest; sql.ErrNoRows when there is none.
func (c *stmtCache) scanRow(query string, args []any, dest ...any) error {
	s, err := c.stmt(query)
	if err != nil {
		return err
	}
	return s.QueryRowContext(c.tx.ctx, args...).Scan(dest...)
}

// each is the package's each through a cached statement.
func (c *stmtCache) each(query string, args []any, fn func(*sql.Rows) error) error {
	s, err := c.stmt(query)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	rows, err := s.QueryContext(c.tx.ctx, args...)
	return eachRow(rows, err, fn)
}
