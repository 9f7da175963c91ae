package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/challenge"
)

func TestDefault(t *testing.T) {
	cfg := Default()
	if cfg.LA != "" || cfg.DecisionsWorkingDays != 5 || cfg.RecordWorkingDays != 20 || cfg.Warnings != nil {
		t.Errorf("Default = %+v", cfg)
	}
	if !reflect.DeepEqual(cfg.Ladder, challenge.DefaultLadder()) {
		t.Errorf("default ladder = %+v", cfg.Ladder)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name         string
		text         string
		want         func(c *Config) // applied to Default()
		wantWarnings []string
	}{
		{"empty file", "", func(c *Config) {}, nil},
		{"comments, blank lines, CRLF and a byte-order mark",
			"\uFEFF# Northshire\r\n\r\n   # indented comment\r\nla = Northshire County Council\r\n",
			func(c *Config) { c.LA = "Northshire County Council" }, nil},
		{"every key", strings.Join([]string{
			"la=Westvale",
			"records.decisions_working_days = 3",
			"  records.record_working_days   =   15  ",
			"ladder.stage = Informal | social worker | 5",
			"ladder.stage = Team manager | team manager | 10",
			"ladder.stage = Director|director of children's services|15",
		}, "\n"), func(c *Config) {
			c.LA, c.DecisionsWorkingDays, c.RecordWorkingDays = "Westvale", 3, 15
			c.Ladder = challenge.Ladder{Stages: []challenge.Stage{
				{Name: "Informal", Addressee: "social worker", WorkingDays: 5},
				{Name: "Team manager", Addressee: "team manager", WorkingDays: 10},
				{Name: "Director", Addressee: "director of children's services", WorkingDays: 15},
			}}
		}, nil},
		{"a value may contain = and #", "la = A=B # not a comment", func(c *Config) { c.LA = "A=B # not a comment" }, nil},
		{"an empty LA", "la =", func(c *Config) {}, nil},
		{"the bounds 1 and 60", "records.decisions_working_days = 1\nrecords.record_working_days = 60",
			func(c *Config) { c.DecisionsWorkingDays, c.RecordWorkingDays = 1, 60 }, nil},
		{"an empty addressee is allowed", "ladder.stage = Manager |  | 5", func(c *Config) {
			c.Ladder = challenge.Ladder{Stages: []challenge.Stage{{Name: "Manager", WorkingDays: 5}}}
		}, nil},
		{"unknown keys are warnings", "la = X\n\n# c\nladderr.stage = A | b | 5\nLA = Y\nrecords.colour = red",
			func(c *Config) { c.LA = "X" },
			[]string{`config:4: unknown key "ladderr.stage" ignored`, `config:5: unknown key "LA" ignored`,
				`config:6: unknown key "records.colour" ignored`}},
		{"a key set twice: the last wins, with a warning", "la = One\nrecords.record_working_days = 10\nla = Two",
			func(c *Config) { c.LA, c.RecordWorkingDays = "Two", 10 },
			[]string{"config:3: la is set again; this replaces line 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.text), "config")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Default()
			tc.want(&want)
			want.Warnings = tc.wantWarnings
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"no =", "la = X\n\nladder", `config:3: want "key = value", got "ladder"`},
		{"no key", "= 5", `config:1: want "key = value", got "= 5"`},
		{"two parts to a stage", "# c\n\n\n\n\n\nladder.stage = Team manager | 5",
			`config:7: ladder.stage needs "name | addressee | working days", got "Team manager | 5"`},
		{"four parts to a stage", "ladder.stage = A | b | 5 | 6", `config:1: ladder.stage needs "name | addressee | working days", got "A | b | 5 | 6"`},
		{"stage days not a number", "ladder.stage = A | b | five", `config:1: ladder.stage working days must be a whole number, got "five"`},
		{"stage days a fraction", "ladder.stage = A | b | 5.5", `got "5.5"`},
		{"record days not a number", "la = X\n# c\nrecords.record_working_days = twenty",
			`config:3: records.record_working_days must be a whole number from 1 to 60, got "twenty"`},
		{"record days zero", "records.record_working_days = 0", `config:1: records.record_working_days must be a whole number from 1 to 60`},
		{"decisions days 61", "records.decisions_working_days = 61", `config:1: records.decisions_working_days must be a whole number from 1 to 60, got "61"`},
		{"decisions days empty", "records.decisions_working_days =", `got ""`},
		{"decisions days negative", "records.decisions_working_days = -5", `got "-5"`},
		{"a stage with no name: its own line", "# c\nladder.stage = Informal | sw | 5\nladder.stage =  | tm | 5",
			"config:3: ladder stage 2: has no name"},
		{"a stage's days out of range: its own line", "ladder.stage = A | a | 5\nla = X\nladder.stage = B | b | 61",
			`config:3: ladder stage 2: "B" has 61 working days to respond; want 1 to 60`},
		{"a stage with no days", "ladder.stage = A | a | 0", `config:1: ladder stage 1: "A" has 0 working days`},
		{"not UTF-8", "la = ok\nla = \xff\xfe", "config:2: the line is not UTF-8 text"},
		{"a line too long", "la = x\nla = " + strings.Repeat("x", maxLine), "config:2: the line is longer than 65536 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.text), "config")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %+v, %v; want an error containing %q", got, err, tc.want)
			}
		})
	}
}

// TestLoadCustomLadder is the path a user takes: a file named by IRO_CONFIG.
func TestLoadCustomLadder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "northshire.conf")
	text := "# Northshire's dispute resolution protocol (2026)\nla = Northshire\n" +
		"ladder.stage = Practice conversation | social worker | 3\n" +
		"ladder.stage = Escalation to manager | team manager | 5\n" +
		"ladder.stage = Director | director of children's services | 10\n" +
		"colour = blue\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvConfig, path)
	cfg, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := challenge.Ladder{Stages: []challenge.Stage{
		{Name: "Practice conversation", Addressee: "social worker", WorkingDays: 3},
		{Name: "Escalation to manager", Addressee: "team manager", WorkingDays: 5},
		{Name: "Director", Addressee: "director of children's services", WorkingDays: 10},
	}}
	if cfg.LA != "Northshire" || !reflect.DeepEqual(cfg.Ladder, want) || cfg.RecordWorkingDays != 20 {
		t.Errorf("Load = %+v", cfg)
	}
	if len(cfg.Warnings) != 1 || cfg.Warnings[0] != path+`:6: unknown key "colour" ignored` {
		t.Errorf("warnings = %q, want one naming the file and line 6", cfg.Warnings)
	}

	// The error names the file, so the user knows which one to fix.
	if err := os.WriteFile(path, []byte("ladder.stage = Team manager | 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(); err == nil || !strings.HasPrefix(err.Error(), path+":1: ladder.stage needs") {
		t.Errorf("Load of a bad file = %v, want an error starting %q", err, path+":1:")
	}
}

func TestLoadMissingFileIsDefault(t *testing.T) {
	t.Setenv(EnvConfig, filepath.Join(t.TempDir(), "nowhere", "config"))
	cfg, err := Load()
	if err != nil || !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("Load of a missing file = %+v, %v; want the defaults", cfg, err)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir() // a directory where the file should be
	t.Setenv(EnvConfig, dir)
	if _, err := Load(); err == nil {
		t.Error("Load of a directory = nil error")
	}
}

func TestPath(t *testing.T) {
	home := func() (string, error) { return "/home/ro", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	for _, tc := range []struct {
		name    string
		env     map[string]string
		goos    string
		home    func() (string, error)
		want    string
		wantErr bool
	}{
		{"IRO_CONFIG wins", map[string]string{"IRO_CONFIG": "/srv/la.conf", "XDG_CONFIG_HOME": "/x"}, "linux", home, "/srv/la.conf", false},
		{"XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": "/x/cfg"}, "linux", home, "/x/cfg/iro/config", false},
		{"a relative XDG_CONFIG_HOME is ignored", map[string]string{"XDG_CONFIG_HOME": "cfg"}, "linux", home, "/home/ro/.config/iro/config", false},
		{"home on Linux", nil, "linux", home, "/home/ro/.config/iro/config", false},
		{"home on macOS too", nil, "darwin", home, "/home/ro/.config/iro/config", false},
		{"AppData on Windows", map[string]string{"APPDATA": "/Users/ro/AppData/Roaming"}, "windows", noHome,
			"/Users/ro/AppData/Roaming/iro/config", false},
		{"Windows without AppData", nil, "windows", home, "", true},
		{"no home", nil, "linux", noHome, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := configPath(func(k string) string { return tc.env[k] }, tc.goos, tc.home)
			if (err != nil) != tc.wantErr || got != filepath.FromSlash(tc.want) {
				t.Errorf("configPath = %q, %v; want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"la = Northshire\nrecords.decisions_working_days = 5\nrecords.record_working_days = 20\n",
		"ladder.stage = Informal | social worker | 5\nladder.stage = Team manager | team manager | 10\n",
		"ladder.stage = | | \n",
		"ladder.stage = a|b|99999999999999999999\n",
		"\uFEFF# c\r\nx = y\r\n",
		"=\n==\n|||\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := Parse(strings.NewReader(text), "config")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config:") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		// Whatever Parse accepts, the rules can work with.
		if err := cfg.Ladder.Validate(); err != nil {
			t.Errorf("accepted a ladder that does not validate: %v", err)
		}
		for _, n := range []int{cfg.DecisionsWorkingDays, cfg.RecordWorkingDays} {
			if n < 1 || n > 60 {
				t.Errorf("accepted %d working days", n)
			}
		}
	})
}

func TestIdleLockMinutes(t *testing.T) {
	tests := []struct {
		text    string
		want    int
		wantErr string
	}{
		{"", DefaultIdleLockMinutes, ""},
		{"lock.idle_minutes = 1", 1, ""},
		{"lock.idle_minutes = 15", 15, ""},
		{"lock.idle_minutes = 0", 0, "cannot be turned off"},
		{"lock.idle_minutes = 16", 0, "from 1 to 15"},
		{"lock.idle_minutes = never", 0, "config:1: lock.idle_minutes"},
	}
	for _, tt := range tests {
		cfg, err := Parse(strings.NewReader(tt.text), "config")
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%q: error %v, want %q", tt.text, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || cfg.IdleLockMinutes != tt.want):
			t.Errorf("%q: %d, %v; want %d", tt.text, cfg.IdleLockMinutes, err, tt.want)
		}
	}
}
