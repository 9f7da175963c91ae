// Package tui is iro's terminal interface. app.go is the one root model: it
// routes keys (quit → modal → focused input → active screen → global), runs
// every store call as a command, and draws the header and footer around the
// active screen. See ARCHITECTURE.md.
package tui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/clock"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/auditview"
	"github.com/iro-app/iro/tui/caseloadview"
	"github.com/iro-app/iro/tui/challengeview"
	"github.com/iro-app/iro/tui/childview"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/driftview"
	"github.com/iro-app/iro/tui/followview"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/meetingview"
	"github.com/iro-app/iro/tui/prepareview"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/syncview"
	"github.com/iro-app/iro/tui/unlockview"
)

// Smallest terminal the screens are laid out for.
const (
	MinWidth  = 60
	MinHeight = 20
)

// SettingIROName is the settings key holding the IRO's name.
const SettingIROName = "iro_name"

// Backend is what the TUI needs from storage; *store.DB provides it.
type Backend interface {
	Initialise(ctx context.Context, passphrase []byte, demo bool, p vault.Params) error
	UnlockWithBackoff(ctx context.Context, passphrase []byte, now time.Time) error
	Lock()
	Caseload(ctx context.Context) ([]child.Child, error)
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
	OpenMeeting(ctx context.Context, req store.MeetingRequest) (child.Review, review.Meeting, error)
	Meeting(ctx context.Context, reviewID string) (review.Meeting, error)
	Recommendations(ctx context.Context, childID string) ([]review.Recommendation, error)
	MonitoringEntries(ctx context.Context, childID string) ([]review.Monitoring, error)
	OpenPreparation(ctx context.Context, req store.MeetingRequest) (child.Review, review.Meeting, error)
	Challenges(ctx context.Context, childID string) ([]challenge.Challenge, error)
	DriftFacts(ctx context.Context) ([]drift.Facts, error)
	AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error)
	meetingview.Backend
	challengeview.Backend
	followview.Backend
	prepareview.Backend
	syncview.Backend
}

// Options configure the app.
type Options struct {
	Backend  Backend
	Clock    clock.Clock
	Calendar *calendar.Calendar
	Rules    timescale.Rules
	Ladder   challenge.Ladder
	Styles   styles.Styles
	// Start says what the IRO sees first: Setup on a new database, Unlock on
	// a locked one, Ready when the caller has unlocked it (the demo).
	Start Start
	Demo  bool
	// Notice is shown in the footer at start, e.g. config file warnings.
	Notice string
	// IdleLock locks the app after this long without a key (never off).
	IdleLock time.Duration
	// Sync configures background sync; the zero value is right for iro.
	Sync SyncOptions
}

// How often the app checks whether to lock itself, and the jump in the wall
// clock between two checks that means the laptop was asleep.
const (
	lockCheckEvery = 5 * time.Second
	sleepJump      = 30 * time.Second
)

// Start is the first screen.
type Start int

// The possible first screens.
const (
	Ready Start = iota
	Setup
	Unlock
)

type screen int

const (
	unlockScreen screen = iota
	caseloadScreen
	childScreen
	meetingScreen
	followScreen
	prepareScreen
	challengeScreen
	driftScreen
	auditScreen
	syncScreen
)

// Messages from commands back to the app.
type (
	unlockedMsg       struct{ name string }
	unlockFailedMsg   struct{ reason string }
	caseloadLoadedMsg struct {
		gen     int
		entries []caseload.Entry
		err     error
	}
	// pageOpenedMsg brings a screen opened from the child (its data read
	// off the event loop), or why it could not be opened.
	pageOpenedMsg struct {
		id   screen
		page Screen
		init tea.Cmd
		err  error
	}
	lockCheckMsg struct{}
)

// resume remembers where the IRO was when iro locked itself.
type resume struct {
	screen  screen
	childID string
}

// App is the root model.
type App struct {
	opt      Options
	keys     keys.Global
	help     help.Model
	showHelp bool
	active   screen
	unlock   unlockview.Model
	caseload caseloadview.Model
	child    childview.Model
	// pages are the screens opened from a child, kept after the IRO leaves
	// them: their autosaves may still be running.
	pages   map[screen]Screen
	status  string
	iroName string

	lastKey   time.Time // the IRO's last key, for the idle lock
	lastCheck time.Time // the last lock check, to notice a sleep
	resume    resume    // where to return after unlocking a lock

	sync     syncer
	syncFrom screen // where the sync screen goes back to

	loadGen int
	loading bool
	loadErr error
	width   int
	height  int
}

// New builds the app.
func New(opt Options) App {
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = opt.Styles.HelpKey, opt.Styles.HelpKey
	h.Styles.ShortDesc, h.Styles.FullDesc = opt.Styles.HelpDesc, opt.Styles.HelpDesc
	a := App{opt: opt, keys: keys.DefaultGlobal(), help: h, caseload: caseloadview.New(opt.Styles), pages: map[screen]Screen{}, status: opt.Notice,
		sync: newSyncer(opt)}
	a.lastKey, a.lastCheck = opt.Clock.Now(), opt.Clock.Now()
	switch opt.Start {
	case Setup:
		a.unlock = unlockview.NewSetup(opt.Styles)
	case Unlock:
		a.unlock = unlockview.NewUnlock(opt.Styles)
	default:
		a.active = caseloadScreen
		a.loadGen, a.loading = 1, true
		a.sync.gen, a.sync.on = 1, true
	}
	return a
}

// Init starts loading the caseload when the database is already open.
func (a App) Init() tea.Cmd {
	if a.opt.Start == Ready {
		return tea.Batch(a.loadName(), a.loadCmd(a.loadGen), a.lockCheck(), a.loadSyncCounts())
	}
	return a.lockCheck()
}

// lockCheck arms the next lock check. Without an idle limit (only in tests
// of other things: the config file never allows it) there are no checks.
func (a App) lockCheck() tea.Cmd {
	if a.opt.IdleLock <= 0 {
		return nil
	}
	return tea.Tick(lockCheckEvery, func(time.Time) tea.Msg { return lockCheckMsg{} })
}

// startLoad begins a new generation of the caseload; replies to older ones
// are dropped when they arrive.
func (a *App) startLoad() tea.Cmd {
	a.loadGen++
	a.loading = true
	return a.loadCmd(a.loadGen)
}

// loadCmd reads the caseload and works out every deadline off the event loop.
func (a App) loadCmd(gen int) tea.Cmd {
	be, today, cal, rules := a.opt.Backend, a.opt.Clock.Today(), a.opt.Calendar, a.opt.Rules
	return func() tea.Msg {
		children, err := be.Caseload(context.Background())
		if err != nil {
			return caseloadLoadedMsg{gen: gen, err: err}
		}
		return caseloadLoadedMsg{gen: gen, entries: caseload.Build(children, today, cal, rules)}
	}
}

func (a App) loadName() tea.Cmd {
	be := a.opt.Backend
	return func() tea.Msg {
		name, _, _ := be.Setting(context.Background(), SettingIROName)
		return unlockedMsg{name: name}
	}
}

// Update routes a message: quit, then modal help, then the focused input,
// then the active screen, then the global keys.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case tea.KeyPressMsg:
		a.lastKey = a.opt.Clock.Now()
		return a.handleKey(msg)
	case tea.PasteMsg:
		a.lastKey = a.opt.Clock.Now()
		return a.updateActive(msg)
	case lockCheckMsg:
		return a.checkLock()
	case unlockview.SetupRequested:
		return a, a.setup(msg)
	case unlockview.UnlockRequested:
		return a, a.unlockCmd(msg.Passphrase)
	case unlockFailedMsg:
		a.unlock.Failed(msg.reason)
		return a, nil
	case unlockedMsg:
		if msg.name != "" {
			a.iroName = msg.name
		}
		if a.active == unlockScreen {
			a.active = caseloadScreen
			return a, tea.Batch(a.startLoad(), a.startSync())
		}
		return a, nil
	case caseloadLoadedMsg:
		if msg.gen != a.loadGen {
			return a, nil // a newer load is on its way
		}
		a.loading, a.loadErr = false, msg.err
		if msg.err != nil {
			return a, nil
		}
		a.caseload.SetEntries(msg.entries)
		a.refreshChild()
		return a.resumeAfterUnlock()
	case caseloadview.OpenChild:
		a.openChild(msg.Entry)
		return a, nil
	case childview.StartMeeting:
		return a, a.openMeeting()
	case childview.StartPrepare:
		return a, a.openPreparation()
	case childview.StartFollowUp:
		return a, a.openFollowUp()
	case pageOpenedMsg:
		if msg.err != nil {
			a.status = msg.err.Error()
			return a, nil
		}
		a.status = ""
		a.pages[msg.id], a.active = msg.page, msg.id
		a.resize()
		return a, msg.init
	case meetingview.Left:
		a.active = childScreen
		return a, nil
	case meetingview.Ended, followview.Done, prepareview.Done, challengeview.Done:
		a.active = childScreen
		return a, a.startLoad()
	case childview.StartChallenges:
		return a, a.openChallenges(nil)
	case followview.RaiseChallenge:
		draft := &challengeview.Draft{ReviewID: msg.ReviewID}
		if r := msg.Recommendation; r.ID != "" {
			draft.RecommendationID, draft.Category = r.ID, challenge.DriftDelay
			draft.Issue = "Recommendation not done: " + r.Text
		}
		return a, a.openChallenges(draft)
	case caseloadview.OpenDrift:
		return a, a.openDrift()
	case driftview.Done, auditview.Done:
		a.active = caseloadScreen
		return a, nil
	case syncview.Done:
		a.active = a.syncFrom
		pages := maps.Clone(a.pages)
		delete(pages, syncScreen) // it reloads after every sync while open
		a.pages = pages
		return a, nil
	case caseloadview.OpenAudit:
		return a, a.openAudit()
	case driftview.Jump:
		return a.jump(msg.Item)
	}
	if next, cmd, ok := a.updateSync(msg); ok {
		return next, cmd
	}
	return a.background(msg)
}

// background hands a message that is not a key to every open page: autosave
// replies and timers belong to the meeting, the preparation or the follow-up
// even after the IRO has left their screens.
func (a App) background(msg tea.Msg) (tea.Model, tea.Cmd) {
	if len(a.pages) == 0 {
		return a.updateActive(msg)
	}
	pages := make(map[screen]Screen, len(a.pages))
	cmds := make([]tea.Cmd, 0, len(a.pages))
	for id, p := range a.pages {
		var cmd tea.Cmd
		pages[id], cmd = p.Update(msg)
		cmds = append(cmds, cmd)
	}
	a.pages = pages
	return a, tea.Batch(cmds...)
}

func (a App) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, a.keys.ForceQuit) {
		return a.quit()
	}
	if key.Matches(msg, a.keys.HelpAnywhere) {
		a.showHelp = !a.showHelp
		return a, nil
	}
	if a.showHelp {
		if key.Matches(msg, a.keys.Help, a.keys.Back, a.keys.Quit) {
			a.showHelp = false
		}
		return a, nil
	}
	if a.capturing() {
		return a.updateActive(msg)
	}
	switch {
	case key.Matches(msg, a.keys.Quit):
		return a.quit()
	case key.Matches(msg, a.keys.Help):
		a.showHelp = true
		return a, nil
	case key.Matches(msg, a.keys.Back) && a.active == childScreen:
		a.active = caseloadScreen
		return a, nil
	case key.Matches(msg, a.keys.Sync) && a.active != syncScreen && a.active != unlockScreen:
		// Reading the counts again notices an enrolment made meanwhile
		// (`iro sync enrol` in another terminal), which starts syncing.
		return a, tea.Batch(a.openSync(a.active), a.loadSyncCounts())
	}
	return a.updateActive(msg)
}

func (a App) updateActive(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch a.active {
	case unlockScreen:
		a.unlock, cmd = a.unlock.Update(msg)
	case caseloadScreen:
		a.caseload, cmd = a.caseload.Update(msg)
	case childScreen:
		a.child, cmd = a.child.Update(msg)
	default:
		if p, ok := a.pages[a.active]; ok {
			pages := maps.Clone(a.pages)
			pages[a.active], cmd = p.Update(msg)
			a.pages = pages
		}
	}
	return a, cmd
}

// quit writes any text not yet saved, then stops.
func (a App) quit() (tea.Model, tea.Cmd) {
	var flush []tea.Cmd
	for _, p := range a.pages {
		if p.Unsaved() {
			flush = append(flush, p.Flush())
		}
	}
	return a, tea.Sequence(append(flush, tea.Quit)...)
}

func (a App) capturing() bool {
	switch a.active {
	case unlockScreen:
		return a.unlock.Capturing()
	case caseloadScreen:
		return a.caseload.Capturing()
	}
	if p, ok := a.pages[a.active]; ok {
		return p.Capturing()
	}
	return false
}

// checkLock locks iro after IdleLock without a key, or when the wall clock
// jumped (the laptop slept): a lid closed on a train must not leave a
// child's record open when it is opened again.
func (a App) checkLock() (tea.Model, tea.Cmd) {
	now := a.opt.Clock.Now()
	slept := now.Sub(a.lastCheck) > sleepJump
	a.lastCheck = now
	if a.active == unlockScreen {
		return a, a.lockCheck()
	}
	switch {
	case slept:
		return a.lock("iro locked itself while the laptop was asleep. Your work is saved.")
	case a.opt.IdleLock > 0 && now.Sub(a.lastKey) >= a.opt.IdleLock:
		minutes := "1 minute"
		if m := int(a.opt.IdleLock.Minutes()); m != 1 {
			minutes = fmt.Sprintf("%d minutes", m)
		}
		return a.lock("iro locked itself after " + minutes + " without a key. Your work is saved.")
	}
	return a, a.lockCheck()
}

// lock writes any typed text, wipes the data key and drops every decrypted
// record from the screen, remembering where the IRO was.
func (a App) lock(reason string) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, p := range a.pages {
		if p.Unsaved() {
			cmds = append(cmds, p.Flush())
		}
	}
	be := a.opt.Backend
	cmds = append(cmds, func() tea.Msg { be.Lock(); return nil })
	a.resume = resume{screen: a.active}
	if a.active != caseloadScreen && a.active != driftScreen && a.active != syncScreen {
		a.resume.childID = a.child.ChildID()
	}
	a.stopSync()
	a.pages = map[screen]Screen{}
	a.caseload = caseloadview.New(a.opt.Styles)
	a.child = childview.Model{}
	a.showHelp, a.status = false, ""
	a.unlock = unlockview.Locked(a.opt.Styles, reason)
	a.active = unlockScreen
	a.resize()
	return a, tea.Sequence(append(cmds, a.lockCheck())...)
}

// resumeAfterUnlock takes the IRO back to where they were when iro locked
// itself; the screens read their records afresh, so typed text comes back
// from the database.
func (a App) resumeAfterUnlock() (tea.Model, tea.Cmd) {
	r := a.resume
	a.resume = resume{}
	if r.childID == "" {
		switch r.screen {
		case driftScreen:
			return a, a.openDrift()
		case syncScreen:
			return a, a.openSync(caseloadScreen)
		}
		return a, nil
	}
	for _, e := range a.caseload.Entries() {
		if e.Child.ID != r.childID {
			continue
		}
		a.openChild(e)
		switch r.screen {
		case meetingScreen:
			return a, a.openMeeting()
		case prepareScreen:
			return a, a.openPreparation()
		case followScreen:
			return a, a.openFollowUp()
		case challengeScreen:
			return a, a.openChallenges(nil)
		}
	}
	return a, nil
}

// openChallenges opens the child's challenges, with the raise form filled
// in from draft when there is one.
func (a App) openChallenges(draft *challengeview.Draft) tea.Cmd {
	c, be, opt, name := a.child.Entry().Child, a.opt.Backend, a.opt, a.iroName
	return func() tea.Msg {
		list, err := be.Challenges(context.Background(), c.ID)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		v := challengeview.New(opt.Styles, be, challengeview.Session{Child: c, Challenges: list, Ladder: opt.Ladder, IROName: name,
			Today: opt.Clock.Today(), Now: opt.Clock.Now, Calendar: opt.Calendar, Raise: draft})
		return pageOpenedMsg{id: challengeScreen, page: adapt[challengeview.Model](v), init: v.Init()}
	}
}

// openDrift gathers the whole caseload's drift off the event loop.
func (a App) openDrift() tea.Cmd {
	be, opt := a.opt.Backend, a.opt
	return func() tea.Msg {
		facts, err := be.DriftFacts(context.Background())
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		items := drift.List(facts, opt.Clock.Today(), opt.Calendar, opt.Rules, opt.Ladder)
		return pageOpenedMsg{id: driftScreen, page: adapt[driftview.Model](driftview.New(opt.Styles, items))}
	}
}

// openAudit reads the local audit log (the latest 500 entries).
func (a App) openAudit() tea.Cmd {
	be, st := a.opt.Backend, a.opt.Styles
	return func() tea.Msg {
		entries, err := be.AuditLog(context.Background(), 500)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		return pageOpenedMsg{id: auditScreen, page: adapt[auditview.Model](auditview.New(st, entries))}
	}
}

// openSync reads the sync state and opens the sync screen, which goes back
// to from.
func (a *App) openSync(from screen) tea.Cmd {
	a.syncFrom = from
	be, st, now, syncing := a.opt.Backend, a.opt.Styles, a.opt.Clock.Now, a.sync.inFlight && a.sync.on
	return func() tea.Msg {
		snap, err := syncview.Load(context.Background(), be)
		if err != nil {
			return pageOpenedMsg{err: fmt.Errorf("could not read the sync state: %w", err)}
		}
		v := syncview.New(st, be, syncview.Session{Snapshot: snap, Now: now, Syncing: syncing})
		return pageOpenedMsg{id: syncScreen, page: adapt[syncview.Model](v)}
	}
}

// jump opens the place where a drift item is fixed: the child, and from
// there the follow-up, the preparation or the challenges.
func (a App) jump(it drift.Item) (tea.Model, tea.Cmd) {
	for _, e := range a.caseload.Entries() {
		if e.Child.ID != it.ChildID {
			continue
		}
		a.openChild(e)
		switch it.Jump.Screen {
		case drift.ScreenFollowUp, drift.ScreenTracker:
			return a, a.openFollowUp()
		case drift.ScreenPrepare:
			return a, a.openPreparation()
		case drift.ScreenChallenge:
			return a, a.openChallenges(nil)
		}
		return a, nil
	}
	a.status = "That child is no longer on the caseload."
	return a, nil
}

// nextMeeting is the request for the child's next review: its sequence and
// due date from the schedule, and the default agenda.
func nextMeeting(c child.Child, sched timescale.Schedule, today calendar.Date, at time.Time) store.MeetingRequest {
	seq := len(sched.Meetings)
	return store.MeetingRequest{
		ChildID: c.ID, Kind: sched.Kind, Sequence: seq, Due: sched.Next.Due, At: at,
		Agenda: review.DefaultAgenda(review.AgendaInput{Kind: sched.Kind, Age: c.Age(today), IsFirstReview: seq == 1}),
	}
}

// openPreparation opens the preparation of the child's next review, with
// the recommendations of earlier reviews that still need a word.
func (a App) openPreparation() tea.Cmd {
	c, sched := a.child.Entry().Child, a.child.Schedule()
	be, opt := a.opt.Backend, a.opt
	return func() tea.Msg {
		ctx := context.Background()
		today := opt.Clock.Today()
		r, m, err := be.OpenPreparation(ctx, nextMeeting(c, sched, today, opt.Clock.Now().UTC()))
		if err != nil {
			return pageOpenedMsg{err: fmt.Errorf("could not open the preparation: %w", err)}
		}
		recs, err := be.Recommendations(ctx, c.ID)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		last, _ := drift.LastHeldReview(c)
		var previous []review.Recommendation
		for _, rec := range recs {
			// Everything from the last review, and anything older still open.
			if rec.ReviewID != r.ID && (rec.ReviewID == last.ID || rec.Status != review.RecDone) {
				previous = append(previous, rec)
			}
		}
		p := prepareview.New(opt.Styles, be, prepareview.Session{
			Child: c, Review: r, Meeting: m, Previous: previous, Today: today, Now: opt.Clock.Now, Calendar: opt.Calendar,
		})
		return pageOpenedMsg{id: prepareScreen, page: adapt[prepareview.Model](p), init: p.Init()}
	}
}

// openFollowUp opens the follow-up of the child's latest held review.
func (a App) openFollowUp() tea.Cmd {
	c, sched := a.child.Entry().Child, a.child.Schedule()
	be, opt, name := a.opt.Backend, a.opt, a.iroName
	return func() tea.Msg {
		r, ok := drift.LastHeldReview(c)
		if !ok {
			return pageOpenedMsg{err: errors.New("no review has been held in this cycle yet: nothing to follow up")}
		}
		ctx := context.Background()
		m, err := be.Meeting(ctx, r.ID)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		recs, err := be.Recommendations(ctx, c.ID)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		mon, err := be.MonitoringEntries(ctx, c.ID)
		if err != nil {
			return pageOpenedMsg{err: err}
		}
		var when timescale.Meeting
		if r.Sequence >= 1 && r.Sequence <= len(sched.Meetings) {
			when = sched.Meetings[r.Sequence-1]
		}
		f := followview.New(opt.Styles, be, followview.Session{
			Child: c, Review: r, Meeting: m, Schedule: when, MeetingName: timescale.MeetingName(r.Kind, r.Sequence),
			NextReview: sched.Next.Due, Recommendations: recs, Monitoring: mon, IROName: name,
			Today: opt.Clock.Today(), Now: opt.Clock.Now, Calendar: opt.Calendar,
		})
		return pageOpenedMsg{id: followScreen, page: adapt[followview.Model](f), init: f.Init()}
	}
}

// openMeeting starts or resumes the meeting for the child's next review.
func (a App) openMeeting() tea.Cmd {
	c, sched := a.child.Entry().Child, a.child.Schedule()
	be, today, opt := a.opt.Backend, a.opt.Clock.Today(), a.opt
	return func() tea.Msg {
		r, m, err := be.OpenMeeting(context.Background(), nextMeeting(c, sched, today, opt.Clock.Now().UTC()))
		if err != nil {
			return pageOpenedMsg{err: fmt.Errorf("could not open the meeting: %w", err)}
		}
		mt := meetingview.New(opt.Styles, be, meetingview.Session{
			Child: c, Review: r, Meeting: m, Schedule: sched, Today: today, Now: opt.Clock.Now, Calendar: opt.Calendar, Rules: opt.Rules,
		})
		return pageOpenedMsg{id: meetingScreen, page: adapt[meetingview.Model](mt), init: mt.Init()}
	}
}

// refreshChild redraws an open child screen from a newly loaded caseload.
func (a *App) refreshChild() {
	if a.active != childScreen {
		return
	}
	for _, e := range a.caseload.Entries() {
		if e.Child.ID == a.child.ChildID() {
			a.openChild(e)
			return
		}
	}
}

func (a *App) openChild(e caseload.Entry) {
	schedule, _ := timescale.ScheduleFor(e.Child, a.opt.Calendar, a.opt.Rules)
	a.child = childview.New(a.opt.Styles, e, schedule, a.opt.Clock.Today(), a.opt.Calendar)
	a.active = childScreen
	a.resize()
}

func (a App) setup(req unlockview.SetupRequested) tea.Cmd {
	be := a.opt.Backend
	return func() tea.Msg {
		ctx := context.Background()
		if err := be.Initialise(ctx, []byte(req.Passphrase), false, vault.MinParams); err != nil {
			return unlockFailedMsg{reason: "Could not create the database: " + err.Error()}
		}
		if err := be.SetSetting(ctx, SettingIROName, req.Name); err != nil {
			return unlockFailedMsg{reason: "Could not save your name: " + err.Error()}
		}
		return unlockedMsg{name: req.Name}
	}
}

func (a App) unlockCmd(pass string) tea.Cmd {
	be, now := a.opt.Backend, a.opt.Clock.Now
	return func() tea.Msg {
		ctx := context.Background()
		if err := be.UnlockWithBackoff(ctx, []byte(pass), now()); err != nil {
			var tooSoon *store.TooSoonError
			switch {
			case errors.Is(err, vault.ErrWrongPassphrase):
				return unlockFailedMsg{reason: "That passphrase is not right. Try again."}
			case errors.As(err, &tooSoon):
				return unlockFailedMsg{reason: fmt.Sprintf("Too many wrong passphrases: wait %d seconds, then try again.",
					int(math.Ceil(tooSoon.Wait.Seconds())))}
			}
			return unlockFailedMsg{reason: "Could not unlock: " + err.Error()}
		}
		name, _, _ := be.Setting(ctx, SettingIROName)
		return unlockedMsg{name: name}
	}
}

func (a *App) resize() {
	w, h := a.width, max(a.height-2, 1)
	a.help.SetWidth(w)
	a.unlock.SetSize(w, h)
	a.caseload.SetSize(w, h)
	if a.active == childScreen {
		a.child.SetSize(w, h)
	}
	for _, p := range a.pages {
		p.SetSize(w, h)
	}
}

// View draws the header, the active screen (or help) and the footer.
func (a App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "iro"
	return v
}

func (a App) render() string {
	if a.width == 0 {
		return ""
	}
	if a.width < MinWidth || a.height < MinHeight {
		msg := fmt.Sprintf("Terminal too small: iro needs at least %d×%d, this is %d×%d.\nMake the window larger, or press ctrl+c to quit.", MinWidth, MinHeight, a.width, a.height)
		return components.Frame(msg, a.width, a.height)
	}
	bodyHeight := a.height - 2
	return strings.Join([]string{a.header(), components.Frame(a.body(), a.width, bodyHeight), a.footer()}, "\n")
}

func (a App) body() string {
	switch {
	case a.showHelp:
		return a.st().Title.Render("Keys") + "\n\n" + a.help.FullHelpView(a.fullHelp())
	case a.active == unlockScreen:
		return a.unlock.View()
	case a.active == childScreen:
		return a.child.View()
	case a.pages[a.active] != nil:
		return a.pages[a.active].View()
	case a.loadErr != nil:
		return a.st().Error.Render("Could not load the caseload: "+sanitize.Line(a.loadErr.Error())) +
			"\n\n" + a.st().Muted.Render("Nothing has been changed. Press q to quit; run `iro check` to look for damage.")
	case a.loading:
		return a.st().Muted.Render("Loading caseload…")
	}
	return a.caseload.View()
}

func (a App) header() string {
	title := map[screen]string{unlockScreen: "Unlock", caseloadScreen: "Caseload", childScreen: "Child", meetingScreen: "Meeting", followScreen: "Follow-up", prepareScreen: "Prepare",
		challengeScreen: "Challenges", driftScreen: "Drift", auditScreen: "Audit log", syncScreen: "Sync"}[a.active]
	left := a.st().Title.Render("iro") + a.st().Muted.Render(" · "+title)
	var right []string
	if a.opt.Demo {
		right = append(right, a.st().Badge.Render("DEMO — invented children"))
	}
	if a.iroName != "" {
		right = append(right, sanitize.Line(a.iroName))
	}
	right = append(right, a.opt.Clock.Today().Time().Format("Mon 02 Jan 2006"))
	return components.SpreadLine(left, strings.Join(right, a.st().Muted.Render(" · ")), a.width)
}

func (a App) footer() string {
	if a.showHelp {
		return components.Fit(a.help.ShortHelpView([]key.Binding{a.keys.Help, a.keys.ForceQuit}), a.width)
	}
	if a.status != "" {
		return components.Fit(a.st().Error.Render(sanitize.Line(a.status)), a.width)
	}
	bindings := a.screenShortHelp()
	if !a.capturing() {
		if a.active == childScreen {
			bindings = append(bindings, a.keys.Back)
		}
		if a.sync.needsIRO() && a.active != syncScreen && a.active != unlockScreen {
			bindings = append(bindings, a.keys.Sync) // where the conflicts are sorted out
		}
		bindings = append(bindings, a.keys.Help, a.keys.Quit)
	} else {
		// While typing, the screen's own keys come first; quitting is in f1.
		bindings = append(bindings, a.keys.HelpAnywhere)
	}
	left := a.help.ShortHelpView(bindings)
	// The sync summary takes what the keys leave, and at least a third of
	// the line: half when something needs the IRO.
	budget := max(a.width-components.Width(left)-2, a.width/3)
	if a.sync.needsIRO() {
		budget = max(budget, a.width/2)
	}
	right := a.syncFooter(budget)
	if right == "" {
		return components.Fit(left, a.width)
	}
	rw := components.Width(right)
	return components.Fit(left, a.width-rw-2) + "  " + right
}

func (a App) screenShortHelp() []key.Binding {
	switch a.active {
	case unlockScreen:
		return a.unlock.ShortHelp()
	case childScreen:
		return a.child.ShortHelp()
	}
	if p, ok := a.pages[a.active]; ok {
		return p.ShortHelp()
	}
	return a.caseload.ShortHelp()
}

func (a App) fullHelp() [][]key.Binding {
	var screenKeys [][]key.Binding
	switch a.active {
	case unlockScreen:
		screenKeys = a.unlock.FullHelp()
	case childScreen:
		screenKeys = a.child.FullHelp()
	case caseloadScreen:
		screenKeys = a.caseload.FullHelp()
	default:
		if p, ok := a.pages[a.active]; ok {
			screenKeys = p.FullHelp()
		}
	}
	return append(screenKeys, []key.Binding{a.keys.Back, a.keys.Sync, a.keys.Help, a.keys.HelpAnywhere, a.keys.Quit, a.keys.ForceQuit})
}

func (a App) st() styles.Styles { return a.opt.Styles }
