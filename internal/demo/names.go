package demo

// Everything here is invented. Names are combined at random from lists of
// common first names and family names; pairs that belong to well-known
// people were taken out of the lists. Postcode districts are outward codes
// only, never a full postcode, so no address can be reconstructed.

// heritage keeps names and ethnicity consistent within one child, so the
// demo reads like a real caseload rather than a random mix.
type heritage struct {
	weight    int
	ethnicity []string
	girls     []string
	boys      []string
	surnames  []string
}

var heritages = []heritage{
	{55, []string{"WBRI"},
		[]string{"Olivia", "Isla", "Maisie", "Freya", "Ruby", "Chloe", "Grace", "Poppy", "Evie", "Ellie", "Amelia", "Kiera", "Esme", "Skye", "Lily", "Jessica", "Leah", "Darcie"},
		[]string{"Oliver", "Jack", "Tyler", "Reece", "Ethan", "Callum", "Leo", "Connor", "Dylan", "Mason", "Nathan", "Riley", "Theo", "Alfie", "Finley", "Logan", "Kai", "Jayden"},
		[]string{"Hughes", "Clarke", "Robinson", "Evans", "Thompson", "Bennett", "Pearson", "Wright", "Marsh", "Wood", "Cooper", "Ward", "Hall", "Baker", "Lowe", "Fielding", "Holt", "Ashworth"}},
	{2, []string{"WIRI"},
		[]string{"Niamh", "Aoife", "Ciara", "Saoirse"},
		[]string{"Cian", "Darragh", "Oisin", "Ronan"},
		[]string{"Murphy", "Doherty", "O'Brien", "Brennan", "Sullivan", "Quinn", "Walsh"}},
	{6, []string{"WOTH"},
		[]string{"Zofia", "Maja", "Lena", "Ana", "Daria"},
		[]string{"Kacper", "Tomasz", "Jakub", "Andrei", "Luca"},
		[]string{"Nowak", "Fernandes", "Popescu", "Horvat", "Kowalczyk", "Silva"}},
	{5, []string{"MWBC"},
		[]string{"Amara", "Tia", "Leah", "Maya", "Nia"},
		[]string{"Jayden", "Kai", "Tyler", "Reece", "Jaden"},
		[]string{"Campbell", "Robinson", "Clarke", "Thompson", "Grant", "Francis"}},
	{3, []string{"MWBA"},
		[]string{"Amara", "Zara", "Aaliyah", "Imani"},
		[]string{"Kofi", "Jayden", "Noah", "Elijah"},
		[]string{"Mensah", "Owusu", "Okafor", "Hughes", "Bennett"}},
	{3, []string{"MWAS"},
		[]string{"Maya", "Layla", "Priya", "Sienna"},
		[]string{"Zain", "Kai", "Ryan", "Aryan"},
		[]string{"Shah", "Ahmed", "Cooper", "Marsh"}},
	{2, []string{"AIND"},
		[]string{"Anika", "Simran", "Diya", "Riya"},
		[]string{"Arjun", "Rohan", "Dev", "Karan"},
		[]string{"Singh", "Dhillon", "Sharma", "Mistry", "Parmar"}},
	{4, []string{"APKN"},
		[]string{"Hafsa", "Maryam", "Aisha", "Zainab", "Inaya"},
		[]string{"Muhammad", "Bilal", "Zain", "Ibrahim", "Hamza"},
		[]string{"Hussain", "Iqbal", "Mahmood", "Akhtar", "Raza"}},
	{2, []string{"ABAN"},
		[]string{"Fatima", "Nadia", "Tasnim", "Sumaiya"},
		[]string{"Rayyan", "Yusuf", "Ibrahim", "Abdul"},
		[]string{"Rahman", "Uddin", "Chowdhury", "Miah"}},
	{3, []string{"BCRB"},
		[]string{"Tia", "Kiara", "Shanice", "Jada"},
		[]string{"Jamal", "Tyrese", "Marcus", "Andre"},
		[]string{"Campbell", "Francis", "Morgan", "Grant", "Henry"}},
	{5, []string{"BAFR"},
		[]string{"Amara", "Adaeze", "Abena", "Chidera", "Efua"},
		[]string{"Kofi", "Tobi", "Emeka", "Kwame", "Femi"},
		[]string{"Okafor", "Mensah", "Asante", "Adeyemi", "Boateng", "Owusu"}},
	{1, []string{"CHNE"},
		[]string{"Mei", "Lucy", "Xinyi"},
		[]string{"Ethan", "Jun", "Hao"},
		[]string{"Chen", "Wong", "Zhang", "Lin"}},
	{4, []string{"OOTH", "MOTH", "AOTH", "BOTH"},
		[]string{"Yasmin", "Sara", "Roya", "Hana"},
		[]string{"Omar", "Ali", "Dara", "Karim"},
		[]string{"Yilmaz", "Hassan", "Nguyen", "Karimi", "Osman"}},
}

// carerSurnames are for foster carers and adopters, drawn across heritages
// so that carers and children do not always share a background.
var carerSurnames = []string{
	"Okafor", "Hughes", "Patterson", "Patel", "Kowalczyk", "Walsh", "Nguyen", "Ahmed", "Murphy", "Campbell",
	"Mensah", "Hussain", "Clarke", "Robinson", "Evans", "Thompson", "Bennett", "Asante", "Chowdhury",
	"Doherty", "Fernandes", "Iqbal", "Mahmood", "Nowak", "Pearson", "Quinn", "Rahman", "Singh", "Wright",
	"Adeyemi", "Boateng", "Dhillon", "Marsh", "Owusu", "Cooper", "Ward", "Hall", "Baker", "Greenwood",
}

// The responsible authority is fictional; its districts are real outward
// codes so the demo looks like England, with distances to match.
const homeLA = "Northshire"

// IROName is the invented reviewing officer the demo caseload belongs to.
const IROName = "Jo Marsden"

var inAreaDistricts = []string{"LS6", "LS9", "LS12", "LS14", "BD3", "BD7", "HX1", "WF1", "WF10", "HD1"}

// outOfArea districts carry a rough distance from Northshire so that a
// child placed in Plymouth is not shown as 30 miles away.
var outOfAreaDistricts = []struct {
	district string
	miles    float64
}{
	{"M14", 42}, {"L8", 71}, {"S2", 34}, {"NE4", 94}, {"CA1", 108}, {"B12", 113},
	{"NR2", 165}, {"BS3", 192}, {"CF24", 203}, {"PL4", 244}, {"TR1", 247},
}

var childrensHomes = []string{"Ashgrove House", "Hollybank", "Millbrook Lodge", "The Beeches", "Fernlea", "Oakwood View", "Rowan Court"}
var supportedAccommodation = []string{"Northgate Lodgings", "Canal Wharf Flats", "Station Road Project"}
var semiIndependent = []string{"Castle Street Flats", "Foxhill Court", "Weaver's Yard"}
var shortBreakHomes = []string{"Maple Lodge", "Brook House", "Willowbank"}

// kinship carers are relatives or friends; relatives usually share the
// child's family name.
var kinship = []struct {
	relation, title string
	couple, family  bool
}{
	{"Grandparents", "Mr & Mrs", true, true},
	{"Grandmother", "Mrs", false, true},
	{"Aunt", "Ms", false, false},
	{"Uncle and aunt", "Mr & Mrs", true, true},
	{"Older sister", "Ms", false, true},
	{"Family friend", "Ms", false, false},
}

var (
	lacLocations = []string{"Carers' home", "School", "County Hall, Northshire", "Online (Teams)", "Family centre"}
	cpLocations  = []string{"County Hall, Northshire", "Online (Teams)", "Children's centre"}
	sbLocations  = []string{"Family home", "School", "Online (Teams)"}
)

// Plan status lines are what an IRO would jot on the caseload: one line,
// their own words.
var planLines = map[situation][]string{
	sitNewEPO:     {"New: EPO granted; ICO hearing listed, care plan not yet agreed"},
	sitNewS20:     {"New: s20 agreed with mother; care plan and placement plan awaited"},
	sitNewICO:     {"New: interim care order made; care plan not yet agreed"},
	sitStayingPut: {"Turns 18 soon: staying put with carers agreed; PA allocated"},
	sitLeaver: {
		"Turns 18 soon: pathway plan agreed; move to supported lodgings planned",
		"Turns 18 soon: PA allocated; housing application made",
	},
	sitUnstable: {
		"Third placement this year: carers gave notice; stability meeting requested",
		"Placement breakdown after missing episodes; therapeutic placement sought",
		"Moved twice since last review; education disrupted, PEP to be reconvened",
	},
	sitDrift: {
		"Drift: permanence plan not agreed after 6 months",
		"Drift: sibling contact recommendation outstanding since last review",
		"Drift: life story work not started; raised informally with team manager",
		"Drift: long-term match delayed, panel date not set",
	},
	sitHealthLate: {
		"Health assessment overdue; LAC nurse chased, dental check also due",
	},
	sitPEPLate: {
		"PEP not reviewed this term; designated teacher contacted",
	},
	sitWithParents: {
		"Placed with mother under placement with parents regulations; discharge of care order planned",
	},
	sitAdoption: {
		"Placed for adoption; adoption application expected after 10 weeks",
	},
	sitMotherAndBaby: {
		"Parent and baby assessment under way; final hearing listed",
	},
	sitRemand: {
		"Remanded to LA accommodation; trial date set, YOT worker involved",
	},
	sitOutOfArea: {
		"Placed out of area; school place secured, SW visits every 6 weeks",
		"Out of area: local CAMHS referral made; family time by video weekly",
	},
	sitInterim: {
		"Care proceedings: final hearing listed; kinship assessment under way",
		"Interim care order: parenting assessment due; contact three times a week",
	},
	sitSection20: {
		"s20 agreement reviewed with parents; consent still in place",
		"s20: return home being assessed; family time increased",
	},
	sitLongTermFoster: {
		"Long-term fostering match approved; contact plan agreed",
		"Settled with carers; permanence via long-term fostering confirmed at panel",
	},
	sitKinship: {
		"Settled with kinship carers; SGO assessment under way",
		"Family and friends carers approved; contact with mother fortnightly",
	},
	sitChildrensHome: {
		"Settled in children's home; step-down to foster care being explored",
	},
	sitIndependence: {
		"Pathway plan reviewed; college place confirmed",
		"Independence skills work going well; bidding for a tenancy at 18",
	},
	sitSettled: {
		"Care plan on track; health and education needs met",
		"Care plan on track; family time with parents going well",
	},
	sitCP: {
		"Neglect: home conditions improving; core group every 4 weeks",
		"Emotional harm from domestic abuse; safety plan in place",
		"Physical abuse: s47 concluded; contact with father supervised",
		"Parental substance misuse; drug testing agreed at conference",
	},
	sitCPAwaiting: {
		"Strategy discussion held after hospital attendance; ICPC booked",
	},
	sitShortBreaks: {
		"Short breaks one weekend a month; carers' assessment due",
		"Overnight short breaks; transition planning for adult services started",
		"Short breaks working well; parents ask for an extra night in holidays",
	},
}
