package demo

import (
	"hash/fnv"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

var consultationSummaries = []string{
	"Talked in the car after school; happy where they live and wants more time with their brother.",
	"Seen at home in their bedroom; worried about changing school next year.",
	"Met at a café; says contact with mum is going well but too short.",
	"Visited at the placement; proud of their football team and their new bike.",
	"Video call; tired of meetings, wants the review kept short and to choose who comes.",
}

// Consultation is how the IRO consulted the child before the review they
// held last: most children were seen alone, some only with their carer, and
// for a few nothing was recorded — so the drift dashboard has something to
// show. It is fixed by the child's LA id, so the demo stays deterministic.
func Consultation(c child.Child, held child.Review) (review.Consultation, bool) {
	h := fnv.New32a()
	h.Write([]byte(c.LAID))
	n := h.Sum32()
	if n%12 == 0 {
		return review.Consultation{}, false
	}
	how := review.MethodVisit
	if n%5 == 4 {
		how = review.MethodVideo
	}
	return review.Consultation{
		Who:       review.ConsulteeChild,
		Name:      c.FirstName,
		How:       how,
		On:        held.Held.AddDays(-int(3 + n%10)),
		SeenAlone: n%8 != 1,
		Summary:   consultationSummaries[n%uint32(len(consultationSummaries))],
	}, true
}
