// Package serverdb is the database of `iro serve`: enrolled devices, the
// IROs' allocations, the current state of every synced record and the
// result of every op a device pushed. It runs over database/sql on a SQLite
// file (the default) or PostgreSQL; the SQL is written once, with `?`
// placeholders, and the few differences live in dialect.
//
// # Change numbers
//
// Every write transaction first locks the single counter row
// (`UPDATE counter SET n = n WHERE id = 1`), so writers run one at a time,
// then hands out change numbers by incrementing it and stores the last one
// back before commit. A writer that starts after another has locked the row
// waits for it to commit and then reads its final value, so numbers are
// assigned in commit order. A pull reads the counter and the entities in one
// snapshot (PostgreSQL: REPEATABLE READ): every change numbered at or below
// the counter it sees was committed before that snapshot, and nothing above
// it is visible. A cursor taken from the counter is therefore a high-water
// mark that can never skip a change committed later with a lower number.
// SQLite gets the same guarantee for free: it has one writer at a time and
// readers see a committed snapshot.
package serverdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"
)

var (
	// ErrBadCode means an enrolment code is unknown, used or expired. The
	// three are not told apart, so a guesser learns nothing.
	ErrBadCode = errors.New("serverdb: the enrolment code is not valid (mistyped, already used or expired)")
	// ErrUnauthorized means a device token is missing, unknown, revoked or
	// expired.
	ErrUnauthorized = errors.New("serverdb: the device token is not valid")
	// ErrNotFound means no row has the id asked for.
	ErrNotFound = errors.New("serverdb: not found")
	// ErrSchemaTooNew means a newer iro wrote the database.
	ErrSchemaTooNew = errors.New("serverdb: the database was written by a newer version of iro; update iro to open it")
)

// OpReusedError means a device sent an op id it had used before with a
// different op: a client bug that retrying cannot fix. The batch it came in
// was not applied at all.
type OpReusedError struct{ OpID string }

func (e *OpReusedError) Error() string {
	return fmt.Sprintf("serverdb: op %s was sent before with a different content", e.OpID)
}

// DB is an open server database. It is safe for concurrent use.
type DB struct {
	sql *sql.DB
	d   dialect
}

// Open opens the database named by dsn — a postgres:// or postgresql:// URL,
// otherwise the path of a SQLite file, created if missing — and brings its
// schema up to date.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return open(ctx, dsn, schemaVersion)
}

// open is Open with the schema brought up to version only.
func open(ctx context.Context, dsn string, version int) (*DB, error) {
	d := dialectOf(dsn)
	source := dsn
	if d.name == "sqlite" {
		var err error
		if source, err = sqliteSource(dsn); err != nil {
			return nil, fmt.Errorf("serverdb: opening %s: %w", dsn, err)
		}
	}
	sqlDB, err := sql.Open(d.driver, source)
	if err != nil {
		return nil, fmt.Errorf("serverdb: opening the %s database: %w", d.name, err)
	}
	sqlDB.SetMaxOpenConns(d.maxConns)
	db := &DB{sql: sqlDB, d: d}
	if err := db.migrate(ctx, version); err != nil {
		_ = sqlDB.Close()
		// A PostgreSQL URL may hold a password: name the dialect, not the DSN.
		return nil, fmt.Errorf("serverdb: opening the %s database: %w", d.name, err)
	}
	return db, nil
}

// dialectOf is PostgreSQL's for a postgres:// or postgresql:// URL, else
// SQLite's.
func dialectOf(dsn string) dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgresDialect
	}
	return sqliteDialect
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// sqliteSource makes the modernc DSN for a file: WAL and synchronous=FULL
// so a commit survives a power cut, a generous busy_timeout because every
// writer queues on the one lock, and _txlock=immediate so a write
// transaction takes that lock at BEGIN instead of failing halfway through.
// The file is created private first: it holds children's records.
func sqliteSource(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", err
	}
	_ = f.Close()
	p := filepath.ToSlash(abs)
	if p[0] != '/' {
		p = "/" + p // a Windows drive path becomes file:///C:/…
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String() + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=busy_timeout(10000)&_txlock=immediate", nil
}

// dialect is everything that differs between SQLite and PostgreSQL.
type dialect struct {
	name   string // "sqlite" or "postgres": also the suffix of schema files
	driver string
	serial string // an auto-numbered primary key column
	// numbered placeholders: PostgreSQL wants $1, $2… where we write ?.
	numbered bool
	// arrays: the driver binds a Go slice as one array parameter.
	arrays bool
	// lockSchema serialises servers migrating the same database at once;
	// SQLite's immediate transactions already do.
	lockSchema string
	// maxConns bounds the pool, so a burst of requests queues here rather
	// than exhausting PostgreSQL's connection slots; 0 is no bound.
	maxConns int
}

var (
	sqliteDialect = dialect{
		name:   "sqlite",
		driver: "sqlite",
		serial: "INTEGER PRIMARY KEY AUTOINCREMENT",
	}
	postgresDialect = dialect{
		name:       "postgres",
		driver:     "pgx",
		serial:     "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
		numbered:   true,
		arrays:     true,
		lockSchema: "SELECT pg_advisory_xact_lock(7215342876301)",
		maxConns:   20,
	}
)

// rebind rewrites ? placeholders for the dialect. Our SQL never has a ? in
// a string literal, so a plain scan is enough.
func (d dialect) rebind(query string) string {
	if !d.numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// keyed is a query for the rows of table whose key columns keyCols equal
// one of keys (each a tuple of len(keyCols), at least one), and its
// arguments: SELECT cols FROM table t WHERE t.<keyCols> = a key AND where.
// cols and where name the table t; where's ? bind whereArgs.
//
// It looks each key up on its own, through the table's primary key: a
// plain IN list leaves the plan to estimates that are wrong on a table not
// yet analysed (PostgreSQL then scans every op result of the device).
// PostgreSQL gets the keys as one array per column, so the statement's text,
// and the prepared statement pgx caches for it, does not change with their
// number; OFFSET 0 keeps the lookup a subquery run once per key.
func (d dialect) keyed(cols, table, where string, whereArgs []any, keyCols []string, keys [][]string) (string, []any) {
	var on []string
	for i, c := range keyCols {
		on = append(on, fmt.Sprintf("t.%s = k.column%d", c, i+1))
	}
	if where != "" {
		on = append(on, where)
	}
	cond := strings.Join(on, " AND ")
	var args []any
	if d.arrays {
		var unnest, names []string
		for i := range keyCols {
			column := make([]string, len(keys))
			for j, k := range keys {
				column[j] = k[i]
			}
			args = append(args, column)
			unnest = append(unnest, "?::text[]")
			names = append(names, fmt.Sprintf("column%d", i+1))
		}
		return fmt.Sprintf("SELECT %s FROM unnest(%s) AS k(%s) CROSS JOIN LATERAL (SELECT * FROM %s t WHERE %s OFFSET 0) t",
			cols, strings.Join(unnest, ", "), strings.Join(names, ", "), table, cond), append(args, whereArgs...)
	}
	tuple := "(?" + strings.Repeat(", ?", len(keyCols)-1) + ")"
	values := make([]string, len(keys))
	for j, k := range keys {
		values[j] = tuple
		for _, v := range k {
			args = append(args, v)
		}
	}
	// SQLite names the columns of VALUES column1, column2…
	return fmt.Sprintf("SELECT %s FROM (VALUES %s) AS k JOIN %s t ON %s",
		cols, strings.Join(values, ", "), table, cond), append(args, whereArgs...)
}

// querier is what *sql.DB and *sql.Tx have in common, so helpers work in
// and out of a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// handle runs SQL written with ? placeholders on a querier.
type handle struct {
	q querier
	d dialect
}

func (h handle) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return h.q.ExecContext(ctx, h.d.rebind(query), args...)
}

func (h handle) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return h.q.QueryContext(ctx, h.d.rebind(query), args...)
}

func (h handle) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return h.q.QueryRowContext(ctx, h.d.rebind(query), args...)
}

//go:embed schema/*.sql
var schemaFiles embed.FS

// schemaVersion is the newest migration in schema/.
const schemaVersion = 2

// migrate applies, in one transaction, each numbered schema file newer than
// the database up to version: NNNN.sql for both dialects, then
// NNNN.<dialect>.sql if there is one. The version rows are written in the
// same transaction, so a version is never half applied (0001's files are
// idempotent as well). A database without an epoch gets its first (see
// epoch.go).
func (db *DB) migrate(ctx context.Context, version int) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	h := handle{tx, db.d}
	if db.d.lockSchema != "" {
		if _, err := h.exec(ctx, db.d.lockSchema); err != nil {
			return err
		}
	}
	if _, err := h.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := h.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return err
	}
	if current > schemaVersion {
		return ErrSchemaTooNew
	}
	for v := current + 1; v <= version; v++ {
		for _, name := range []string{fmt.Sprintf("schema/%04d.sql", v), fmt.Sprintf("schema/%04d.%s.sql", v, db.d.name)} {
			text, err := schemaFiles.ReadFile(name)
			if errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return err
			}
			script := strings.ReplaceAll(string(text), "{{serial}}", db.d.serial)
			// A script with no arguments runs as a whole: both drivers
			// accept several statements in one Exec then.
			if _, err := tx.ExecContext(ctx, script); err != nil {
				return fmt.Errorf("applying %s: %w", name, err)
			}
		}
		if _, err := h.exec(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v); err != nil {
			return err
		}
	}
	if version >= 2 {
		if _, err := h.exec(ctx, `INSERT INTO server_epoch (id, epoch) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, newEpoch()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// writeTx is one write transaction. It holds the counter lock from its
// first statement to its commit and hands out change numbers.
type writeTx struct {
	handle
	last  int64 // the last change number taken
	taken bool  // whether next was called, so the counter must be saved
}

// next takes the next change number.
func (w *writeTx) next() int64 {
	w.last++
	w.taken = true
	return w.last
}

// write runs fn in a transaction that first locks the counter row (see the
// package comment) and commits if fn returns nil. Admin writes that take no
// change number go through it too: they are rare, and one path is simpler
// to reason about than two.
func (db *DB) write(ctx context.Context, fn func(w *writeTx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	w := &writeTx{handle: handle{tx, db.d}}
	if _, err := w.exec(ctx, `UPDATE counter SET n = n WHERE id = 1`); err != nil {
		return err
	}
	if err := w.queryRow(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&w.last); err != nil {
		return err
	}
	if err := fn(w); err != nil {
		return err
	}
	if w.taken {
		if _, err := w.exec(ctx, `UPDATE counter SET n = ? WHERE id = 1`, w.last); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// audit appends one row to the audit table. detail holds counts and ids,
// never a payload.
func (h handle) audit(ctx context.Context, now time.Time, deviceID, iro, action, detail string) error {
	_, err := h.exec(ctx, `INSERT INTO audit (at, device_id, iro, action, detail) VALUES (?, ?, ?, ?, ?)`,
		stamp(now), deviceID, iro, action, detail)
	return err
}

// AuditEntry is one row of the audit table.
type AuditEntry struct {
	ID       int64
	At       time.Time
	DeviceID string
	IRO      string
	Action   string // push, pull, enrol, revoke, allocate, deallocate, repair, …
	Detail   string // counts, never a payload
}

// Audit lists the audit table, oldest first.
func (db *DB) Audit(ctx context.Context) ([]AuditEntry, error) {
	h := handle{db.sql, db.d}
	rows, err := h.query(ctx, `SELECT id, at, device_id, iro, action, detail FROM audit ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("serverdb: audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		var at string
		if err := rows.Scan(&a.ID, &at, &a.DeviceID, &a.IRO, &a.Action, &a.Detail); err != nil {
			return nil, fmt.Errorf("serverdb: audit: %w", err)
		}
		a.At = unstamp(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("serverdb: audit: %w", err)
	}
	return out, nil
}

// stampLayout is fixed-width UTC, so stamps sort as text in both dialects.
const stampLayout = "2006-01-02T15:04:05.000000Z"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

func unstamp(s string) time.Time {
	t, _ := time.Parse(stampLayout, s) // written by stamp
	return t
}

// hashHex is how secrets are stored: tokens and enrolment codes are long
// random strings, so a plain SHA-256 is enough to make a stolen database
// useless for authenticating.
func hashHex(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
