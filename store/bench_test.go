package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/vault"
)

// BenchmarkCaseload reads a 5,000-child caseload, the size DESIGN.md budgets
// 150 ms for (open + unlock + first frame).
func BenchmarkCaseload(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "iro.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Initialise(ctx, []byte("benchmark passphrase"), true, vault.MinParams); err != nil {
		b.Fatal(err)
	}
	kids := make([]child.Child, 5000)
	for i := range kids {
		c := fullChild()
		c.ID, c.FirstName = "", fmt.Sprint("Child", i)
		for j := range c.Episodes {
			c.Episodes[j].ID = ""
		}
		for j := range c.CPPlans {
			c.CPPlans[j].ID = ""
		}
		for j := range c.Reviews {
			c.Reviews[j].ID = ""
			c.Reviews[j].Due = calendar.D(2024, 1, 1).AddDays(i)
		}
		kids[i] = c
	}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		cs, err := db.Caseload(ctx)
		if err != nil || len(cs) != len(kids) {
			b.Fatalf("Caseload = %d children, %v", len(cs), err)
		}
	}
}
