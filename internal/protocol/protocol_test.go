package protocol

import (
	"encoding/json"
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
