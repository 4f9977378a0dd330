"""The council thesaurus: the words residents type for a service, and what else they may mean.

Residents search in their own words ("bin", "ctax", "flytipping"), rarely in the name a
council gives a service ("Report a missed bin collection"). These lists are the everyday
words and common misspellings for the services of a district council's catalogue, drawn
from the wording residents use in contact centres and site-search boxes and from the
synonyms the LGA's Local Government Service List gives its services. They are data, not
rules: a council extends them from its own site-search log. Words that belong to one service
only go in that service's `keywords` (its service file), not here.

Two kinds of entry:
- SAME: spellings and forms of one thing, each finding the others ("flytipping" and
  "fly tipping"; "licence" and "license").
- ALSO: what a word may also mean, one way ("bin" also finds rubbish and recycling, but
  "recycling" does not find every bin service).
"""

SAME: list[tuple[str, ...]] = [
    ("council tax", "counciltax", "council-tax", "ctax"),
    ("fly tipping", "fly tip", "flytipping", "flytip", "fly-tipping", "fly tipped", "fly-tip"),
    ("licence", "license", "licenses", "licences", "lisence", "licens"),
    ("homeless", "homless", "homelessness", "homelss", "homeles"),
    ("rubbish", "rubish", "garbage", "trash", "litter"),
    ("bulky", "bulky waste", "bulky item", "bulky items", "large items"),
    ("pothole", "pot hole", "potholes", "pot-hole"),
    ("graffiti", "grafitti", "grafiti", "graffitti"),
    ("abandoned", "abandonded", "abandonned"),
    ("parking fine", "parking ticket", "pcn", "penalty charge notice", "penalty charge"),
    ("direct debit", "directdebit", "dd"),
    ("freedom of information", "foi", "f.o.i"),
    ("subject access", "sar", "my data", "my personal data"),
    ("pest", "pests", "pest control", "vermin"),
    ("taxi", "cab", "minicab", "private hire", "hackney carriage"),
    ("street light", "streetlight", "street lamp", "lamp post", "lamppost"),
    ("dog fouling", "dog poo", "dog mess", "dog dirt"),
    ("neighbour", "neighbor", "neighbours", "neighbors"),
    ("benefit", "benefits", "benifit", "benifits"),
]

ALSO: dict[str, tuple[str, ...]] = {
    "bin": ("bins", "rubbish", "refuse", "recycling", "waste", "collection"),
    "bins": ("bin", "rubbish", "refuse", "recycling", "waste", "collection"),
    "wheelie bin": ("bin", "refuse", "recycling"),
    "dumping": ("fly tipping", "dumped rubbish"),
    "dumped": ("fly tipping", "abandoned"),
    "dumped rubbish": ("fly tipping",),
    "sofa": ("bulky waste", "furniture"),
    "fridge": ("bulky waste",),
    "mattress": ("bulky waste", "fly tipping"),
    "garden": ("garden waste", "green waste"),
    "green bin": ("garden waste", "brown bin"),
    "brown bin": ("garden waste",),
    "grass cuttings": ("garden waste",),
    "car": ("vehicle",),
    "vehicle": ("car",),
    "fine": ("penalty charge notice", "pcn"),
    "appeal": ("challenge", "dispute"),
    "rats": ("pest control",),
    "mice": ("pest control",),
    "wasps": ("pest control",),
    "noisy": ("noise",),
    "loud music": ("noise",),
    "barking": ("noise",),
    "housing benefit": ("benefits", "change in circumstances"),
    "council tax reduction": ("benefits",),
    "council house": ("housing",),
    "repairs": ("repair",),
    "damp": ("repair", "mould"),
    "mold": ("mould",),
    "moving": ("move", "moving house"),
    "complain": ("complaint",),
    "phone": ("call back",),
    "ring": ("call back",),
    "blue badge": ("disabled parking",),
    "disabled": ("assisted", "blue badge"),
    "permit": ("parking permit",),
    "planning permission": ("planning",),
    "event": ("temporary event notice",),
    "alcohol": ("licence", "temporary event notice"),
    "market": ("street trading",),
    "food van": ("street trading",),
    "restaurant": ("food hygiene",),
    "takeaway": ("food hygiene",),
    "food poisoning": ("food hygiene",),
    "rough sleeping": ("homeless",),
    "evicted": ("homeless",),
    "eviction": ("homeless",),
}

# Words that say nothing about which service is meant ("how do I report a ..."), dropped
# after the entries above are matched: "council" alone names every service, while
# "council tax" and "council house" are entries.
STOPWORDS = frozenset([
    "a", "an", "and", "are", "can", "council", "do", "does", "for", "from", "get", "help",
    "how", "i", "if", "in", "is", "it", "me", "my", "need", "of", "on", "or", "please", "the",
    "to", "want", "what", "where", "with", "you", "your",
])  # fmt: skip
