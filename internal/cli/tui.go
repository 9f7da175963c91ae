package cli

import (
	"context"
	"errors"
)

// openTUI opens the user's own database in the TUI.
func (a *app) openTUI(ctx context.Context) error {
	return errors.New("the TUI is not wired yet")
}
