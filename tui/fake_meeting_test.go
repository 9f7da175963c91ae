package tui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/store"
)

// The fake backend's meeting side: what meeting mode wrote, in memory.

func (f *fakeBackend) OpenMeeting(_ context.Context, req store.MeetingRequest) (child.Review, review.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.meetings == nil {
		f.meetings = map[string]*review.Meeting{}
	}
	r := child.Review{ID: fmt.Sprintf("review-%s-%d", req.ChildID, req.Sequence), Version: 1, Kind: req.Kind,
		Sequence: req.Sequence, Due: req.Due, State: string(review.InMeeting)}
	m, ok := f.meetings[r.ID]
	if !ok {
		m = &review.Meeting{ReviewID: r.ID, StartedAt: req.At}
		for i, title := range req.Agenda {
			m.Sections = append(m.Sections, review.Section{ID: fmt.Sprintf("%s-s%d", r.ID, i), Position: i, Title: title})
		}
		f.meetings[r.ID] = m
	}
	f.openReview = r
	return r, copyMeeting(*m), nil
}

// copyMeeting gives the screens their own slices, as the real store does:
// the fake's saves must not write into what a screen is drawing.
func copyMeeting(m review.Meeting) review.Meeting {
	m.Sections = slices.Clone(m.Sections)
	m.Attendees = slices.Clone(m.Attendees)
	m.Consultations = slices.Clone(m.Consultations)
	m.Recommendations = slices.Clone(m.Recommendations)
	return m
}

func (f *fakeBackend) SaveNotes(_ context.Context, sectionID, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves++
	for _, m := range f.meetings {
		for i := range m.Sections {
			if m.Sections[i].ID == sectionID {
				m.Sections[i].Notes = text
				return nil
			}
		}
	}
	return fmt.Errorf("no section %s", sectionID)
}

func (f *fakeBackend) AddRecommendation(_ context.Context, _ string, r *review.Recommendation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.ID = fmt.Sprintf("rec-%d", len(f.recs))
	f.recs = append(f.recs, *r)
	if m, ok := f.meetings[r.ReviewID]; ok {
		m.Recommendations = append(m.Recommendations, *r)
	}
	return nil
}

func (f *fakeBackend) AddAttendee(_ context.Context, _ string, a *review.Attendee) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attendees = append(f.attendees, *a)
	return nil
}

func (f *fakeBackend) SaveReview(_ context.Context, _ string, r *child.Review) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.Version++
	f.openReview = *r
	return nil
}

func (f *fakeBackend) EndMeeting(_ context.Context, _ string, r *child.Review, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := review.CanHold(r.ParticipationCode); err != nil {
		return err
	}
	r.Version++
	f.openReview, f.heldAt = *r, at
	return nil
}

func (f *fakeBackend) Meeting(_ context.Context, reviewID string) (review.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.meetings[reviewID]; ok {
		return copyMeeting(*m), nil
	}
	return review.Meeting{ReviewID: reviewID}, nil
}

func (f *fakeBackend) Recommendations(context.Context, string) ([]review.Recommendation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]review.Recommendation(nil), f.recs...), nil
}

func (f *fakeBackend) MonitoringEntries(context.Context, string) ([]review.Monitoring, error) {
	return nil, nil
}

func (f *fakeBackend) SaveLetter(_ context.Context, reviewID, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.letter = text
	return nil
}

func (f *fakeBackend) AddProgress(_ context.Context, recID string, p *review.Progress) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.recs {
		if f.recs[i].ID == recID {
			f.recs[i].Progress = append(f.recs[i].Progress, *p)
			if p.Status != "" {
				f.recs[i].Status = p.Status
			}
			return nil
		}
	}
	return fmt.Errorf("no recommendation %s", recID)
}

func (f *fakeBackend) AddMonitoring(context.Context, string, *review.Monitoring) error { return nil }

func (f *fakeBackend) OpenPreparation(ctx context.Context, req store.MeetingRequest) (child.Review, review.Meeting, error) {
	r, m, err := f.OpenMeeting(ctx, req)
	r.State = string(review.Preparing)
	return r, m, err
}

func (f *fakeBackend) AddConsultation(_ context.Context, reviewID string, c *review.Consultation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.meetings[reviewID]
	c.ID = fmt.Sprintf("cons-%d", len(m.Consultations))
	m.Consultations = append(m.Consultations, *c)
	return nil
}

func (f *fakeBackend) SaveWishes(_ context.Context, reviewID, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meetings[reviewID].WishesAndFeelings = text
	return nil
}

func (f *fakeBackend) SaveDocument(context.Context, string, *review.Document) error { return nil }
func (f *fakeBackend) SaveChecklistItem(context.Context, string, *review.ChecklistItem) error {
	return nil
}
func (f *fakeBackend) AddSection(context.Context, string, *review.Section) error { return nil }
func (f *fakeBackend) UpdateSection(context.Context, *review.Section) error      { return nil }
func (f *fakeBackend) DeleteSection(context.Context, string) error               { return nil }

func (f *fakeBackend) Challenges(_ context.Context, childID string) ([]challenge.Challenge, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []challenge.Challenge
	for _, c := range f.challenges {
		if c.ChildID == childID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeBackend) RaiseChallengeNow(_ context.Context, c *challenge.Challenge) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c.ID = fmt.Sprintf("challenge-%d", len(f.challenges))
	for i := range c.Steps {
		c.Steps[i].ID = fmt.Sprintf("%s-step-%d", c.ID, i)
	}
	f.challenges = append(f.challenges, *c)
	return nil
}

func (f *fakeBackend) AppendChallengeStepNow(_ context.Context, id string, s *challenge.Step) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.challenges {
		if f.challenges[i].ID == id {
			s.ID = fmt.Sprintf("%s-step-%d", id, len(f.challenges[i].Steps))
			f.challenges[i].Steps = append(f.challenges[i].Steps, *s)
			return nil
		}
	}
	return fmt.Errorf("no challenge %s", id)
}

func (f *fakeBackend) DriftFacts(context.Context) ([]drift.Facts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	facts := make([]drift.Facts, len(f.children))
	for i, c := range f.children {
		facts[i] = drift.Facts{Child: c}
	}
	return facts, nil
}
