// Package serverdbtest runs tests of the sync server against both of its
// databases: a SQLite file, and PostgreSQL when IRO_TEST_POSTGRES names one.
package serverdbtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"

	"github.com/iro-app/iro/store/serverdb"
)

// EnvPostgres names the PostgreSQL database tests may create schemas in,
// e.g. postgres://iro:iro@127.0.0.1:5432/iro_test?sslmode=disable.
const EnvPostgres = "IRO_TEST_POSTGRES"

// Each runs fn as the subtests "sqlite", on a new file, and "postgres", in
// a new schema of the IRO_TEST_POSTGRES database dropped afterwards. Without
// IRO_TEST_POSTGRES the PostgreSQL half is skipped, loudly, or fails when
// CI=true: CI must never pass on SQLite alone.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, filepath.Join(t.TempDir(), "server.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, PostgresDSN(t))
	})
}

// EachB is Each for benchmarks.
func EachB(b *testing.B, fn func(b *testing.B, dsn string)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) {
		fn(b, filepath.Join(b.TempDir(), "server.db"))
	})
	b.Run("postgres", func(b *testing.B) {
		fn(b, PostgresDSN(b))
	})
}

// Fresh is a new, empty database of the same kind as dsn (a file, or a
// schema), for subtests that each need their own.
func Fresh(t testing.TB, dsn string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres") {
		return PostgresDSN(t)
	}
	return filepath.Join(t.TempDir(), "server.db")
}

// PostgresDSN makes a fresh schema in the IRO_TEST_POSTGRES database and
// returns a DSN whose search_path is that schema; the schema is dropped
// when t ends. It skips or fails t as Each does when PostgreSQL is not set up.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL tests need %s (e.g. postgres://iro:iro@127.0.0.1:5432/iro_test?sslmode=disable) in CI", EnvPostgres)
		}
		t.Skipf("SKIPPED: PostgreSQL not configured, set %s=postgres://USER:PASS@HOST:5432/DB?sslmode=disable to run the PostgreSQL half of this test", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("opening %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() { _ = admin.Close() })

	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "iro_test_" + hex.EncodeToString(b) // only [a-z0-9_]: safe to splice into SQL
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s in %s: %v", schema, EnvPostgres, err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled during cleanup.
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// NewDB opens dsn and closes it when t ends.
func NewDB(t testing.TB, dsn string) *serverdb.DB {
	t.Helper()
	db, err := serverdb.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("opening the server database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
