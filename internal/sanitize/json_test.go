package sanitize

import (
	"encoding/json"
	"testing"
)

// TestJSON: data-derived JSON output escapes what a terminal would act on
// instead of dropping it, and still decodes to the same value.
func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string // a value to encode
		want string // its encoding, after JSON
	}{
		{"clean", "Amara Okafor", `"Amara Okafor"`},
		{"non-ASCII kept", "Zoë – 日本", `"Zoë – 日本"`},
		{"ESC escaped by encoding/json already", "a\x1b]52;c;eA==\x07b", `"a\u001b]52;c;eA==\u0007b"`},
		{"DEL", "a\x7fb", `"a\u007fb"`},
		{"C1 CSI and OSC", "a\u009b2J\u009d0;x\u009cb", `"a\u009b2J\u009d0;x\u009cb"`},
		{"bidi override", "invoice\u202efdp.exe", `"invoice\u202efdp.exe"`},
		{"isolates and marks", "\u2066\u200f\u061cx", `"\u2066\u200f\u061cx"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := json.Marshal(map[string]string{"v": tt.in})
			if err != nil {
				t.Fatal(err)
			}
			got := JSON(enc)
			if want := `{"v":` + tt.want + `}`; string(got) != want {
				t.Errorf("JSON(%s) = %s, want %s", enc, got, want)
			}
			if Text(string(got)) != string(got) {
				t.Errorf("JSON(%s) = %q still holds what a terminal acts on", enc, got)
			}
			var back map[string]string
			if err := json.Unmarshal(got, &back); err != nil || back["v"] != tt.in {
				t.Errorf("%s decodes to %q, %v; want %q", got, back["v"], err, tt.in)
			}
		})
	}
}

// TestJSONRaw: stored JSON (a json.RawMessage, which encoding/json copies
// unchecked for UTF-8) with invalid bytes and indentation.
func TestJSONRaw(t *testing.T) {
	in := []byte("{\n\t\"a\": \"x\xffy\u202e\",\n\t\"b\": [1, 2]\n}\n")
	got := JSON(in)
	if want := "{\n\t\"a\": \"x\\ufffdy\\u202e\",\n\t\"b\": [1, 2]\n}\n"; string(got) != want {
		t.Errorf("JSON = %q, want %q", got, want)
	}
	if !json.Valid(got) {
		t.Errorf("JSON = %q is not JSON", got)
	}
}

// FuzzJSON: any string, encoded and made safe, holds nothing a terminal
// acts on and decodes to the string itself (invalid UTF-8 as U+FFFD, as
// encoding/json has it).
func FuzzJSON(f *testing.F) {
	for _, s := range []string{"plain", "a\x1b[2Jb", "\u009b2J", "\u202eabc", "\x7f", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		enc, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		out := JSON(enc)
		if Text(string(out)) != string(out) {
			t.Fatalf("JSON(%s) = %q holds what a terminal acts on", enc, out)
		}
		var back, want string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("JSON(%s) = %q: %v", enc, out, err)
		}
		_ = json.Unmarshal(enc, &want)
		if back != want {
			t.Fatalf("JSON(%s) decodes to %q, want %q", enc, back, want)
		}
	})
}
