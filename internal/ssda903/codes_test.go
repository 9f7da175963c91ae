package ssda903

import (
	"slices"
	"testing"
)

func TestEveryListedCodeHasBothMeanings(t *testing.T) {
	lists := []struct {
		name    string
		codes   []string
		meaning func(string) (string, bool)
		short   func(string) string
		want    int
	}{
		{"legal status", LegalStatusCodes(), LegalStatus, LegalStatusShort, 13},
		{"placement", PlacementCodes(), Placement, PlacementShort, 28},
		{"participation", ParticipationCodes(), Participation, ParticipationShort, 8},
		{"CP category", CPCategoryCodes(), CPCategory, nil, 5},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			if len(l.codes) != l.want {
				t.Errorf("%d codes, want %d", len(l.codes), l.want)
			}
			seen := map[string]bool{}
			for _, c := range l.codes {
				if seen[c] {
					t.Errorf("%s listed twice", c)
				}
				seen[c] = true
				if m, ok := l.meaning(c); !ok || m == "" {
					t.Errorf("%s: meaning %q, %v", c, m, ok)
				}
				if l.short != nil {
					if s := l.short(c); s == "" || s == c {
						t.Errorf("%s: short label %q", c, s)
					}
				}
			}
		})
	}
}

func TestEveryListHasMeaningsAndShortLabels(t *testing.T) {
	lists := []struct {
		name string
		list []code
	}{
		{"legal status", legalStatuses}, {"placement", placements}, {"participation", participation},
		{"CP category", cpCategories}, {"RNE", reasonsNew}, {"REC", reasonsEnd},
		{"ethnicity", ethnicities}, {"sex", sexes},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, e := range l.list {
				if e.code == "" || e.meaning == "" || e.short == "" || seen[e.code] {
					t.Errorf("bad or repeated entry %+v", e)
				}
				seen[e.code] = true
			}
		})
	}
}

func TestLookups(t *testing.T) {
	tests := []struct {
		name   string
		lookup func(string) (string, bool)
		code   string
		want   string
		wantOK bool
	}{
		{"care order", LegalStatus, "C2", "Full care order", true},
		{"s20", LegalStatus, "V2", "Single period of accommodation under section 20 (Children Act 1989)", true},
		{"EPO", LegalStatus, "L2", "Emergency protection order", true},
		{"lower case is not a code", LegalStatus, "c2", "", false},
		{"retired code", LegalStatus, "V1", "", false},
		{"long-term foster", Placement, "U4", "Foster placement with other foster carer(s) – long-term fostering", true},
		{"adoption with current carers by consent", Placement, "A3", "Placed for adoption with parental/guardian consent with current foster carer(s)", true},
		{"adoption under placement order, new carers", Placement, "A6", "Placed for adoption with placement order not with current foster carer(s)", true},
		{"children's home", Placement, "K2", "Children's home subject to the Children's Homes Regulations", true},
		{"placement blank", Placement, "", "", false},
		{"under 4", Participation, "PN0", "Child under 4 at the time of the review", true},
		{"views not conveyed", Participation, "PN7", "Does not attend and views not conveyed", true},
		{"PN8", Participation, "PN8", "", false},
		{"neglect", CPCategory, "NEG", "Neglect", true},
		{"CIN need code is not a category", CPCategory, "N1", "", false},
		{"RNE started", ReasonNew, "S", "Started to be looked after", true},
		{"REC new episode", ReasonEnd, "X1", "Episode ceases, and new episode begins on same day, for any reason", true},
		{"ethnicity", Ethnicity, "MWBC", "White and Black Caribbean", true},
		{"sex", Sex, "2", "Female", true},
		{"sex unknown", Sex, "0", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.lookup(tt.code)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("lookup(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestShortLabels(t *testing.T) {
	tests := []struct {
		short func(string) string
		code  string
		want  string
	}{
		{PlacementShort, "U4", "Foster (long-term)"},
		{PlacementShort, "K2", "Children's home"},
		{PlacementShort, "H5", "Semi-independent"},
		{PlacementShort, "Q9", "Q9"},
		{LegalStatusShort, "C2", "Care order"},
		{LegalStatusShort, "C1", "Interim care order"},
		{LegalStatusShort, "V2", "s20"},
		{LegalStatusShort, "V4", "Short breaks"},
		{LegalStatusShort, "E1", "Placement order"},
		{LegalStatusShort, "", ""},
		{ParticipationShort, "PN6", "Views sent"},
	}
	for _, tt := range tests {
		if got := tt.short(tt.code); got != tt.want {
			t.Errorf("short(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestCodeListsAreOrderedAndCopied(t *testing.T) {
	if got := ParticipationCodes(); !slices.Equal(got, []string{"PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"}) {
		t.Errorf("ParticipationCodes() = %v", got)
	}
	if got := LegalStatusCodes()[:2]; !slices.Equal(got, []string{"C1", "C2"}) {
		t.Errorf("LegalStatusCodes() starts %v", got)
	}
	PlacementCodes()[0] = "XX"
	if got := PlacementCodes()[0]; got != "U1" {
		t.Errorf("PlacementCodes()[0] = %q after a caller changed its copy", got)
	}
}
