package serverdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

const (
	// enrolmentValidity is how long an admin has to hand a code to the IRO.
	enrolmentValidity = 72 * time.Hour
	// deviceValidity is how long a token works before the laptop must be
	// enrolled again: a lost laptop nobody reported stops syncing in time.
	deviceValidity = 365 * 24 * time.Hour
	// codeAlphabet has no 0/O, 1/I/L or U/V pairs to misread when a code is
	// read out over the phone.
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"
	codeLength   = 10 // 29^10 ≈ 2^48: unguessable in 72 hours over HTTP
	// maxLabel bounds the label a device chose, which admins see listed.
	maxLabel = 100
)

// Device is an enrolled laptop. Its token is never kept, only a hash of it.
type Device struct {
	ID        string
	IRO       string
	Label     string
	Created   time.Time
	Expires   time.Time
	Revoked   bool
	RevokedAt time.Time // zero unless Revoked
}

// CreateEnrolment makes a one-time code that enrols one device for iro
// within 72 hours. Only its hash is stored.
func (db *DB) CreateEnrolment(ctx context.Context, iro string, now time.Time) (string, error) {
	iro = strings.TrimSpace(iro)
	if iro == "" {
		return "", errors.New("serverdb: an enrolment needs an IRO")
	}
	code := newCode()
	err := db.write(ctx, func(w *writeTx) error {
		if _, err := w.exec(ctx, `INSERT INTO enrolment (code_hash, iro, created, expires) VALUES (?, ?, ?, ?)`,
			hashHex(code), iro, stamp(now), stamp(now.Add(enrolmentValidity))); err != nil {
			return err
		}
		return w.audit(ctx, now, "", iro, "enrolment", "codes=1")
	})
	if err != nil {
		return "", fmt.Errorf("serverdb: creating an enrolment: %w", err)
	}
	return code, nil
}

// newCode draws codeLength characters from codeAlphabet without bias.
func newCode() string {
	var b strings.Builder
	buf := make([]byte, 1)
	// 256 - 256%29 = 232: bytes at or above it would favour early letters.
	limit := byte(256 - 256%len(codeAlphabet))
	for b.Len() < codeLength {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails
		if buf[0] >= limit {
			continue
		}
		b.WriteByte(codeAlphabet[int(buf[0])%len(codeAlphabet)])
	}
	return b.String()
}

// normaliseCode forgives how a person types a code: case, spaces, dashes.
func normaliseCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// Enrol exchanges a code from CreateEnrolment for a new device and its
// bearer token. A code works once and for 72 hours; anything else is
// ErrBadCode.
func (db *DB) Enrol(ctx context.Context, code, label string, now time.Time) (deviceID, iro, token string, err error) {
	codeHash := hashHex(normaliseCode(code))
	label = clip(strings.TrimSpace(label), maxLabel)
	id, err := uuid.NewV7()
	if err != nil {
		return "", "", "", fmt.Errorf("serverdb: enrol: %w", err)
	}
	deviceID = id.String()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	token = base64.RawURLEncoding.EncodeToString(raw)

	err = db.write(ctx, func(w *writeTx) error {
		var expires string
		err := w.queryRow(ctx, `SELECT iro, expires FROM enrolment WHERE code_hash = ? AND used IS NULL`, codeHash).Scan(&iro, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadCode
		} else if err != nil {
			return err
		}
		if !now.Before(unstamp(expires)) {
			return ErrBadCode
		}
		// The used IS NULL guard makes the code one-time even if two
		// enrolments race past the SELECT.
		res, err := w.exec(ctx, `UPDATE enrolment SET used = ? WHERE code_hash = ? AND used IS NULL`, stamp(now), codeHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrBadCode
		}
		if _, err := w.exec(ctx, `INSERT INTO device (id, iro, label, token_hash, created, expires) VALUES (?, ?, ?, ?, ?, ?)`,
			deviceID, iro, label, hashHex(token), stamp(now), stamp(now.Add(deviceValidity))); err != nil {
			return err
		}
		return w.audit(ctx, now, deviceID, iro, "enrol", "devices=1")
	})
	if errors.Is(err, ErrBadCode) {
		return "", "", "", ErrBadCode
	} else if err != nil {
		return "", "", "", fmt.Errorf("serverdb: enrol: %w", err)
	}
	return deviceID, iro, token, nil
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Authenticate finds the device a bearer token belongs to. Empty, unknown,
// revoked and expired tokens are all ErrUnauthorized. The lookup is by hash,
// so timing reveals nothing about a stored token.
func (db *DB) Authenticate(ctx context.Context, token string, now time.Time) (Device, error) {
	if token == "" {
		return Device{}, ErrUnauthorized
	}
	h := handle{db.sql, db.d}
	d, err := scanDevice(h.queryRow(ctx, `SELECT `+deviceColumns+` FROM device WHERE token_hash = ?`, hashHex(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, ErrUnauthorized
	} else if err != nil {
		return Device{}, fmt.Errorf("serverdb: authenticate: %w", err)
	}
	if d.Revoked || !now.Before(d.Expires) {
		return Device{}, ErrUnauthorized
	}
	return d, nil
}

const deviceColumns = `id, iro, label, created, expires, revoked`

// scanDevice reads deviceColumns.
func scanDevice(row interface{ Scan(...any) error }) (Device, error) {
	var d Device
	var created, expires string
	var revoked sql.NullString
	if err := row.Scan(&d.ID, &d.IRO, &d.Label, &created, &expires, &revoked); err != nil {
		return Device{}, err
	}
	d.Created, d.Expires = unstamp(created), unstamp(expires)
	if revoked.Valid {
		d.Revoked, d.RevokedAt = true, unstamp(revoked.String)
	}
	return d, nil
}

// RevokeDevice stops a device's token working. Revoking twice is harmless;
// an unknown id is ErrNotFound.
func (db *DB) RevokeDevice(ctx context.Context, deviceID string, now time.Time) error {
	err := db.write(ctx, func(w *writeTx) error {
		var iro string
		var revoked sql.NullString
		err := w.queryRow(ctx, `SELECT iro, revoked FROM device WHERE id = ?`, deviceID).Scan(&iro, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if revoked.Valid {
			return nil
		}
		if _, err := w.exec(ctx, `UPDATE device SET revoked = ? WHERE id = ?`, stamp(now), deviceID); err != nil {
			return err
		}
		return w.audit(ctx, now, deviceID, iro, "revoke", "devices=1")
	})
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("serverdb: revoke device %s: %w", deviceID, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("serverdb: revoke device %s: %w", deviceID, err)
	}
	return nil
}

// Devices lists every enrolled device, oldest first, for admins. It never
// returns token hashes.
func (db *DB) Devices(ctx context.Context) ([]Device, error) {
	h := handle{db.sql, db.d}
	rows, err := h.query(ctx, `SELECT `+deviceColumns+` FROM device ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("serverdb: devices: %w", err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("serverdb: devices: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("serverdb: devices: %w", err)
	}
	return out, nil
}

// Allocate puts children in an IRO's allocation. Each (re)allocation takes
// a change number, so the IRO's devices get a snapshot of the child's
// records on their next pull. A child need not have any records yet: the
// laptop may push child.create next.
func (db *DB) Allocate(ctx context.Context, iro string, childIDs ...string) error {
	iro = strings.TrimSpace(iro)
	if iro == "" {
		return errors.New("serverdb: allocate: no IRO named")
	}
	now := time.Now()
	err := db.write(ctx, func(w *writeTx) error {
		for _, child := range childIDs {
			if child == "" {
				return errors.New("an empty child id")
			}
			if _, err := w.exec(ctx, `INSERT INTO allocation (iro, child_id, change_no) VALUES (?, ?, ?)
				ON CONFLICT (iro, child_id) DO UPDATE SET change_no = excluded.change_no`,
				iro, child, w.next()); err != nil {
				return err
			}
			if err := w.renumber(ctx, child); err != nil {
				return err
			}
		}
		return w.audit(ctx, now, "", iro, "allocate", fmt.Sprintf("children=%d", len(childIDs)))
	})
	if err != nil {
		return fmt.Errorf("serverdb: allocate: %w", err)
	}
	return nil
}

// renumber gives each of a newly allocated child's records a new change
// number, after the allocation's, so they reach the IRO's devices in the
// stream of changes, paged by count and by bytes, rather than all at once
// in the snapshot Changes sends of a newly allocated child (which now
// only allocations made before this carry). Devices that hold the records
// already (another IRO's) are sent them again, unchanged, which a laptop
// applies as nothing.
func (w *writeTx) renumber(ctx context.Context, child string) error {
	var keys []entityKey
	err := w.each(ctx, `SELECT entity, id FROM entity WHERE child_id = ? ORDER BY change_no`, []any{child}, func(rows *sql.Rows) error {
		var k entityKey
		err := rows.Scan(&k.entity, &k.id)
		keys = append(keys, k)
		return err
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := w.exec(ctx, `UPDATE entity SET change_no = ? WHERE entity = ? AND id = ?`, w.next(), k.entity, k.id); err != nil {
			return err
		}
	}
	return nil
}

// Deallocate takes children out of an IRO's allocation. Each one that was
// allocated leaves a revocation, which the IRO's devices pull as a revoke
// and purge, and which starts the grace period for what they wrote before
// they knew (access.refusal). Children not allocated to the IRO are skipped.
func (db *DB) Deallocate(ctx context.Context, iro string, childIDs ...string) error {
	now := time.Now()
	removed := 0
	err := db.write(ctx, func(w *writeTx) error {
		for _, child := range childIDs {
			res, err := w.exec(ctx, `DELETE FROM allocation WHERE iro = ? AND child_id = ?`, iro, child)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			removed++
			if _, err := w.exec(ctx, `INSERT INTO revocation (iro, child_id, change_no, revoked_at) VALUES (?, ?, ?, ?)`,
				iro, child, w.next(), stamp(now)); err != nil {
				return err
			}
		}
		return w.audit(ctx, now, "", iro, "deallocate", fmt.Sprintf("children=%d", removed))
	})
	if err != nil {
		return fmt.Errorf("serverdb: deallocate: %w", err)
	}
	return nil
}
