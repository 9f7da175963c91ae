package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/iro-app/iro/internal/calendar"
)

// Holidays returns the imported bank holidays in date order.
func (db *DB) Holidays(ctx context.Context) ([]calendar.Holiday, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT date, title FROM holiday ORDER BY date")
	if err != nil {
		return nil, fmt.Errorf("store: read holidays: %w", err)
	}
	defer rows.Close()
	var hs []calendar.Holiday
	for rows.Next() {
		var h calendar.Holiday
		if err := rows.Scan(civilDate{&h.Date}, &h.Title); err != nil {
			return nil, fmt.Errorf("store: read holidays: %w", err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read holidays: %w", err)
	}
	return hs, nil
}

// ReplaceHolidays swaps the stored bank holidays for h: an import is a whole
// GOV.UK file, and a day it no longer lists must not linger. Holidays are
// public and local, so they are neither sealed nor synced.
func (tx *Tx) ReplaceHolidays(h []calendar.Holiday) error {
	return tx.write("replace holidays", false, func() error {
		if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM holiday"); err != nil {
			return err
		}
		stmt, err := tx.tx.PrepareContext(tx.ctx, "INSERT INTO holiday (date, title) VALUES (?, ?)")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, d := range h {
			if d.Date.IsZero() {
				return errors.New("a holiday has no date")
			}
			if _, err := stmt.ExecContext(tx.ctx, d.Date.String(), d.Title); err != nil {
				return fmt.Errorf("%s: %w", d.Date, err)
			}
		}
		return nil
	})
}
