package protocol

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		want Kind
	}{
		{"child.create", KindCreate},
		{"progress.append", KindCreate},
		{"challenge.raise", KindCreate},
		{"challenge.step", KindCreate},
		{"review.update", KindUpdate},
		{"section.delete", KindDelete},
		{"review.rename", KindUnknown},
		{"create", KindUnknown},
		{"", KindUnknown},
		{"review.", KindUnknown},
	}
	for _, tt := range tests {
		if got := KindOf(tt.name); got != tt.want {
			t.Errorf("KindOf(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestOpCheck(t *testing.T) {
	good := Op{OpID: "o1", Entity: "review", EntityID: "r1", Name: "review.update", BaseVersion: 2, Payload: json.RawMessage(`{"location":"x"}`)}
	tests := []struct {
		name   string
		change func(o *Op)
		ok     bool
	}{
		{"good", func(*Op) {}, true},
		{"empty payload object", func(o *Op) { o.Payload = json.RawMessage(`{}`) }, true},
		{"no op id", func(o *Op) { o.OpID = "" }, false},
		{"no entity", func(o *Op) { o.Entity = "" }, false},
		{"no entity id", func(o *Op) { o.EntityID = "" }, false},
		{"unknown verb", func(o *Op) { o.Name = "review.rename" }, false},
		{"negative base", func(o *Op) { o.BaseVersion = -1 }, false},
		{"negative pulled_to", func(o *Op) { o.PulledTo = -1 }, false},
		{"payload an array", func(o *Op) { o.Payload = json.RawMessage(`[1]`) }, false},
		{"payload null", func(o *Op) { o.Payload = json.RawMessage(`null`) }, false},
		{"payload missing", func(o *Op) { o.Payload = nil }, false},
		{"payload not JSON", func(o *Op) { o.Payload = json.RawMessage(`{"a":`) }, false},
	}
	for _, tt := range tests {
		o := good
		tt.change(&o)
		if err := o.Check(); (err == nil) != tt.ok {
			t.Errorf("%s: Check() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestOutcome(t *testing.T) {
	if got := (Result{Status: Duplicate, Original: Conflict}).Outcome(); got != Conflict {
		t.Errorf("duplicate of a conflict: %s", got)
	}
	if got := (Result{Status: Rejected}).Outcome(); got != Rejected {
		t.Errorf("rejected: %s", got)
	}
}

func TestChangesQueryRoundTrip(t *testing.T) {
	tests := []ChangesQuery{
		{},
		{Since: 42},
		{Since: 7, Epoch: "e1", Waiting: []string{"c1", "c,2&x=y"}},
	}
	for _, q := range tests {
		v, err := url.ParseQuery(q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseChangesQuery(v)
		if err != nil || !reflect.DeepEqual(got, q) {
			t.Errorf("%+v → %q → %+v, %v", q, q.Encode(), got, err)
		}
	}
	for _, bad := range []string{"since=-1", "since=x", "since=1.5"} {
		v, _ := url.ParseQuery(bad)
		if _, err := ParseChangesQuery(v); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
