package cli

import (
	"errors"
	"strings"
	"testing"
)

func TestDamageHint(t *testing.T) {
	if got := damageHint(errors.New("store: read child: database disk image is malformed (11)")); !strings.Contains(got, "iro check") {
		t.Errorf("no way out offered for a damaged page: %q", got)
	}
	if got := damageHint(errors.New("that passphrase is not right")); got != "" {
		t.Errorf("a hint for an error that is not damage: %q", got)
	}
}
