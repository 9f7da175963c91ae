package syncclient_test

import (
	"context"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/testbin"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// serverProcess is `iro serve` as its own process, so that it can be
// killed with SIGKILL in the middle of a transaction.
type serverProcess struct {
	t    *testing.T
	bin  string
	dsn  string
	addr string
	cmd  *exec.Cmd
}

func (s *serverProcess) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "serve", "--addr", s.addr, "--db", s.dsn)
	s.cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+s.t.TempDir())
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	for range 200 {
		if c, err := net.Dial("tcp", s.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	s.t.Fatal("iro serve did not start listening")
}

func (s *serverProcess) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// Check 3: the server process is killed (SIGKILL) again and again while
// a laptop pushes; each time nothing is half-applied — every record on
// the server has its op's result beside it — and after the restarts the
// laptop and a second laptop converge on the same caseload.
func TestServerRestartMidBatch(t *testing.T) {
	skipLoadUnderRace(t)
	bin := testbin.Build(t, "../../cmd/iro")
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		dsn = serverdbtest.Fresh(t, dsn)
		l0, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l0.Addr().String()
		l0.Close()
		proc := &serverProcess{t: t, bin: bin, dsn: dsn, addr: addr}
		proc.start()
		defer proc.kill()

		w := openWorld(t, dsn) // the admin's view of the killed server's database
		w.proxy = newProxy(t, "http://"+addr)
		l := w.enrol("Ada IRO")
		kids := w.addChildren(l, "Ada IRO", 300, 13)

		r := rand.New(rand.NewPCG(13, 13))
		ctx := context.Background()
		kills := 0
		for round := 0; round < 6; round++ {
			done := make(chan error, 1)
			go func() { _, err := l.sync(ctx); done <- err }()
			time.Sleep(time.Duration(20+r.IntN(150)) * time.Millisecond)
			proc.kill()
			kills++
			<-done
			checkNothingHalfApplied(t, w, l.id)
			proc.start()
		}
		l.mustSync()
		w.checkExactlyOnce(l)
		b := w.enrol("Ada IRO")
		b.mustSync()
		sameCaseload(t, l.db, b.db, len(kids))
		t.Logf("%d kills of the server process", kills)
	})
}

// checkNothingHalfApplied: the laptop only creates, so every record on the
// server must have exactly one applied result, and the reverse.
func checkNothingHalfApplied(t *testing.T, w *world, deviceID string) {
	t.Helper()
	results, versions := w.serverFacts(deviceID)
	applied := 0
	for _, st := range results {
		if st == "applied" {
			applied++
		}
	}
	if applied != len(versions) {
		t.Fatalf("after a kill the server holds %d records but %d applied results: a batch was half-applied", len(versions), applied)
	}
}
