// Package ssda903 knows the DfE SSDA903 looked-after children return: its
// code lists and what each code means to an IRO.
package ssda903

// code is one entry of an SSDA903 code list. meaning follows the DfE
// guidance closely enough to settle a dispute about a return; short fits a
// narrow table cell.
type code struct {
	code, meaning, short string
}

// Lists are slices, not maps, so every listing comes out in the DfE order.
var legalStatuses = []code{
	{"C1", "Interim care order", "Interim care order"},
	{"C2", "Full care order", "Care order"},
	{"D1", "Freeing order granted", "Freeing order"},
	{"E1", "Placement order granted", "Placement order"},
	{"V2", "Single period of accommodation under section 20 (Children Act 1989)", "s20"},
	{"V3", "Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded", "Short breaks"},
	{"V4", "Accommodated under an agreed series of short-term breaks, when agreements are recorded (not individual episodes of care)", "Short breaks"},
	{"L1", "Under police protection and in local authority accommodation", "Police protection"},
	{"L2", "Emergency protection order", "EPO"},
	{"L3", "Under child assessment order and in local authority accommodation", "Child assessment order"},
	{"J1", "Remanded to local authority accommodation or to youth detention accommodation", "Remand"},
	{"J2", "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984 (PACE)", "PACE"},
	{"J3", "Sentenced to a youth rehabilitation order with a residence or intensive fostering requirement", "YRO with residence"},
}

var placements = []code{
	{"U1", "Foster placement with relative(s) or friend(s) – long-term fostering", "Kinship (long-term)"},
	{"U2", "Foster placement with relative(s) or friend(s) who is/are also approved adopter(s) – fostering for adoption/concurrent planning", "Kinship (FfA)"},
	{"U3", "Foster placement with relative(s) or friend(s) – not long-term or fostering for adoption", "Kinship foster"},
	{"U4", "Foster placement with other foster carer(s) – long-term fostering", "Foster (long-term)"},
	{"U5", "Foster placement with other foster carer(s) who is/are also approved adopter(s) – fostering for adoption/concurrent planning", "Foster (FfA)"},
	{"U6", "Foster placement with other foster carer(s) – not long-term or fostering for adoption", "Foster"},
	{"A3", "Placed for adoption with parental/guardian consent with current foster carer(s)", "Adoption by carers (consent)"},
	{"A4", "Placed for adoption with parental/guardian consent not with current foster carer(s)", "Adoption (consent)"},
	{"A5", "Placed for adoption with placement order with current foster carer(s)", "Adoption by carers (PO)"},
	{"A6", "Placed for adoption with placement order not with current foster carer(s)", "Adoption (PO)"},
	{"K1", "Secure children's home", "Secure children's home"},
	{"K2", "Children's home subject to the Children's Homes Regulations", "Children's home"},
	{"K3", "Registered supported accommodation", "Supported accommodation"},
	{"H5", "Semi-independent living accommodation not subject to the Children's Homes Regulations", "Semi-independent"},
	{"P1", "Placed with own parent(s) or other person(s) with parental responsibility", "With parents"},
	{"P2", "Independent living, e.g. in a flat, lodgings, bedsit, B&B or with friends, with or without formal support", "Independent living"},
	{"P3", "Residential employment", "Residential employment"},
	{"R1", "Residential care home", "Residential care home"},
	{"R2", "NHS/health trust or other establishment providing medical or nursing care", "Health establishment"},
	{"R3", "Family centre or mother and baby unit", "Mother and baby unit"},
	{"R5", "Young offender institution or prison", "YOI"},
	{"S1", "Residential school, except where dual-registered as a school and children's home", "Residential school"},
	{"T0", "All types of temporary move", "Temporary move"},
	{"T1", "Temporary period in hospital", "Temporary: hospital"},
	{"T2", "Temporary absence of the child on holiday", "Temporary: holiday"},
	{"T3", "Temporary accommodation whilst the usual foster carer(s) is/are on holiday", "Temporary: respite"},
	{"T4", "Temporary accommodation of seven days or less, for any reason not covered by T1 to T3", "Temporary: other"},
	{"Z1", "Other placement (listed on a schedule sent to DfE with the return)", "Other"},
}

var participation = []code{
	{"PN0", "Child under 4 at the time of the review", "Under 4"},
	{"PN1", "Attends and speaks for themself", "Attends, speaks"},
	{"PN2", "Attends; an advocate speaks for them", "Attends, advocate"},
	{"PN3", "Attends and conveys views non-verbally or symbolically", "Attends, non-verbal"},
	{"PN4", "Attends but does not contribute", "Attends, silent"},
	{"PN5", "Does not attend; briefs an advocate to speak for them", "Advocate briefed"},
	{"PN6", "Does not attend; conveys views by another medium (written, text, phone, video)", "Views sent"},
	{"PN7", "Does not attend and views not conveyed", "No views"},
}

var cpCategories = []code{
	{"NEG", "Neglect", "Neglect"},
	{"PHY", "Physical abuse", "Physical"},
	{"EMO", "Emotional abuse", "Emotional"},
	{"SAB", "Sexual abuse", "Sexual"},
	{"MUL", "Multiple categories", "Multiple"},
}

var reasonsNew = []code{
	{"S", "Started to be looked after", "Became looked after"},
	{"L", "Change of legal status only", "Legal status"},
	{"P", "Change of placement and carer(s) only", "Placement move"},
	{"T", "Change of placement (but same carer(s)) only", "Placement status"},
	{"B", "Change of legal status and placement and carer(s) at the same time", "Legal status and move"},
	{"U", "Change of legal status and change of placement (but same carer(s)) at the same time", "Legal and placement status"},
}

var reasonsEnd = []code{
	{"X1", "Episode ceases, and new episode begins on same day, for any reason", "New episode"},
	{"E11", "Adopted – application for an adoption order unopposed", "Adopted"},
	{"E12", "Adopted – consent dispensed with by the court", "Adopted"},
	{"E2", "Died", "Died"},
	{"E3", "Care taken over by another local authority in the UK", "Transferred to another LA"},
	{"E41", "Residence order or child arrangements order granted", "Child arrangements order"},
	{"E45", "Special guardianship order made to former foster carer(s) who are relatives or friends", "SGO"},
	{"E46", "Special guardianship order made to former foster carer(s) other than relatives or friends", "SGO"},
	{"E47", "Special guardianship order made to carer(s), not former foster carers, who are relatives or friends", "SGO"},
	{"E48", "Special guardianship order made to carer(s), not former foster carers, other than relatives or friends", "SGO"},
	{"E4A", "Returned home to live with parent(s) or other person(s) with parental responsibility as part of the care planning process", "Returned home (planned)"},
	{"E4B", "Returned home to live with parent(s) or other person(s) with parental responsibility not as part of the care planning process", "Returned home (unplanned)"},
	{"E5", "Moved into independent living with formalised advice and support", "Supported independence"},
	{"E6", "Moved into independent living without formalised advice and support", "Independent living"},
	{"E7", "Transferred to residential care funded by adult social care services", "Adult social care"},
	{"E8", "Period of being looked after ceased for any other reason", "Other"},
	{"E9", "Sentenced to custody", "Custody"},
	{"E13", "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility", "Left to live with family"},
	{"E14", "Accommodation on remand ended", "Remand ended"},
	{"E15", "Age assessment determined child is aged 18 or over", "Age assessed 18+"},
	{"E16", "Child moved abroad", "Moved abroad"},
	{"E17", "Aged 18 or over and remained with current carers (including staying put)", "Staying put"},
}

var ethnicities = []code{
	{"WBRI", "White British", "White British"},
	{"WIRI", "White Irish", "White Irish"},
	{"WIRT", "Traveller of Irish heritage", "Irish Traveller"},
	{"WROM", "Gypsy/Roma", "Gypsy/Roma"},
	{"WOTH", "Any other White background", "White other"},
	{"MWBC", "White and Black Caribbean", "White & Black Caribbean"},
	{"MWBA", "White and Black African", "White & Black African"},
	{"MWAS", "White and Asian", "White & Asian"},
	{"MOTH", "Any other mixed background", "Mixed other"},
	{"AIND", "Indian", "Indian"},
	{"APKN", "Pakistani", "Pakistani"},
	{"ABAN", "Bangladeshi", "Bangladeshi"},
	{"AOTH", "Any other Asian background", "Asian other"},
	{"BCRB", "Caribbean", "Caribbean"},
	{"BAFR", "African", "African"},
	{"BOTH", "Any other Black background", "Black other"},
	{"CHNE", "Chinese", "Chinese"},
	{"OOTH", "Any other ethnic group", "Other"},
	{"REFU", "Refused", "Refused"},
	{"NOBT", "Information not yet obtained", "Not obtained"},
}

var sexes = []code{
	{"1", "Male", "Male"},
	{"2", "Female", "Female"},
}

// LegalStatus is the meaning of a legal status (LS) code.
func LegalStatus(c string) (meaning string, ok bool) { return meaningOf(legalStatuses, c) }

// Placement is the meaning of a placement type (PLACE) code.
func Placement(c string) (string, bool) { return meaningOf(placements, c) }

// Participation is the meaning of a review participation (REVIEW_CODE) code.
func Participation(c string) (string, bool) { return meaningOf(participation, c) }

// CPCategory is the meaning of a child protection category of abuse.
func CPCategory(c string) (string, bool) { return meaningOf(cpCategories, c) }

// ReasonNew is the meaning of a reason for new episode (RNE) code.
func ReasonNew(c string) (string, bool) { return meaningOf(reasonsNew, c) }

// ReasonEnd is the meaning of a reason episode ceased (REC) code.
func ReasonEnd(c string) (string, bool) { return meaningOf(reasonsEnd, c) }

// Ethnicity is the meaning of an ethnic origin (ETHNIC) code.
func Ethnicity(c string) (string, bool) { return meaningOf(ethnicities, c) }

// Sex is the meaning of a SEX code.
func Sex(c string) (string, bool) { return meaningOf(sexes, c) }

// LegalStatusShort is a label for a narrow cell. An unknown code comes back
// unchanged so that the cell still shows what the record holds.
func LegalStatusShort(c string) string { return shortOf(legalStatuses, c) }

// PlacementShort is a label for a narrow cell; unknown codes come back unchanged.
func PlacementShort(c string) string { return shortOf(placements, c) }

// ParticipationShort is a label for a narrow cell; unknown codes come back unchanged.
func ParticipationShort(c string) string { return shortOf(participation, c) }

// LegalStatusCodes lists the legal status codes in DfE order.
func LegalStatusCodes() []string { return codesOf(legalStatuses) }

// PlacementCodes lists the placement type codes in DfE order.
func PlacementCodes() []string { return codesOf(placements) }

// ParticipationCodes lists PN0 to PN7.
func ParticipationCodes() []string { return codesOf(participation) }

// CPCategoryCodes lists the child protection categories.
func CPCategoryCodes() []string { return codesOf(cpCategories) }

// ReasonNewCodes lists the reasons for a new episode (RNE).
func ReasonNewCodes() []string { return codesOf(reasonsNew) }

// ReasonEndCodes lists the reasons an episode ceased (REC).
func ReasonEndCodes() []string { return codesOf(reasonsEnd) }

// EthnicityCodes lists the ethnic origin codes.
func EthnicityCodes() []string { return codesOf(ethnicities) }

// SexCodes lists the SEX codes.
func SexCodes() []string { return codesOf(sexes) }

func lookup(list []code, c string) (code, bool) {
	for _, e := range list {
		if e.code == c {
			return e, true
		}
	}
	return code{}, false
}

func meaningOf(list []code, c string) (string, bool) {
	e, ok := lookup(list, c)
	return e.meaning, ok
}

func shortOf(list []code, c string) string {
	if e, ok := lookup(list, c); ok {
		return e.short
	}
	return c
}

// codesOf returns a fresh slice so callers cannot reorder the package's lists.
func codesOf(list []code) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.code
	}
	return out
}
