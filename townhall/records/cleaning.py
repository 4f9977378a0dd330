"""UK-aware cleaning of source values onto the canonical person shape.

Every function takes what a line-of-business system holds and returns the canonical value, or
"" / None when nothing usable is there; none of them raises on bad input (bad values are data
the quality report counts, not reasons to refuse a row)."""

import csv
import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.utils import timezone

NICKNAMES_CSV = Path(__file__).parent / "data" / "nicknames.csv"

TITLES = {
    "mr",
    "mrs",
    "miss",
    "ms",
    "mx",
    "dr",
    "prof",
    "rev",
    "sir",
    "dame",
    "lady",
    "lord",
    "master",
    "revd",
    "cllr",
}
# Generational suffixes: kept apart so "John Smith Jr" and "John Smith" compare on the name.
SUFFIXES = {"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii"}


def text_clean(value: object) -> str:
    """Trim, collapse spaces, drop control characters; None becomes ""."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable():  # the common case, a hundred times faster
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return re.sub(r"\s+", " ", text).strip()


def _fold(value: str) -> str:
    """Lower case without accents, for comparing (Siân == Sian)."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def name_clean(value: object) -> str:
    """A person's name as people write it, whatever case the system stored it in:
    'SMITH' and 'smith' become 'Smith', "O'BRIEN" "O'Brien", 'SMITH-JONES' 'Smith-Jones'."""
    text = text_clean(value).strip(".,;")
    if not text:
        return ""

    def cap(part: str) -> str:
        if not part:
            return part
        if part.lower().startswith("mc") and len(part) > 2:
            return "Mc" + part[2:].capitalize()
        return part[:1].upper() + part[1:].lower()

    def word(w: str) -> str:
        return "-".join("'".join(cap(p) for p in h.split("'")) for h in w.split("-"))

    return " ".join(word(w) for w in text.split(" "))


def name_key(value: object) -> str:
    """The comparable form of a name: folded, letters only ('O'Brien' -> 'obrien')."""
    return re.sub(r"[^a-z ]", "", _fold(text_clean(value))).strip()


def title_clean(value: object) -> str:
    text = text_clean(value).strip(".").lower()
    return text.capitalize() if text in TITLES else ""


def full_name_split(value: object) -> dict[str, str]:
    """Split a free-text name ('MR JOHN R SMITH JNR', 'Smith, John') into title, first name,
    middle names and surname; a generational suffix stays with the surname's record as
    `suffix`."""
    text = text_clean(value)
    if "," in text:  # "SMITH, JOHN R"
        surname, _, rest = text.partition(",")
        text = f"{rest.strip()} {surname.strip()}"
    words = [w for w in re.split(r"[\s]+", text) if w]
    title = ""
    if words and words[0].strip(".").lower() in TITLES:
        title = title_clean(words.pop(0))
    suffix = ""
    if words and words[-1].strip(".").lower() in SUFFIXES:
        suffix = words.pop().strip(".").lower()
    if not words:
        return {
            "title": title,
            "first_name": "",
            "middle_names": "",
            "surname": "",
            "suffix": suffix,
        }
    if len(words) == 1:
        return {
            "title": title,
            "first_name": "",
            "middle_names": "",
            "surname": name_clean(words[0]),
            "suffix": suffix,
        }
    return {
        "title": title,
        "first_name": first_name_clean(words[0]),
        "middle_names": " ".join(first_name_clean(w) for w in words[1:-1]),
        "surname": name_clean(words[-1]),
        "suffix": suffix,
    }


def first_name_clean(value: object) -> str:
    """A first name; an initial keeps one capital letter without its full stop ('j.' -> 'J')."""
    text = text_clean(value)
    if re.fullmatch(r"[A-Za-z]\.?", text):
        return text[0].upper()
    return name_clean(text)


def initials_split(value: object) -> tuple[str, str]:
    """Split a first-name field that holds several names or initials ('J.R.R.', 'J R',
    'Mary Ann') into the first name and the middle names."""
    text = text_clean(value)
    if re.fullmatch(r"([A-Za-z]\.\s*){2,}|([A-Za-z] )+[A-Za-z]", text):
        letters = re.findall(r"[A-Za-z]", text)
        return letters[0].upper(), " ".join(ch.upper() for ch in letters[1:])
    parts = text.split(" ")
    return first_name_clean(parts[0]), " ".join(first_name_clean(p) for p in parts[1:])


def is_initial(value: str) -> bool:
    return len(value) == 1 and value.isalpha()


@cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """name -> the formal names it can stand for, from the table shipped in the repository
    (a formal name stands for itself): 'bob' -> {'robert'}, 'dai' -> {'dafydd', 'david'}."""
    groups: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if not line.startswith("#")):
            names = [name_key(n) for n in row if name_key(n)]
            if not names:
                continue
            formal = names[0]
            for name in names:
                groups.setdefault(name, set()).add(formal)
    return {name: frozenset(formals) for name, formals in groups.items()}


def name_forms(value: object) -> frozenset[str]:
    """The formal names a first name may be a form of; a name not in the table is its own."""
    key = name_key(value)
    if not key:
        return frozenset()
    return nickname_groups().get(key, frozenset()) | {key}


def names_are_variants(a: object, b: object) -> bool:
    """Bob/Robert, Liz/Elizabeth, Dai/Dafydd: true when the two share a formal name."""
    return bool(name_forms(a) & name_forms(b))


# The whole UK postcode grammar (BS 7666), plus the Girobank one.
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def postcode_clean(value: object) -> str:
    """'tn231aa', ' TN23  1AA ', 'Tn23 1aa' -> 'TN23 1AA'; anything that is not a UK postcode
    -> "" (see postcode_is_valid to tell empty from invalid)."""
    text = re.sub(r"[^A-Za-z0-9]", "", text_clean(value)).upper()
    if text == "GIR0AA":
        return "GIR 0AA"
    match = POSTCODE_RE.match(text)
    if not match:
        return ""
    return f"{match.group(1)} {match.group(2)}"


def postcode_is_valid(value: object) -> bool:
    return bool(postcode_clean(value))


def phone_clean(value: object) -> str:
    """UK numbers in one form, national with a leading 0: '+44 7700 900123', '0044 7700900123',
    '07700 900 123', '(01233) 330000', '7700900123' -> '07700900123'. Not a UK number -> ""."""
    text = text_clean(value)
    if not text:
        return ""
    digits = re.sub(r"\D", "", text.split("ext")[0].split("x")[0])
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif len(digits) == 10 and digits[0] in "1237":
        digits = "0" + digits
    if digits.startswith("00"):
        digits = digits[1:]
    return digits if re.fullmatch(r"0[1-9]\d{8,9}", digits) else ""


def email_clean(value: object) -> str:
    text = text_clean(value).lower()
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", text) else ""


NI_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")


def ni_number_clean(value: object) -> str:
    """'ab 12 34 56 c' -> 'AB123456C'. HMRC's rules: no D, F, I, Q, U, V in either prefix
    letter, no O second, no BG/GB/KN/NK/NT/TN/ZZ; temporary TN numbers are refused."""
    text = re.sub(r"[\s-]", "", text_clean(value)).upper()
    return text if NI_RE.match(text) else ""


def uprn_clean(value: object) -> str:
    """A UPRN is 1 to 12 digits; '010012345678' and '10012345678.0' (spreadsheets) ->
    '10012345678'."""
    text = text_clean(value)
    text = re.sub(r"\.0+$", "", text)
    if not re.fullmatch(r"\d{1,12}", text):
        return ""
    return text.lstrip("0") or ""


DATE_FORMATS_ISO = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


def date_of_birth_clean(
    value: object, *, today: dt.date | None = None, month_first: bool = False
) -> tuple[dt.date | None, str]:
    """Parse a date of birth from the forms councils' systems use: '1980-05-13', '13/05/1980',
    '13.5.80', '13 May 1980'. Returns (date, issue): issue is "" when fine, "dob_swapped" when
    the source's order could only be month-first (e.g. '05/13/1980', read as 13 May),
    "dob_impossible" (31/02, born in the future or over 120 years ago) or "dob_unreadable".
    `month_first` reads a US-style source."""
    today = today or timezone.localdate()
    text = text_clean(value)
    if not text:
        return None, ""
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", text)  # datetime exports
    for fmt in DATE_FORMATS_ISO:
        try:
            # Only the date is kept: the missing zone could not move it.
            return _plausible(dt.datetime.strptime(text, fmt).date(), today, "")  # noqa: DTZ007
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    if match:
        a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if year < 100:  # two-digit years: nobody in the records is born in the future
            year += 2000 if year <= today.year % 100 else 1900
        day, month = (b, a) if month_first else (a, b)
        issue = ""
        if month > 12 and day <= 12:
            day, month, issue = month, day, "dob_swapped"
        try:
            return _plausible(dt.date(year, month, day), today, issue)
        except ValueError:
            return None, "dob_impossible"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return None, "dob_impossible"  # ISO-shaped but not a real day (1980-02-31)
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y"):
        try:
            parsed = dt.datetime.strptime(text.replace(",", ""), fmt).date()  # noqa: DTZ007 (date only)
            return _plausible(parsed, today, "")
        except ValueError:
            continue
    return None, "dob_unreadable"


def _plausible(date: dt.date, today: dt.date, issue: str) -> tuple[dt.date | None, str]:
    if date > today or date.year < today.year - 120:
        return None, "dob_impossible"
    return date, issue


def address_clean(value: object) -> str:
    """One line, commas between parts, upper-case systems in title case; 'FLAT 2, 10 HIGH ST'
    -> 'Flat 2, 10 High St'."""
    text = text_clean(value)
    if text.isupper() or text.islower():
        text = " ".join(
            w if any(c.isdigit() for c in w) else w.capitalize() for w in text.split(" ")
        )
    return re.sub(r"\s*,\s*", ", ", text).strip(", ")


def house_key(address: object) -> str:
    """The first number of an address ('Flat 2, 10 High St' -> '2'; '10A High St' -> '10a'),
    what tells neighbours on one street apart."""
    match = re.search(r"\b(\d+[a-z]?)\b", _fold(text_clean(address)))
    return match.group(1) if match else ""
