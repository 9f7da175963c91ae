// Package autosave keeps typed text durable without the IRO pressing save:
// a change arms a timer, the timer queues the text, and saves run one at a
// time in the order they were typed, retrying on failure. Every screen with
// free text (meeting notes, wishes and feelings, the letter) uses it.
package autosave

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Delay is how long after a change the text is written: a little under the
// 300 ms promise, leaving room for the commit itself.
const Delay = 250 * time.Millisecond

// retryDelay spaces out retries after a failed save.
const retryDelay = time.Second

// Save commits one text under its key (a section id, a review id).
type Save func(ctx context.Context, key, text string) error

// Messages of a queue; Owner tells queues apart when several are alive.
type (
	// Due says the timer ran out: the owner queues its current text.
	Due struct {
		Owner string
		gen   int
	}
	saved struct {
		owner, key, text string
		at               time.Time
		err              error
	}
)

// Queue is one screen's autosave state. It is a value like a Bubble Tea
// model: Update returns the new queue.
type Queue struct {
	owner    string
	save     Save
	now      func() time.Time
	pending  map[string]string
	order    []string
	inflight bool
	current  [2]string // key and text of the save in flight
	timerGen int
	timerOn  bool
	savedAt  time.Time
	err      error
}

// New makes a queue; owner must be unique among live queues.
func New(owner string, save Save, now func() time.Time) Queue {
	return Queue{owner: owner, save: save, now: now, pending: map[string]string{}}
}

// Changed arms the timer after an edit; it returns nil if already armed.
func (q *Queue) Changed() tea.Cmd {
	if q.timerOn {
		return nil
	}
	return q.arm(Delay)
}

func (q *Queue) arm(d time.Duration) tea.Cmd {
	q.timerOn = true
	q.timerGen++
	owner, gen := q.owner, q.timerGen
	return tea.Tick(d, func(time.Time) tea.Msg { return Due{Owner: owner, gen: gen} })
}

// Put queues text to be saved under key, replacing older unsaved text.
func (q *Queue) Put(key, text string) {
	if _, queued := q.pending[key]; !queued {
		q.order = append(q.order, key)
	}
	q.pending[key] = text
}

// Next starts the oldest queued save unless one is running: saves of one
// text must land in the order they were typed.
func (q *Queue) Next() tea.Cmd {
	if q.inflight || len(q.order) == 0 {
		return nil
	}
	key := q.order[0]
	text := q.pending[key]
	q.order = q.order[1:]
	delete(q.pending, key)
	q.inflight = true
	q.current = [2]string{key, text}
	save, now, owner := q.save, q.now, q.owner
	return func() tea.Msg {
		err := save(context.Background(), key, text)
		return saved{owner: owner, key: key, text: text, at: now(), err: err}
	}
}

// Fired reports whether msg is this queue's live timer: the owner should
// Put its current text and call Next.
func (q *Queue) Fired(msg tea.Msg) bool {
	due, ok := msg.(Due)
	if !ok || due.Owner != q.owner || due.gen != q.timerGen {
		return false
	}
	q.timerOn = false
	return true
}

// Update handles the reply of a save; other messages are ignored.
func (q Queue) Update(msg tea.Msg) (Queue, tea.Cmd) {
	s, ok := msg.(saved)
	if !ok || s.owner != q.owner {
		return q, nil
	}
	q.inflight = false
	q.err = s.err
	if s.err != nil {
		// Keep the text (unless newer text is already waiting) and retry.
		if _, newer := q.pending[s.key]; !newer {
			q.Put(s.key, s.text)
		}
		return q, q.arm(retryDelay)
	}
	q.savedAt = s.at
	return q, q.Next()
}

// Busy reports whether text is queued or being written.
func (q Queue) Busy() bool { return q.inflight || len(q.order) > 0 }

// Err is the last save's failure, nil once a save succeeds.
func (q Queue) Err() error { return q.err }

// SavedAt is when the last save committed.
func (q Queue) SavedAt() time.Time { return q.savedAt }

// Flush writes everything queued in one command, for quitting: nothing
// can be shown afterwards, so failures are dropped. The save in flight is
// written again too, since quitting may cut it off before it commits.
func (q *Queue) Flush() tea.Cmd {
	texts := make([][2]string, 0, len(q.order)+1)
	if _, newer := q.pending[q.current[0]]; q.inflight && !newer {
		texts = append(texts, q.current)
	}
	for _, k := range q.order {
		texts = append(texts, [2]string{k, q.pending[k]})
	}
	q.order, q.pending = nil, map[string]string{}
	save := q.save
	return func() tea.Msg {
		for _, t := range texts {
			_ = save(context.Background(), t[0], t[1])
		}
		return nil
	}
}
