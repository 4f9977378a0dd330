"""Synthetic council data with a known truth, for tests and the linkage benchmarks.

People live in households (couples, children, twins, fathers and sons with one name), and
appear in up to seven line-of-business systems, each with its own habits: upper case, no
date of birth, initials only, the previous address, US-style dates, phone and postcode
formats. Every phenomenon the golden record must handle is generated with a known answer."""

import contextlib
import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

MALE = ["Robert", "William", "James", "John", "David", "Michael", "Richard", "Thomas", "Christopher", "Daniel", "Matthew", "Anthony", "Andrew", "Joseph", "Edward", "Stephen", "Peter", "Samuel", "Benjamin", "Alexander", "Nicholas", "Jonathan", "Patrick", "Timothy", "Charles", "Frederick", "Henry", "Kenneth", "Raymond", "Gareth", "Dafydd", "Owen", "Hugh", "Ioan", "Rhys", "Aled", "Gethin", "Oliver", "Harry", "George", "Jack", "Noah", "Leo", "Arthur", "Oscar", "Theo", "Liam", "Mohammed", "Ali", "Hassan", "Omar", "Arjun", "Rohan", "Krzysztof", "Piotr", "Tomasz", "Aidan", "Callum", "Connor", "Declan", "Ewan", "Fraser", "Hamish", "Lewis", "Kieran", "Ross", "Stuart", "Graham", "Colin", "Trevor", "Barry", "Dennis", "Keith", "Leslie", "Malcolm", "Neil", "Roger", "Simon", "Wayne", "Dean", "Lee", "Craig", "Jason", "Carl", "Ryan", "Adam", "Luke", "Nathan", "Jordan", "Tyler", "Ethan", "Mason", "Logan", "Finley", "Archie", "Alfie", "Freddie", "Toby", "Isaac"]  # fmt: skip
FEMALE = ["Elizabeth", "Margaret", "Catherine", "Jennifer", "Rebecca", "Susan", "Deborah", "Victoria", "Patricia", "Jessica", "Samantha", "Josephine", "Abigail", "Amanda", "Barbara", "Caroline", "Dorothy", "Eleanor", "Helen", "Isabel", "Judith", "Louise", "Mary", "Megan", "Pamela", "Penelope", "Rosemary", "Sarah", "Teresa", "Valerie", "Angharad", "Rhiannon", "Sian", "Siobhan", "Gwen", "Ffion", "Cerys", "Nia", "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Freya", "Ella", "Poppy", "Chloe", "Evie", "Ruby", "Mia", "Aisha", "Fatima", "Zainab", "Priya", "Anjali", "Agnieszka", "Katarzyna", "Magdalena", "Aoife", "Niamh", "Orla", "Fiona", "Morag", "Kirsty", "Lorna", "Shona", "Tracey", "Julie", "Karen", "Lisa", "Nicola", "Claire", "Donna", "Joanne", "Kelly", "Gemma", "Hayley", "Leanne", "Stacey", "Laura", "Hannah", "Lucy", "Jade", "Holly", "Amber", "Bethany", "Kayleigh", "Charlotte", "Alice", "Florence"]  # fmt: skip
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pritchard", "Llewellyn", "Rees", "Vaughan", "Powys", "Kowalski", "Nowak", "O'Brien", "McDonald", "Fitzgerald", "Ashworth", "Blackwood", "Cartwright", "Dunmore", "Everett", "Fairbairn", "Goodchild", "Hargreaves", "Ingham", "Jellicoe", "Kingsley", "Lockwood", "Merriweather", "Northcott", "Oakley", "Pennington", "Quigley", "Radcliffe", "Sutcliffe", "Thornton", "Underwood", "Villiers", "Whitfield", "Yardley"]  # fmt: skip
NICK = {"Robert": ["Bob", "Rob", "Bobby"], "William": ["Bill", "Will"], "James": ["Jim", "Jamie"],
        "David": ["Dave", "Dai"], "Dafydd": ["Dai"], "Michael": ["Mike", "Mick"],
        "Richard": ["Rich", "Dick"], "Thomas": ["Tom"], "Christopher": ["Chris"],
        "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Anthony": ["Tony"], "Andrew": ["Andy"],
        "Joseph": ["Joe"], "Edward": ["Ed", "Ted"], "Stephen": ["Steve"], "Peter": ["Pete"],
        "Samuel": ["Sam"], "Benjamin": ["Ben"], "Alexander": ["Alex"], "Nicholas": ["Nick"],
        "Elizabeth": ["Liz", "Beth", "Betty"], "Margaret": ["Maggie", "Peggy"],
        "Catherine": ["Kate", "Cathy"], "Jennifer": ["Jenny", "Jen"], "Rebecca": ["Becky"],
        "Susan": ["Sue"], "Deborah": ["Debbie"], "Victoria": ["Vicky"], "Patricia": ["Pat", "Trish"],
        "Jessica": ["Jess"], "Samantha": ["Sam"], "Josephine": ["Jo", "Josie"], "Abigail": ["Abby"],
        "Amanda": ["Mandy"], "Charlotte": ["Lottie"], "Eleanor": ["Ellie"], "Frederick": ["Fred"],
        "Henry": ["Harry"], "Kenneth": ["Ken"], "Timothy": ["Tim"], "Jonathan": ["Jon"]}  # fmt: skip
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road", "Queens Road", "Kings Road", "New Road", "Elm Grove", "Oak Close", "The Green", "Manor Way", "Beaver Road", "Godinton Road", "Canterbury Road", "Hythe Road", "Romney Marsh Road", "Chart Road", "Hunter Avenue"]  # fmt: skip
SYSTEMS = (
    "council_tax",
    "benefits",
    "housing",
    "parking",
    "blue_badge",
    "electoral_register",
    "waste",
)
HEADER = ["record_id", "title", "first_name", "middle_names", "surname", "date_of_birth",
          "address", "postcode", "email", "phone", "ni_number", "uprn"]  # fmt: skip


@dataclass
class Home:
    uprn: str
    address: str
    postcode: str


@dataclass
class Resident:
    pid: int
    sex: str
    first: str
    middle: str
    surname: str
    birth_surname: str
    dob: dt.date
    home: Home
    previous: Home | None
    ni: str
    phone: str
    email: str
    tags: set[str] = field(default_factory=set)


MODES = ("standard", "hard")


class Generator:
    """Deterministic for a seed; `people` is roughly 40% of the records generated.

    The "hard" mode is a different population, not a harder seed: more adults per household
    (grown-up children, lodgers), more marriages, and council tax and electoral-roll entries
    without a date of birth whose first name is often an initial or missing: the cases an
    independent test set found most misses and false links in."""

    def __init__(self, seed: int = 1, mode: str = "standard"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.hard = mode == "hard"
        self.r = random.Random(seed)
        self.pid = 0
        self.uprn = 100000000
        self.streets: list[tuple[str, str]] = []
        districts = ["TN23", "TN24", "TN25", "TN26", "TN27", "ME13", "CT4", "CT21"]
        for n in range(4000):
            name = f"{self.r.choice(['', 'North ', 'South ', 'Upper ', 'Lower ', 'West '])}{self.r.choice(STREETS)}"
            self.streets.append(
                (f"{name} {n}" if n >= len(STREETS) else name, self.r.choice(districts))
            )
        self.used_ni: set[str] = set()

    def home(self) -> Home:
        street, district = self.r.choice(self.streets)
        number = self.r.randint(1, 220)
        self.uprn += 1
        # About twenty houses share a postcode, as on a real street.
        local = random.Random(f"{street}-{number // 20}")
        sector = local.randint(1, 9)
        unit = "".join(local.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
        flat = f"Flat {self.r.randint(1, 9)}, " if self.r.random() < 0.12 else ""
        return Home(str(self.uprn), f"{flat}{number} {street}", f"{district} {sector}{unit}")

    def ni(self) -> str:
        while True:
            value = (self.r.choice("ABCEGHJKLMNPRSTWXYZ") + self.r.choice("ABCEGHJKLMNPRSTWXYZ")
                     + f"{self.r.randint(0, 999999):06d}" + self.r.choice("ABCD"))  # fmt: skip
            if (
                value[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
                and value not in self.used_ni
            ):
                self.used_ni.add(value)
                return value

    def person(
        self, *, sex: str, surname: str, dob: dt.date, home: Home, first: str = ""
    ) -> Resident:
        self.pid += 1
        names = MALE if sex == "m" else FEMALE
        first = first or self.r.choice(names)
        middle = self.r.choice(names) if self.r.random() < 0.6 else ""
        while middle == first:
            middle = self.r.choice(names)
        adult = (dt.date(2026, 1, 1) - dob).days > 18 * 365
        phone = (
            f"07{self.r.randint(100000000, 999999999)}" if adult and self.r.random() < 0.8 else ""
        )
        email = (f"{first.lower()}.{surname.lower().replace(chr(39), '')}{self.r.randint(1, 999)}@example.com"
                 if adult and self.r.random() < 0.7 else "")  # fmt: skip
        return Resident(self.pid, sex, first, middle, surname, surname, dob, home, None,
                        self.ni() if adult else "", phone, email)  # fmt: skip

    def dob(self, low: int, high: int) -> dt.date:
        return dt.date(2026, 1, 1) - dt.timedelta(days=self.r.randint(low * 365, high * 365))

    def household(self) -> list[Resident]:
        home, r = self.home(), self.r
        surname = r.choice(SURNAMES)
        kind = r.random()
        people: list[Resident] = []
        if kind < 0.3:  # living alone
            people.append(
                self.person(sex=r.choice("mf"), surname=surname, dob=self.dob(19, 90), home=home)
            )
        else:
            man = self.person(sex="m", surname=surname, dob=self.dob(25, 80), home=home)
            woman = self.person(sex="f", surname=surname, dob=self.dob(25, 80), home=home)
            # Married: her older records carry her birth surname.
            if r.random() < (0.7 if self.hard else 0.5):
                woman.birth_surname = r.choice(SURNAMES)
                woman.tags.add("married")
            people += [man, woman]
            children = r.choice([0, 0, 1, 2, 2, 3])
            age_parent = min((dt.date(2026, 1, 1) - man.dob).days // 365, 60)
            for _ in range(children):
                # Hard mode: grown-up children still at home (several adults, one surname).
                oldest = age_parent - 18 if self.hard else age_parent - 20
                child_dob = self.dob(max(age_parent - 45, 1), max(oldest, 2))
                sex = r.choice("mf")
                # Jr/Sr: a son with his father's first name, living at home as an adult.
                same_name = sex == "m" and r.random() < 0.12
                child = self.person(sex=sex, surname=surname, dob=child_dob, home=home,
                                    first=man.first if same_name else "")  # fmt: skip
                if same_name:
                    child.tags.add("junior")
                people.append(child)
                if r.random() < 0.06:  # twins
                    twin = self.person(
                        sex=r.choice("mf"), surname=surname, dob=child_dob, home=home
                    )
                    while twin.first == child.first:
                        twin.first = r.choice(MALE if twin.sex == "m" else FEMALE)
                    twin.tags.add("twin")
                    child.tags.add("twin")
                    people.append(twin)
        if self.hard and r.random() < 0.12:  # lodgers: adults of another surname
            for _ in range(r.choice([1, 1, 2])):
                people.append(
                    self.person(
                        sex=r.choice("mf"),
                        surname=r.choice(SURNAMES),
                        dob=self.dob(19, 60),
                        home=home,
                    )
                )
        if r.random() < 0.2:  # moved in: older systems still hold the previous address
            previous = self.home()
            for person in people:
                person.previous = previous
                person.tags.add("mover")
        return people


# Hard mode: the systems that keep names carelessly (the register's initials, council tax
# accounts in one name) and never a date of birth.
HARD_SYSTEMS = {"council_tax": 0.85, "electoral_register": 1.0}


def _variant_first(g: Generator, p: Resident, system: str = "") -> tuple[str, str]:
    r = g.r
    first, middle = p.first, p.middle
    roll = r.random()
    if g.hard and system in HARD_SYSTEMS:
        if roll < 0.2:
            return first[0], middle[:1]
        if roll < 0.27:
            return "", middle
        roll = r.random()
    if roll < 0.12 and first in NICK:
        first = r.choice(NICK[first])
    elif roll < 0.15 and middle:
        first, middle = middle, first  # goes by the middle name
    elif roll < 0.19:
        first = first[0]
    elif roll < 0.22 and len(first) > 4:
        i = r.randrange(1, len(first) - 1)
        first = first[:i] + first[i + 1] + first[i] + first[i + 2 :]
    return first, middle


def _format_dob(g: Generator, dob: dt.date, system: str) -> str:
    r = g.r
    roll = r.random()
    if roll < 0.03 and dob.day <= 12:
        dob = dt.date(dob.year, dob.day, dob.month)  # keyed in the wrong way round
    elif roll < 0.05:
        with contextlib.suppress(ValueError):
            dob = dob.replace(day=min(28, dob.day % 28 + 1))
    if system in {"benefits", "blue_badge"}:
        return dob.strftime("%d/%m/%Y")
    if system == "housing":
        return dob.strftime("%d.%m.%y")
    return dob.isoformat()


def _format_postcode(g: Generator, postcode: str) -> str:
    roll = g.r.random()
    if roll < 0.2:
        return postcode.replace(" ", "")
    if roll < 0.3:
        return postcode.lower()
    return postcode


def _format_phone(g: Generator, phone: str) -> str:
    if not phone:
        return ""
    roll = g.r.random()
    if roll < 0.3:
        return "+44 " + phone[1:5] + " " + phone[5:]
    if roll < 0.5:
        return phone[:5] + " " + phone[5:8] + " " + phone[8:]
    return phone


# system: (share of residents present, adults only, fields it holds, upper case, uses old address)
PROFILES = {
    "council_tax": (0.55, True, {"title", "dob", "email", "phone", "uprn"}, False, 0.1),
    "benefits": (0.25, True, {"title", "dob", "ni", "phone"}, False, 0.2),
    "housing": (0.2, False, {"dob", "ni", "phone", "email"}, False, 0.4),
    "parking": (0.3, True, {"email", "phone"}, False, 0.5),
    "blue_badge": (0.08, True, {"title", "dob", "ni", "uprn"}, True, 0.3),
    "electoral_register": (0.75, True, {"title", "uprn"}, True, 0.05),
    "waste": (0.35, True, {"phone", "email"}, True, 0.6),
}


def record_of(g: Generator, p: Resident, system: str, n: int) -> dict[str, str]:
    share, adults, fields, upper, old_address = PROFILES[system]
    r = g.r
    first, middle = _variant_first(g, p, system)
    surname = p.surname
    if "married" in p.tags and r.random() < (0.45 if g.hard and system != "council_tax" else 0.35):
        surname = p.birth_surname
    elif r.random() < 0.03 and len(surname) > 4:
        i = r.randrange(1, len(surname) - 1)
        surname = surname[:i] + surname[i + 1] + surname[i] + surname[i + 2 :]
    home = p.previous if p.previous and r.random() < old_address else p.home
    if system in {"waste", "parking"} and r.random() < 0.5:
        middle = ""
    title = ""
    if "title" in fields:
        title = (
            ("Mr" if p.sex == "m" else r.choice(["Mrs", "Ms", "Miss"])) if r.random() < 0.8 else ""
        )
    row = {
        "record_id": f"{system[:3].upper()}{n:07d}",
        "title": title,
        "first_name": first if r.random() > 0.02 else "",
        "middle_names": middle,
        "surname": surname,
        "date_of_birth": _format_dob(g, p.dob, system)
        if "dob" in fields
        and r.random() > 0.05
        and not (g.hard and r.random() < HARD_SYSTEMS.get(system, 0))
        else "",
        "address": home.address,
        "postcode": _format_postcode(g, home.postcode) if r.random() > 0.03 else "",
        "email": p.email if "email" in fields and r.random() > 0.2 else "",
        "phone": _format_phone(g, p.phone) if "phone" in fields and r.random() > 0.2 else "",
        "ni_number": p.ni if "ni" in fields and r.random() > 0.1 else "",
        "uprn": home.uprn if "uprn" in fields and r.random() > 0.1 else "",
    }
    if upper:
        row = {k: v.upper() if k not in {"record_id", "email"} else v for k, v in row.items()}
    return row


def generate(
    records: int, seed: int = 1, mode: str = "standard"
) -> tuple[dict[str, list[dict[str, str]]], dict[tuple[str, str], int], list[Resident]]:
    """About `records` source records over the seven systems; returns rows per system, the
    truth {(system, record_id): person}, and the people."""
    g = Generator(seed, mode)
    rows: dict[str, list[dict[str, str]]] = {s: [] for s in SYSTEMS}
    truth: dict[tuple[str, str], int] = {}
    people: list[Resident] = []
    counters = dict.fromkeys(SYSTEMS, 0)
    total = 0
    while total < records:
        for person in g.household():
            people.append(person)
            adult = (dt.date(2026, 1, 1) - person.dob).days > 18 * 365
            for system in SYSTEMS:
                share, adults_only, *_ = PROFILES[system]
                if adults_only and not adult:
                    continue
                if g.r.random() < share:
                    counters[system] += 1
                    row = record_of(g, person, system, counters[system])
                    rows[system].append(row)
                    truth[(system, row["record_id"])] = person.pid
                    total += 1
                    # Duplicate records inside one system (two claims) for a few people.
                    if g.r.random() < 0.01:
                        counters[system] += 1
                        dup = record_of(g, person, system, counters[system])
                        rows[system].append(dup)
                        truth[(system, dup["record_id"])] = person.pid
                        total += 1
    return rows, truth, people


def write_csvs(folder: Path, rows: dict[str, list[dict[str, str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for system, system_rows in rows.items():
        with (folder / f"{system}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADER)
            writer.writeheader()
            writer.writerows(system_rows)
