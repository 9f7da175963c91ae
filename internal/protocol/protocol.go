// Package protocol is the sync wire format shared by the laptop client and
// `iro serve`: JSON bodies of POST /v1/enrol, POST /v1/push and
// GET /v1/changes. The client and the server each own their behaviour;
// what both must agree on (the types, the limits, plain HTTP only on
// loopback) lives here once.
package protocol

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Paths of the API. Every path but Enrol needs "Authorization: Bearer TOKEN".
const (
	PathEnrol   = "/v1/enrol"
	PathPush    = "/v1/push"
	PathChanges = "/v1/changes" // see ChangesQuery
)

// StatusNewEpoch is the reply to a push or a pull whose epoch or cursor
// belongs to another life of the server's database: it was restored from a
// backup. ErrorResponse.Epoch is the server's epoch now; the device starts
// again from it (re-sends what it had sent, pulls from 0). Nothing in the
// request was applied.
const StatusNewEpoch = http.StatusConflict

// Limits both sides enforce: the client packs batches to fit them and the
// server refuses anything larger (413 for the body, 400 for the op count).
const (
	MaxBodyBytes  = 2 << 20 // any request body
	MaxBatchOps   = 100     // ops in one push
	MaxBatchBytes = 1 << 20 // the encoded ops of one push
	MaxPullPage   = 1000    // entities in one changes page
	// MaxPullBytes bounds a changes page's encoded size too, well under
	// the 64 MiB the client reads of a reply; a record larger than it
	// still comes, alone, so pulling always moves on.
	MaxPullBytes = 8 << 20
)

// EnrolRequest exchanges a one-time code from `iro serve enrol` for a device
// token. Device is a label the IRO chose (e.g. the laptop's name); it is
// shown to admins and never trusted for identity.
type EnrolRequest struct {
	Code   string `json:"code"`
	Device string `json:"device"`
}

// EnrolResponse carries the token the device keeps sealed and sends as a
// bearer token from then on. The server stores only its hash.
type EnrolResponse struct {
	DeviceID string `json:"device_id"`
	IRO      string `json:"iro"`
	Token    string `json:"token"`
}

// Op is one outbox op as pushed. Payload is a JSON object whose keys are the
// entity's column names: a create carries every field, an update the ones
// it changed, a delete none. BaseVersion is the server version of the
// entity the device last saw (0 if it has never seen one): the server
// reports a conflict for a field another device changed after it.
// PulledTo is the cursor the device had pulled to when it made the op: a
// server change number, so the server can tell an op made before the device
// learnt of a deallocation from one made after, without a device clock.
type Op struct {
	OpID        string          `json:"op_id"`
	Entity      string          `json:"entity"`
	EntityID    string          `json:"entity_id"`
	Name        string          `json:"op"`
	BaseVersion int64           `json:"base_version"`
	PulledTo    int64           `json:"pulled_to,omitempty"`
	Payload     json.RawMessage `json:"payload"`
}

// Kind is what the op does, from the suffix of its name: review.update is
// an update, recommendation.create a create, progress.append a create.
type Kind int

const (
	KindUnknown Kind = iota
	KindCreate
	KindUpdate
	KindDelete
)

// KindOf classifies an op name as "<entity>.<verb>".
func KindOf(name string) Kind {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			switch name[i+1:] {
			case "create", "append", "raise", "step":
				return KindCreate
			case "update":
				return KindUpdate
			case "delete":
				return KindDelete
			}
			return KindUnknown
		}
	}
	return KindUnknown
}

// PushRequest is one batch, in outbox order. Epoch and Cursor are where
// the device stands: the server's epoch it last heard ("" before its first
// sync) and the cursor it has pulled to. A position the server never gave
// out gets StatusNewEpoch and nothing is applied.
type PushRequest struct {
	Ops    []Op   `json:"ops"`
	Epoch  string `json:"epoch,omitempty"`
	Cursor int64  `json:"cursor,omitempty"`
}

// Status is the outcome of one op.
type Status string

const (
	// Applied: the op's fields are now the server's.
	Applied Status = "applied"
	// Duplicate: this device sent the op before; Original and the other
	// fields are that first result, so a client whose reply was lost learns
	// everything it would have.
	Duplicate Status = "duplicate"
	// Conflict: fields another device changed since BaseVersion were left
	// as the server has them (Conflicts holds the server's values); every
	// other field of the op was applied.
	Conflict Status = "conflict"
	// Rejected: nothing was applied and retrying will not help (Reason says
	// why: not in your allocation, unknown entity, malformed payload…).
	Rejected Status = "rejected"
)

// Result answers one op, in the order of the request.
type Result struct {
	OpID      string                     `json:"op_id"`
	Status    Status                     `json:"status"`
	Original  Status                     `json:"original,omitempty"`  // for Duplicate
	Version   int64                      `json:"version,omitempty"`   // the entity's server version after the op
	Reason    string                     `json:"reason,omitempty"`    // for Rejected
	Conflicts map[string]json.RawMessage `json:"conflicts,omitempty"` // for Conflict: field → server value
}

// Outcome is the status that matters to the device: a duplicate's original.
func (r Result) Outcome() Status {
	if r.Status == Duplicate {
		return r.Original
	}
	return r.Status
}

// PushResponse has one result per pushed op, and the server's epoch.
type PushResponse struct {
	Results []Result `json:"results"`
	Epoch   string   `json:"epoch"`
}

// ErrorResponse is the body of every non-2xx reply. OpID names the op a 422
// is about (an op id reused with a different payload); Epoch is the
// server's epoch in a StatusNewEpoch reply.
type ErrorResponse struct {
	Error string `json:"error"`
	OpID  string `json:"op_id,omitempty"`
	Epoch string `json:"epoch,omitempty"`
}

// Entity is the current server state of one record in the device's
// allocation. Fields holds every column (the same keys as ops) unless
// Deleted. Version counts the changes the server applied to it.
type Entity struct {
	Entity  string                     `json:"entity"`
	ID      string                     `json:"id"`
	ChildID string                     `json:"child_id"`
	Version int64                      `json:"version"`
	Deleted bool                       `json:"deleted,omitempty"`
	Fields  map[string]json.RawMessage `json:"fields,omitempty"`
}

// ChangesResponse is one page of GET /v1/changes?since=N. Entities are the
// records that changed after N (each once, in its latest state), plus every
// record of a child newly allocated after N; Revoked are children taken out
// of the IRO's allocation after N. Cursor is the change number to ask from
// next; More says another page is waiting. Change numbers are assigned by
// the server and never skip a committed change. Epoch names the life of the
// server's database the numbers belong to: a restore from a backup starts a
// new one.
type ChangesResponse struct {
	Cursor   int64    `json:"cursor"`
	More     bool     `json:"more"`
	Entities []Entity `json:"entities"`
	Revoked  []string `json:"revoked,omitempty"`
	Epoch    string   `json:"epoch"`
}

// ChangesQuery is GET /v1/changes?since=N&epoch=E&waiting=ID&waiting=ID.
// Since is the cursor the device has applied everything up to; Epoch the
// server's epoch it last heard (see PushRequest); Waiting the children the
// server revoked that the device has not purged yet (it pushes first). Every
// other revoked child up to Since is purged: the device says so, and the
// server stops taking that device's late changes to it.
type ChangesQuery struct {
	Since   int64
	Epoch   string
	Waiting []string
}

// Encode is the query string, without the "?".
func (q ChangesQuery) Encode() string {
	v := url.Values{"since": {strconv.FormatInt(q.Since, 10)}}
	if q.Epoch != "" {
		v.Set("epoch", q.Epoch)
	}
	if len(q.Waiting) > 0 {
		v["waiting"] = q.Waiting
	}
	return v.Encode()
}

// ParseChangesQuery reads a ChangesQuery. Its error is fit to show the
// caller: it quotes nothing back.
func ParseChangesQuery(v url.Values) (ChangesQuery, error) {
	q := ChangesQuery{Epoch: v.Get("epoch"), Waiting: v["waiting"]}
	if s := v.Get("since"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return ChangesQuery{}, fmt.Errorf("since must be a change number (a whole number, 0 or more)")
		}
		q.Since = n
	}
	return q, nil
}

// Check validates the shape of an op (not its meaning), so a malformed op
// is rejected with a reason instead of failing the whole batch.
func (o Op) Check() error {
	switch {
	case o.OpID == "":
		return fmt.Errorf("op has no op_id")
	case o.Entity == "" || o.EntityID == "":
		return fmt.Errorf("op %s names no entity", o.OpID)
	case KindOf(o.Name) == KindUnknown:
		return fmt.Errorf("op %s: unknown operation %q", o.OpID, o.Name)
	case o.BaseVersion < 0:
		return fmt.Errorf("op %s: negative base version", o.OpID)
	case o.PulledTo < 0:
		return fmt.Errorf("op %s: negative pulled_to", o.OpID)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(o.Payload, &fields); err != nil || fields == nil {
		return fmt.Errorf("op %s: payload is not a JSON object", o.OpID)
	}
	return nil
}
