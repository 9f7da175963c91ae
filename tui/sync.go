package tui

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/syncview"
)

// SyncOptions configure background sync. The zero value is the protocol's
// timing over the real store.
type SyncOptions struct {
	// Run does one sync. Nil: syncclient.Once over the Backend when it is
	// a store that can sync (*store.DB); otherwise the app never syncs.
	Run func(ctx context.Context) (syncclient.Report, error)
	// Every is the wait after a sync that worked (60 s); AfterFailure the
	// wait after one that waiting will not fix, such as a revoked device
	// (5 minutes); CountsEvery how often the footer's counts are read (10 s).
	Every, AfterFailure, CountsEvery time.Duration
	// Backoff spaces out retries after a dropped link or a busy server.
	Backoff *syncclient.Backoff
	// After arms a timer that delivers msg after d; nil is tea.Tick. Tests
	// record the waits instead of sleeping.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
}

// The protocol's timing.
const (
	syncEvery        = 60 * time.Second
	syncAfterFailure = 5 * time.Minute
	syncCountsEvery  = 10 * time.Second
)

var errCannotSync = errors.New("this copy of iro cannot sync")

// syncer is the state of background sync. Only one sync runs at a time;
// every timer and reply carries the generation it was started in, and a
// lock starts a new generation, so nothing armed before a lock runs after
// it.
type syncer struct {
	run      func(ctx context.Context) (syncclient.Report, error)
	opt      SyncOptions
	backoff  *syncclient.Backoff
	gen      int
	on       bool // unlocked: syncs may run
	inFlight bool // a sync is running (of this generation or an older one)
	again    bool // sync as soon as the one of an older generation ends
	timer    int  // the armed sync timer; an older one is ignored
	armed    bool // a sync timer of this generation is armed
	counting bool // the counts timer of this generation is armed
	next     time.Duration

	counts  store.SyncCounts
	attempt time.Time // when this app's last sync ended
}

// Messages of background sync.
type (
	syncDueMsg  struct{ gen, timer int }
	syncDoneMsg struct {
		gen    int
		report syncclient.Report
		err    error
		at     time.Time
	}
	syncCountsDueMsg struct{ gen int }
	syncCountsMsg    struct {
		gen    int
		counts store.SyncCounts
		err    error
	}
)

func newSyncer(opt Options) syncer {
	s := syncer{opt: opt.Sync, backoff: opt.Sync.Backoff, run: opt.Sync.Run}
	if s.backoff == nil {
		s.backoff = syncclient.NewBackoff()
	}
	if s.opt.Every <= 0 {
		s.opt.Every = syncEvery
	}
	if s.opt.AfterFailure <= 0 {
		s.opt.AfterFailure = syncAfterFailure
	}
	if s.opt.CountsEvery <= 0 {
		s.opt.CountsEvery = syncCountsEvery
	}
	if s.opt.After == nil {
		s.opt.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return msg })
		}
	}
	if st, ok := opt.Backend.(syncclient.Store); ok && s.run == nil {
		now := opt.Clock.Now
		s.run = func(ctx context.Context) (syncclient.Report, error) { return syncclient.Once(ctx, st, nil, now) }
	}
	return s
}

// enrolled reports whether the last counts read found an enrolment.
func (s syncer) enrolled() bool { return s.counts.Enrolled }

// needsIRO reports whether sync has something only the IRO can sort out.
func (s syncer) needsIRO() bool {
	c := s.counts
	return c.Enrolled && (c.Conflicts > 0 || c.Rejected > 0 || c.SetAside > 0 || c.LastError != "")
}

// startSync begins a generation after an unlock: it reads the counts, and
// their reply starts syncing when the laptop is enrolled.
func (a *App) startSync() tea.Cmd {
	a.sync.gen++
	a.sync.on, a.sync.armed, a.sync.counting = true, false, false
	return a.loadSyncCounts()
}

// stopSync ends the generation at a lock: armed timers and replies of a
// sync still running are dropped when they arrive.
func (a *App) stopSync() {
	a.sync.gen++
	a.sync.on, a.sync.armed, a.sync.counting, a.sync.again = false, false, false, false
}

func (a App) loadSyncCounts() tea.Cmd {
	be, gen := a.opt.Backend, a.sync.gen
	return func() tea.Msg {
		c, err := be.SyncCounts(context.Background())
		return syncCountsMsg{gen: gen, counts: c, err: err}
	}
}

// runSync starts a sync now, unless one is running.
func (a *App) runSync() tea.Cmd {
	s := &a.sync
	if !s.on || s.run == nil {
		return nil
	}
	if s.inFlight {
		return nil
	}
	s.inFlight, s.armed = true, false
	s.timer++ // a timer armed earlier is now stale
	run, gen, now := s.run, s.gen, a.opt.Clock.Now
	// In order: the sync screen hears that a sync started before it ends.
	return tea.Sequence(func() tea.Msg { return syncview.Syncing{} }, func() tea.Msg {
		rep, err := run(context.Background())
		return syncDoneMsg{gen: gen, report: rep, err: err, at: now()}
	})
}

// armSync schedules the next sync after d.
func (a *App) armSync(d time.Duration) tea.Cmd {
	s := &a.sync
	s.timer++
	s.armed, s.next = true, d
	return s.opt.After(d, syncDueMsg{gen: s.gen, timer: s.timer})
}

// updateSync handles the messages of background sync; ok is false for any
// other message.
func (a App) updateSync(msg tea.Msg) (App, tea.Cmd, bool) {
	s := &a.sync
	switch msg := msg.(type) {
	case syncCountsMsg:
		if msg.gen != s.gen {
			return a, nil, true
		}
		if msg.err == nil {
			s.counts = msg.counts
		}
		if !s.enrolled() || !s.on {
			return a, nil, true // not enrolled: no sync, no timers
		}
		var cmds []tea.Cmd
		if !s.counting {
			s.counting = true
			cmds = append(cmds, s.opt.After(s.opt.CountsEvery, syncCountsDueMsg{gen: s.gen}))
		}
		switch {
		case s.inFlight && !s.armed:
			s.again = true // one of an older generation: run again when it ends
		case !s.inFlight && !s.armed:
			cmds = append(cmds, a.runSync())
		}
		return a, tea.Batch(cmds...), true
	case syncCountsDueMsg:
		if msg.gen != s.gen {
			return a, nil, true
		}
		s.counting = false
		return a, a.loadSyncCounts(), true
	case syncDueMsg:
		if msg.gen != s.gen || msg.timer != s.timer {
			return a, nil, true
		}
		s.armed = false
		return a, a.runSync(), true
	case syncDoneMsg:
		s.inFlight = false
		if msg.gen != s.gen {
			if s.on && s.again {
				s.again = false
				return a, a.runSync(), true
			}
			return a, nil, true
		}
		s.again, s.attempt = false, msg.at
		return a, tea.Batch(a.armSync(s.after(msg.err)), a.loadSyncCounts(),
			func() tea.Msg { return syncview.Synced{Err: msg.err} }), true
	case syncview.SyncNow:
		if !s.enrolled() {
			return a, func() tea.Msg { return syncview.Synced{Err: syncclient.ErrNotEnrolled} }, true
		}
		if cmd := a.runSync(); cmd != nil {
			return a, cmd, true
		}
		if !s.inFlight {
			return a, func() tea.Msg { return syncview.Synced{Err: errCannotSync} }, true
		}
		// The running sync answers the screen; if it is one from before a
		// lock, whose reply is dropped, a new one runs when it ends.
		s.again = true
		return a, nil, true
	case syncview.Changed:
		return a, a.loadSyncCounts(), true
	}
	return a, nil, false
}

// after is the wait before the next sync: a minute after one that worked;
// a growing, jittered wait after a dropped link or a busy server (never
// less than the server's Retry-After); five minutes after anything waiting
// will not fix (not enrolled, a revoked device, a protocol error).
func (s *syncer) after(err error) time.Duration {
	var he *syncclient.HTTPError
	switch {
	case err == nil:
		s.backoff.Reset()
		return s.opt.Every
	case !syncclient.Transient(err) || errors.Is(err, syncclient.ErrNotEnrolled) || errors.Is(err, store.ErrLocked):
		return s.opt.AfterFailure
	case errors.As(err, &he):
		return s.backoff.Next(he.RetryAfter)
	}
	return s.backoff.Next(0)
}

// syncFooter is the sync summary for the footer's right, at most w cells:
// pieces are dropped, least important first, until it fits. Empty when
// the laptop is not enrolled.
func (a App) syncFooter(w int) string {
	s := a.sync
	// The sync screen says all this itself, and needs the room for its keys.
	if !s.enrolled() || a.active == unlockScreen || a.active == syncScreen {
		return ""
	}
	parts := syncview.Summary(s.counts, s.inFlight && s.on, s.attempt, a.opt.Clock.Now())
	for {
		var b []string
		plain := 0
		for i, p := range parts {
			text := p.Text
			if i > 0 {
				plain += 3
			}
			plain += components.Width(text)
			if p.Warn {
				text = a.st().DueSoon.Render(text)
			} else {
				text = a.st().Muted.Render(text)
			}
			b = append(b, text)
		}
		if plain <= w || len(parts) == 1 {
			return components.Clip(strings.Join(b, a.st().Muted.Render(" · ")), w)
		}
		// Drop the piece that matters least.
		low := 0
		for i, p := range parts {
			if p.Keep < parts[low].Keep {
				low = i
			}
		}
		parts = append(parts[:low:low], parts[low+1:]...)
	}
}
