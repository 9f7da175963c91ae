package syncview

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/store"
)

// When says when t was, as briefly as today allows: "14:02" today,
// "21 Nov 14:02" this year, "21 Nov 2025 14:02" before. Times are shown in
// the zone of now, the app's clock.
func When(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	ty, tm, td := t.Date()
	ny, nm, nd := now.Date()
	switch {
	case ty == ny && tm == nm && td == nd:
		return t.Format("15:04")
	case ty == ny:
		return t.Format("02 Jan 15:04")
	}
	return t.Format("02 Jan 2006 15:04")
}

// Plural is "1 conflict", "2 conflicts".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Part is one piece of the sync summary the footer shows. Warn marks the
// pieces that need the IRO (conflicts, rejected changes, a failed sync);
// the words say so too, so colour is never the only sign.
type Part struct {
	Text string
	Warn bool
	// Keep orders the pieces for a narrow footer: the lowest goes first.
	Keep int
}

// Summary is the footer's account of sync, most important first to keep:
// when it last synced (or that it failed, or never has), then conflicts,
// rejected changes, records set aside and changes still to send. attempt
// is when this app's own last attempt ended (zero if none), shown with a
// failure.
func Summary(c store.SyncCounts, syncing bool, attempt, now time.Time) []Part {
	var when Part
	switch {
	case syncing:
		when = Part{Text: "syncing…"}
	case c.LastError != "":
		when = Part{Text: strings.TrimSpace("sync failed " + When(attempt, now)), Warn: true}
	case c.LastSync.IsZero():
		when = Part{Text: "never synced"}
	default:
		when = Part{Text: "synced " + When(c.LastSync, now)}
	}
	when.Keep = 5
	parts := []Part{when}
	if c.Pending > 0 {
		parts = append(parts, Part{Text: fmt.Sprintf("%d to send", c.Pending), Keep: 1})
	}
	if c.Conflicts > 0 {
		parts = append(parts, Part{Text: Plural(c.Conflicts, "conflict", "conflicts"), Warn: true, Keep: 4})
	}
	if c.Rejected > 0 {
		parts = append(parts, Part{Text: fmt.Sprintf("%d rejected", c.Rejected), Warn: true, Keep: 3})
	}
	if c.SetAside > 0 {
		parts = append(parts, Part{Text: fmt.Sprintf("%d set aside", c.SetAside), Warn: true, Keep: 2})
	}
	return parts
}

// words are the IRO's names for the records sync moves.
var words = map[string]string{
	"child":          "child",
	"episode":        "placement episode",
	"cp_plan":        "child protection plan",
	"review":         "review",
	"meeting":        "meeting",
	"section":        "meeting notes",
	"consultation":   "consultation",
	"document":       "document",
	"checklist_item": "checklist item",
	"attendee":       "attendee",
	"recommendation": "recommendation",
	"monitoring":     "monitoring check",
	"progress":       "progress note",
	"challenge":      "challenge",
	"challenge_step": "challenge step",
	"letter":         "letter",
}

// Thing names an entity in words: "checklist_item" is "checklist item".
func Thing(entity string) string {
	if w, ok := words[entity]; ok {
		return w
	}
	return strings.ReplaceAll(sanitize.Line(entity), "_", " ")
}

// OpWords says what an op did in words: "review.update" is "review
// changed", "recommendation.create" is "new recommendation".
func OpWords(name string) string {
	entity, verb, ok := strings.Cut(name, ".")
	if !ok {
		return strings.ReplaceAll(sanitize.Line(name), "_", " ")
	}
	thing := Thing(entity)
	switch verb {
	case "create":
		return "new " + thing
	case "update":
		return thing + " changed"
	case "delete":
		return thing + " removed"
	case "append":
		return thing + " added"
	case "raise":
		return thing + " raised"
	case "step":
		return thing + " moved on"
	}
	return thing + " " + strings.ReplaceAll(sanitize.Line(verb), "_", " ")
}

// Field names a column in words: "next_due" is "next due".
func Field(f string) string { return strings.ReplaceAll(sanitize.Line(f), "_", " ") }

// asString is the text of a JSON string value.
func asString(v json.RawMessage) (string, bool) {
	var s string
	if t := strings.TrimSpace(string(v)); t == "" || t[0] != '"' {
		return "", false
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// Value shows a JSON value on one line: a string in quotes, null as
// "empty", anything else as its JSON. Always sanitised.
func Value(v json.RawMessage) string {
	if s, ok := asString(v); ok {
		return `"` + sanitize.Line(s) + `"`
	}
	t := strings.TrimSpace(string(v))
	if t == "" || t == "null" {
		return "empty"
	}
	return sanitize.Line(t)
}

// CanMerge reports whether a conflict's two values are both text, the only
// kind the IRO can merge by editing.
func CanMerge(c store.SyncConflict) bool {
	_, a := asString(c.Local)
	_, b := asString(c.Server)
	return a && b
}
