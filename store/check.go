package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iro-app/iro/internal/vault"
)

// Report is what Check found; no Problems means the database is sound.
type Report struct {
	Problems []Problem

	// What was looked at, so that "no problems" can be told apart from
	// "nothing checked".
	Tables       int // tables in the schema
	SealedValues int // sealed cells opened, outbox payloads included
	OutboxOps    int // rows in the outbox
}

// Problem is one thing wrong with the database. It names places (tables,
// columns, row ids) and never holds a sealed value's plaintext.
type Problem struct {
	Area  string // "integrity", "foreign key", "outbox" or "sealed"
	Where string // e.g. "child.first_name of 0190…"
	What  string
}

func (p Problem) String() string { return p.Area + ": " + p.Where + ": " + p.What }

// sealedTable is one table whose columns the vault seals, and the column
// whose value is the row id in their AAD (table|column|row id).
type sealedTable struct {
	Table   string
	RowID   string
	Columns []string
}

// sealedTables is the one list of sealed columns. Check walks it, and
// TestSealedColumnsMatchSchema compares it with the BLOB columns the
// migrations create, so a new sealed column cannot be missed by the check.
// meeting has no id of its own and seals under its review's; an outbox op
// seals under its op id; a sync conflict under its uid (its id is a number).
var sealedTables = []sealedTable{
	{"child", "id", []string{"la_id", "first_name", "last_name", "dob", "upn", "plan_status"}},
	{"episode", "id", []string{"provider", "postcode_district"}},
	{"review", "id", []string{"location"}},
	{"meeting", "review_id", []string{"wishes", "letter"}},
	{"consultation", "id", []string{"name", "summary"}},
	{"checklist_item", "id", []string{"note"}},
	{"attendee", "id", []string{"name"}},
	{"section", "id", []string{"title", "notes"}},
	{"recommendation", "id", []string{"text", "owner_name"}},
	{"progress", "id", []string{"text", "chased"}},
	{"monitoring", "id", []string{"contact", "checked", "outcome"}},
	{"challenge", "id", []string{"issue", "decision", "remedy"}},
	{"challenge_step", "id", []string{"addressee", "text"}},
	{"outbox", "op_id", []string{"payload"}},
	{"sync_state", "id", []string{"token"}},
	{"sync_conflict", "uid", []string{"local", "server"}},
	{"sync_parked", "id", []string{"record"}},
	{"sync_set_aside", "id", []string{"record"}},
}

// unsealedBlobColumns are the BLOB columns that are not sealed values: the
// key material, which the vault protects by other means (the wrapped key
// is bound to its salt and parameters).
var unsealedBlobColumns = []string{"key_material.salt", "key_material.wrapped_key"}

// localTables hold this laptop's own state and are never synced, so no
// outbox op may name them.
var localTables = []string{"settings", "key_material", "holiday", "outbox", "audit",
	"sync_state", "sync_entity", "sync_conflict", "sync_revoked", "sync_parked", "sync_set_aside"}

// outboxStates are the states the outbox CHECK allows.
var outboxStates = []string{"pending", "acked", "rejected"}

// Check looks the database over: SQLite's integrity check, the foreign keys,
// the outbox (payloads open and are JSON, op ids unique, states known,
// pending ops name a synced table) and every sealed value (it opens under
// its own table, column and row id). It needs the key (ErrLocked). What is
// wrong is in the Report; the error is for a check that could not run.
func (db *DB) Check(ctx context.Context) (Report, error) {
	var r Report
	err := db.read(ctx, func(tx *sql.Tx, key *vault.Key) error {
		c := checker{ctx: ctx, tx: tx, key: key, report: &r}
		for _, step := range []func() error{c.integrity, c.foreignKeys, c.outbox, c.sealed} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	return r, nil
}

type checker struct {
	ctx    context.Context
	tx     *sql.Tx
	key    *vault.Key
	report *Report
	tables []string // user tables in the schema, by name
}

func (c *checker) add(area, where, what string) {
	c.report.Problems = append(c.report.Problems, Problem{Area: area, Where: where, What: what})
}

// failed records a query that SQLite could not run (a damaged page, say) as
// a problem, so the rest of the check still runs; only a cancelled context
// stops it.
func (c *checker) failed(area, where string, err error) error {
	if ctxErr := c.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	c.add(area, where, "could not be read: "+oneLine(err.Error()))
	return nil
}

func (c *checker) integrity() error {
	err := c.eachText("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", nil,
		func(name string) { c.tables = append(c.tables, name) })
	if err != nil {
		return c.failed("integrity", "schema", err)
	}
	c.report.Tables = len(c.tables)
	var messages []string
	if err := c.eachText("PRAGMA integrity_check", nil, func(m string) { messages = append(messages, m) }); err != nil {
		if ctxErr := c.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		c.add("integrity", "database file", "SQLite's integrity check could not finish: "+oneLine(err.Error()))
		return nil
	}
	if len(messages) == 1 && messages[0] == "ok" {
		return nil
	}
	for _, m := range messages {
		c.add("integrity", "database file", oneLine(m))
	}
	return nil
}

// foreignKeys reports each row whose parent is missing, by its id where the
// table has one.
func (c *checker) foreignKeys() error {
	type violation struct {
		table  string
		rowid  sql.NullInt64
		parent string
	}
	var vs []violation
	rows, err := c.tx.QueryContext(c.ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return c.failed("foreign key", "database", err)
	}
	for rows.Next() {
		var v violation
		var fkid int
		if err := rows.Scan(&v.table, &v.rowid, &v.parent, &fkid); err != nil {
			rows.Close()
			return c.failed("foreign key", "database", err)
		}
		vs = append(vs, v)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return c.failed("foreign key", "database", err)
	}
	for _, v := range vs {
		where := v.table + " row " + strconv.FormatInt(v.rowid.Int64, 10)
		if id, ok := c.rowID(v.table, v.rowid); ok {
			where = v.table + " " + id
		}
		c.add("foreign key", where, "refers to a "+v.parent+" that does not exist")
	}
	return nil
}

// rowID is the primary key of a table's row given its SQLite rowid, when
// the key is a single column.
func (c *checker) rowID(table string, rowid sql.NullInt64) (string, bool) {
	if !rowid.Valid || !slices.Contains(c.tables, table) {
		return "", false
	}
	var pk []string
	err := c.eachText("SELECT name FROM pragma_table_info(?) WHERE pk > 0", []any{table}, func(n string) { pk = append(pk, n) })
	if err != nil || len(pk) != 1 {
		return "", false
	}
	var id sql.NullString
	// table is one of the schema's own table names and pk one of its columns.
	err = c.tx.QueryRowContext(c.ctx, "SELECT "+quote(pk[0])+" FROM "+quote(table)+" WHERE rowid = ?", rowid.Int64).Scan(&id)
	if err != nil || !id.Valid {
		return "", false
	}
	return id.String, true
}

// outbox checks what the sealed walk does not: ids, states and entities.
// Payloads are opened (and their JSON checked) by sealed.
func (c *checker) outbox() error {
	synced := map[string]bool{}
	for _, t := range c.tables {
		synced[t] = !slices.Contains(localTables, t)
	}
	seen := map[string]int64{} // op id → seq of its first row
	rows, err := c.tx.QueryContext(c.ctx, "SELECT seq, op_id, entity, state FROM outbox ORDER BY seq")
	if err != nil {
		return c.failed("outbox", "outbox", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			seq                 int64
			opID, entity, state sql.NullString
		)
		if err := rows.Scan(&seq, &opID, &entity, &state); err != nil {
			return c.failed("outbox", "outbox", err)
		}
		c.report.OutboxOps++
		where := "outbox op " + opID.String + " (seq " + strconv.FormatInt(seq, 10) + ")"
		switch first, dup := seen[opID.String]; {
		case !opID.Valid || opID.String == "":
			c.add("outbox", where, "has no op id")
		case dup:
			c.add("outbox", where, "has the same op id as seq "+strconv.FormatInt(first, 10))
		default:
			seen[opID.String] = seq
		}
		if !slices.Contains(outboxStates, state.String) {
			c.add("outbox", where, fmt.Sprintf("has unknown state %q", state.String))
		}
		if state.String == "pending" && !synced[entity.String] {
			c.add("outbox", where, fmt.Sprintf("is pending for %q, which is not a table that syncs", entity.String))
		}
	}
	if err := rows.Err(); err != nil {
		return c.failed("outbox", "outbox", err)
	}
	return nil
}

// sealed opens every sealed value under its own place. The plaintext is
// checked (outbox payloads must be JSON) and wiped; none of it reaches the
// report.
func (c *checker) sealed() error {
	for _, t := range sealedTables {
		if err := c.sealedTable(t); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) sealedTable(t sealedTable) error {
	area := "sealed"
	if t.Table == "outbox" {
		area = "outbox"
	}
	cols := make([]string, 0, len(t.Columns)+1)
	for _, col := range append([]string{t.RowID}, t.Columns...) {
		cols = append(cols, quote(col))
	}
	// The names come from sealedTables, not from the database.
	rows, err := c.tx.QueryContext(c.ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quote(t.Table)+" ORDER BY rowid")
	if err != nil {
		return c.failed(area, t.Table, err)
	}
	defer rows.Close()
	var (
		id   sql.NullString
		vals = make([][]byte, len(t.Columns))
		dest = []any{&id}
	)
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return c.failed(area, t.Table, err)
		}
		for i, col := range t.Columns {
			c.report.SealedValues++
			where := t.Table + "." + col + " of " + id.String
			plain, err := c.key.Open(vault.AAD{Table: t.Table, Column: col, RowID: id.String}, vals[i])
			switch {
			case errors.Is(err, vault.ErrWiped):
				return ErrLocked
			case err != nil:
				c.add(area, where, "does not open: it was altered, cut short or copied from another row")
			case t.Table == "outbox" && !json.Valid(plain):
				c.add(area, where, "opens but is not valid JSON")
			}
			clear(plain)
		}
	}
	if err := rows.Err(); err != nil {
		return c.failed(area, t.Table, err)
	}
	return nil
}

// eachText runs a query returning one text column and hands each value to fn.
func (c *checker) eachText(query string, args []any, fn func(string)) error {
	rows, err := c.tx.QueryContext(c.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return err
		}
		fn(s.String)
	}
	return rows.Err()
}

// quote makes an SQL identifier of a name.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
