package cli_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/store/serverdb"
)

// TestSyncCommands drives the admin and the IRO through the commands: make
// an enrolment code, allocate the children, enrol the laptop, sync twice.
func TestSyncCommands(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	laptop, serverDB := filepath.Join(dir, "iro.db"), filepath.Join(dir, "server.db")
	if code, _, stderr := runIRO(t, "demo", "--no-tui", "--children", "4", "--db", laptop); code != cli.ExitOK {
		t.Fatalf("demo: %d %s", code, stderr)
	}

	// Not enrolled yet.
	code, _, stderr := runIRO(t, "sync", "--db", laptop)
	if code != cli.ExitFailure || !strings.Contains(stderr, "iro sync enrol") {
		t.Fatalf("sync before enrolling: exit %d, %q", code, stderr)
	}

	code, enrolCode, stderr := runIRO(t, "serve", "enrol", "--iro", "Ada IRO", "--db", serverDB)
	if code != cli.ExitOK || !regexp.MustCompile(`^[A-Z0-9]{6,}\n$`).MatchString(enrolCode) {
		t.Fatalf("serve enrol: exit %d, %q %q", code, enrolCode, stderr)
	}
	_, caseload, _ := runIRO(t, "caseload", "--json", "--db", laptop)
	var kids []struct{ ID string }
	if err := json.Unmarshal([]byte(caseload), &kids); err != nil || len(kids) != 4 {
		t.Fatalf("caseload: %v %s", err, caseload)
	}
	args := []string{"serve", "allocate", "--iro", "Ada IRO", "--db", serverDB}
	for _, k := range kids {
		args = append(args, "--child", k.ID)
	}
	if code, out, stderr := runIRO(t, args...); code != cli.ExitOK || !strings.Contains(out, "allocated 4 children") {
		t.Fatalf("allocate: %d %q %q", code, out, stderr)
	}

	db, err := serverdb.Open(context.Background(), serverDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := httptest.NewServer(server.New(db, server.Options{Now: time.Now}))
	defer srv.Close()

	if code, _, stderr := runIRO(t, "sync", "enrol", "--server", srv.URL, "--code", "WRONGCODE", "--db", laptop); code != cli.ExitFailure || !strings.Contains(stderr, "enrolment refused") {
		t.Fatalf("bad code: exit %d %q", code, stderr)
	}
	if code, _, stderr := runIRO(t, "sync", "enrol", "--server", "http://example.org", "--code", "X", "--db", laptop); code != cli.ExitUsage || !strings.Contains(stderr, "https") {
		t.Fatalf("plain http to another machine: exit %d %q", code, stderr)
	}
	code, out, stderr := runIRO(t, "sync", "enrol", "--server", srv.URL, "--code", strings.TrimSpace(enrolCode), "--device", "train laptop", "--db", laptop)
	if code != cli.ExitOK || !strings.Contains(out, "for Ada IRO") {
		t.Fatalf("sync enrol: exit %d %q %q", code, out, stderr)
	}

	code, out, stderr = runIRO(t, "sync", "--db", laptop)
	first := regexp.MustCompile(`sent (\d+) changes: (\d+) applied, 0 already on the server, 0 conflicts, 0 rejected`).FindStringSubmatch(out)
	if code != cli.ExitOK || first == nil || first[1] == "0" || first[1] != first[2] || !strings.Contains(out, "waiting: 0 to send, 0 conflicts to resolve, 0 rejected") {
		t.Fatalf("first sync: exit %d %q %q", code, out, stderr)
	}
	code, out, _ = runIRO(t, "sync", "--db", laptop)
	if code != cli.ExitOK || !strings.Contains(out, "sent 0 changes") {
		t.Fatalf("second sync: exit %d %q", code, out)
	}

	code, out, _ = runIRO(t, "serve", "devices", "--db", serverDB)
	if code != cli.ExitOK || !strings.Contains(out, "train laptop") || !strings.Contains(out, "active") {
		t.Fatalf("devices: %d %q", code, out)
	}
	deviceID := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, _, _ := runIRO(t, "serve", "revoke", "--device", deviceID, "--db", serverDB); code != cli.ExitOK {
		t.Fatalf("revoke: %d", code)
	}
	code, _, stderr = runIRO(t, "sync", "--db", laptop)
	if code != cli.ExitFailure || !strings.Contains(stderr, "401") {
		t.Fatalf("sync after revoke: exit %d %q", code, stderr)
	}
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	isolate(t)
	code, _, stderr := runIRO(t, "serve", "--addr", "0.0.0.0:8443", "--db", filepath.Join(t.TempDir(), "s.db"))
	if code != cli.ExitUsage || !strings.Contains(stderr, "--tls-cert") {
		t.Fatalf("exit %d %q", code, stderr)
	}
	code, _, stderr = runIRO(t, "serve", "allocate", "--iro", "Ada IRO", "--db", filepath.Join(t.TempDir(), "s.db"))
	if code != cli.ExitUsage || !strings.Contains(stderr, "--child") {
		t.Fatalf("allocate without children: exit %d %q", code, stderr)
	}
}
