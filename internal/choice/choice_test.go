package choice

import "testing"

type colour string

var colours = List[colour]{{"red", "Red"}, {"dark_blue", "dark blue"}}

func TestList(t *testing.T) {
	if got := colours.Values(); len(got) != 2 || got[0] != "red" || got[1] != "dark_blue" {
		t.Errorf("Values = %v", got)
	}
	if got := colours.Label("dark_blue"); got != "dark blue" {
		t.Errorf("Label = %q", got)
	}
	if got := colours.Label("green"); got != "green" {
		t.Errorf("an unknown value's label = %q, want it unchanged", got)
	}
	for _, in := range []string{"dark_blue", " Dark Blue ", "DARK_BLUE"} {
		if got, err := colours.Parse("colour", in); err != nil || got != "dark_blue" {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := colours.Parse("colour", "green"); err == nil || err.Error() != `unknown colour "green": want one of Red, dark blue` {
		t.Errorf("Parse(green) error = %v", err)
	}
}
