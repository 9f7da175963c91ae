// Package config reads the user's config file: the local authority's name,
// the deadlines for circulating a review's decisions and record, and the
// local dispute-resolution ladder. iro never writes the file; it only reads
// it, and falls back to the defaults for anything it does not say.
//
// The format is deliberately small, so that an IRO can edit it in Notepad
// and a mistake is reported with its line:
//
//	# Northshire's settings
//	la = Northshire
//	records.decisions_working_days = 5
//	records.record_working_days = 20
//	ladder.stage = Informal | social worker | 5
//	ladder.stage = Team manager | team manager | 10
//
// Blank lines and lines starting with # are ignored. When any ladder.stage
// line is present the stages listed replace the default ladder, in order.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iro-app/iro/internal/challenge"
)

// Config is everything the config file can set.
type Config struct {
	LA                   string // the local authority's name; "" when not set
	DecisionsWorkingDays int    // decisions circulated within this many working days of the review
	RecordWorkingDays    int    // the full record, likewise
	Ladder               challenge.Ladder
	IdleLockMinutes      int // lock the TUI after this many idle minutes (1–15; never off)

	// Warnings are lines iro read but ignored or overrode, each starting
	// "file:line:", for the caller to show once.
	Warnings []string
}

// The keys a config file may set.
const (
	keyLA          = "la"
	keyDecisions   = "records.decisions_working_days"
	keyRecord      = "records.record_working_days"
	keyLadderStage = "ladder.stage"
	keyIdleLock    = "lock.idle_minutes"
)

// The idle-lock bounds: a laptop with children's data on it always locks,
// and within a quarter of an hour.
const (
	DefaultIdleLockMinutes = 5
	minIdleLock            = 1
	maxIdleLock            = 15
)

// The range for the records deadlines: the same bounds as a ladder stage's,
// for the same reason (60 working days is about three months, beyond any
// local practice, so a larger number is a typo).
const (
	minWorkingDays = challenge.MinStageWorkingDays
	maxWorkingDays = challenge.MaxStageWorkingDays
)

// Default is the configuration when the user has set nothing: DOMAIN.md's
// 5 and 20 working days, and the typical ladder.
func Default() Config {
	return Config{DecisionsWorkingDays: 5, RecordWorkingDays: 20, Ladder: challenge.DefaultLadder(), IdleLockMinutes: DefaultIdleLockMinutes}
}

// maxLine bounds one line, so a config file that is really something else
// (a binary pasted by mistake) is refused rather than read into memory.
const maxLine = 64 * 1024

// Parse reads a config file's text; name is how errors and warnings refer
// to it (normally its path). It refuses the first malformed line with an
// error "name:line: …" and collects unknown keys as warnings, because a
// newer iro's key in an older iro's hands must not stop it from starting.
func Parse(r io.Reader, name string) (Config, error) {
	cfg := Default()
	var (
		stages     []challenge.Stage
		stageLines []int
		seen       = map[string]int{} // scalar key → the line that set it
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Bytes()
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\uFEFF")) // Notepad's byte-order mark
		}
		if !utf8.Valid(raw) {
			return Config{}, fmt.Errorf("%s:%d: the line is not UTF-8 text", name, n)
		}
		line := strings.TrimSpace(string(raw))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" {
			return Config{}, fmt.Errorf("%s:%d: want \"key = value\", got %q", name, n, line)
		}
		if key != keyLadderStage {
			if first, again := seen[key]; again {
				cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s:%d: %s is set again; this replaces line %d", name, n, key, first))
			}
			seen[key] = n
		}
		switch key {
		case keyLA:
			cfg.LA = value
		case keyDecisions:
			days, err := workingDays(value)
			if err != nil {
				return Config{}, fmt.Errorf("%s:%d: %s %w", name, n, key, err)
			}
			cfg.DecisionsWorkingDays = days
		case keyRecord:
			days, err := workingDays(value)
			if err != nil {
				return Config{}, fmt.Errorf("%s:%d: %s %w", name, n, key, err)
			}
			cfg.RecordWorkingDays = days
		case keyIdleLock:
			m, err := strconv.Atoi(value)
			if err != nil || m < minIdleLock || m > maxIdleLock {
				return Config{}, fmt.Errorf("%s:%d: %s must be a whole number of minutes from %d to %d (locking cannot be turned off)",
					name, n, key, minIdleLock, maxIdleLock)
			}
			cfg.IdleLockMinutes = m
		case keyLadderStage:
			stage, err := parseStage(value)
			if err != nil {
				return Config{}, fmt.Errorf("%s:%d: %w", name, n, err)
			}
			stages = append(stages, stage)
			stageLines = append(stageLines, n)
		default:
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s:%d: unknown key %q ignored", name, n, key))
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Config{}, fmt.Errorf("%s:%d: the line is longer than %d bytes", name, n+1, maxLine)
		}
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(stages) > 0 {
		cfg.Ladder = challenge.Ladder{Stages: stages}
		if err := cfg.Ladder.Validate(); err != nil {
			// Point at the offending stage's own line when the error names
			// one; otherwise at the start of the ladder.
			line := stageLines[0]
			var se *challenge.StageError
			if errors.As(err, &se) && se.Index < len(stageLines) {
				line = stageLines[se.Index]
			}
			return Config{}, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return cfg, nil
}

func workingDays(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < minWorkingDays || n > maxWorkingDays {
		return 0, fmt.Errorf("must be a whole number from %d to %d, got %q", minWorkingDays, maxWorkingDays, s)
	}
	return n, nil
}

// parseStage reads "name | addressee | working days". The range of the days
// and the name are left to Ladder.Validate, so that the rules live in one
// place; only the shape is checked here.
func parseStage(value string) (challenge.Stage, error) {
	parts := strings.Split(value, "|")
	if len(parts) != 3 {
		return challenge.Stage{}, fmt.Errorf("%s needs \"name | addressee | working days\", got %q", keyLadderStage, value)
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	days, err := strconv.Atoi(parts[2])
	if err != nil {
		return challenge.Stage{}, fmt.Errorf("%s working days must be a whole number, got %q", keyLadderStage, parts[2])
	}
	return challenge.Stage{Name: parts[0], Addressee: parts[1], WorkingDays: days}, nil
}

// Load reads the config file at Path. A missing file is not an error: iro
// runs on the defaults until the user writes one.
func Load() (Config, error) {
	path, err := Path()
	if err != nil {
		return Config{}, err
	}
	return loadFile(path)
}

func loadFile(path string) (Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}
