"""Plausible answers to a demo form, for the generated case history.

The generator walks a form definition the way a resident would: pages whose `show_if` fails
are skipped and `next` branches are followed, so the answers of a demo case are ones the
real form could have produced. Answers are stored as the form engine is expected to store
them: option values, "yes"/"no", ISO dates, numbers, a UPRN for an address and a dict for a
map pin.
"""

import random
import re
from datetime import date, timedelta
from typing import Any

from townhall.eforms import conditions
from townhall.places.models import Address

TEXT_ANSWERS = {
    "vehicle_make": [
        "Ford Focus",
        "Vauxhall Astra",
        "Volkswagen Golf",
        "BMW 3 Series",
        "Renault Clio",
        "Ford Transit",
    ],
    "vehicle_colour": ["Silver", "Black", "Blue", "Red", "White", "Grey"],
    "subject": [
        "Bins missed several weeks running",
        "Parking fines issued in 2025",
        "Delay in my housing repair",
        "Fly-tipping enforcement figures",
        "Council spending on consultants",
        "Rude reply from the contact centre",
    ],
    "subject_name": ["Margaret Hill", "David Brown"],
    "relationship": ["Daughter", "Solicitor", "Son"],
    "language": ["Polish", "Romanian", "Punjabi", "Nepali"],
    "other_format": ["Large print", "Braille"],
    "claimant_name": ["Peter Collins", "Sandra Lee", "Ahmed Rahman", "Julie Fox"],
    "staff_name": ["Mark at reception", "The driver"],
}

TEXTAREA_ANSWERS = {
    "description": [
        "It has been there for about a week and is getting worse.",
        "It is partly blocking the pavement, so people with pushchairs have to use the road.",
        "Several bags, some split open. Foxes have been at them.",
        "It appeared overnight, next to the bottle bank.",
        "Close to the school entrance.",
    ],
    "details": [
        "The lorry came down the road but went past our house.",
        "Please call after 2pm if possible.",
        "All the other bins in the road were emptied.",
        "It is about my council tax bill for this year.",
        "I phoned twice last month and was told someone would call me back, but nobody did.",
    ],
    "request": [
        "Please send me the number of fly-tipping reports, fixed penalty notices and "
        "prosecutions in each month of 2025.",
        "How much did the council spend on agency staff in each of the last three years?",
        "Please send me all the records you hold about me, including emails about my "
        "housing application since 2022.",
        "The number of garages the council owns at each site, and how many are empty.",
    ],
    "vehicle_details": ["A white Ford Transit with a ladder rack, partial registration GV19."],
    "outcome": ["An apology, and for the bins to be collected on the right day."],
    "concerns": ["Resident seemed confused and the fridge was nearly empty. Family told."],
    "property_notes": ["Pull-cord in the bathroom tied up out of reach. Retied and tested."],
    "injury_details": ["Sprained ankle, treated at the William Harvey Hospital."],
    "storage_details": ["Garden furniture and a motorbike."],
    "postal_address": ["12 Orchard Road, Canterbury, CT1 2AB"],
}

NUMBER_ANSWERS = {
    "item_count": [1, 2, 3, 3, 4, 5, 6, 8],
    "pothole_depth": [2, 3, 4, 5, 6, 8, 12],
    "bins": [1, 1, 1, 2],
    "amount_claimed": [250, 800, 1500, 4000, 12000],
}

DATE_ANSWERS_DAYS_AGO = {
    "collection_date": (0, 5),
    "incident_date": (3, 400),
    "check_date": (0, 1),
    "happened_on": (2, 40),
    "date_of_birth": (25 * 365, 85 * 365),
}


def relative_date(value: str, today: date) -> date:
    """ "today", "today-2d", "today+14d", "today+10wd" or an ISO date, as a date."""
    return conditions.relative_date(value, today) or date.fromisoformat(value)


def condition_holds(condition: dict, answers: dict, today: date) -> bool:
    """Whether a form condition holds for `answers` (the demo's reading of the schema)."""
    if "all" in condition:
        return all(condition_holds(part, answers, today) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, answers, today) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers, today)
    op: str = condition["op"]
    value: Any = condition.get("value")
    answer: Any = answers.get(condition["field"])
    answered = answer not in (None, "", [], {})
    if op == "answered":
        return answered
    if op == "not_answered":
        return not answered
    if not answered:
        return False
    if op in {"gt", "gte", "lt", "lte"}:
        left, right = float(answer), float(value)
        return {
            "gt": left > right,
            "gte": left >= right,
            "lt": left < right,
            "lte": left <= right,
        }[op]
    if op in {"before", "after"}:
        left_date, right_date = date.fromisoformat(answer), relative_date(value, today)
        return left_date < right_date if op == "before" else left_date > right_date
    checks = {
        "eq": lambda: answer == value,
        "ne": lambda: answer != value,
        "in": lambda: answer in value,
        "not_in": lambda: answer not in value,
        "contains": lambda: value in answer,
        "matches": lambda: re.search(value, str(answer)) is not None,
    }
    return checks[op]()


def demo_answers_make(
    *, definition: dict, rng: random.Random, address: Address, today: date
) -> dict[str, Any]:
    """Answer the form as someone at or near `address` might have on `today`."""
    answers: dict[str, Any] = {}
    pages = definition["pages"]
    page_ids = [page["id"] for page in pages]
    index = 0
    while index < len(pages):
        page = pages[index]
        if "show_if" in page and not condition_holds(page["show_if"], answers, today):
            index += 1
            continue
        for field in page["fields"]:
            value = _answer(field, rng, address, today)
            if value is not None:
                answers[field["name"]] = value
        branch = next(
            (
                branch
                for branch in page.get("next", [])
                if "when" not in branch or condition_holds(branch["when"], answers, today)
            ),
            None,
        )
        target = branch.get("goto") if branch else None
        if target == "check" or (branch and "outcome" in branch):
            break  # sent, or ended on an outcome
        index = page_ids.index(target) if target else index + 1
    return answers


def _answer(field: dict, rng: random.Random, address: Address, today: date) -> Any:
    name, kind = field["name"], field["type"]
    if not field.get("required", False) and kind != "declaration" and rng.random() < 0.5:
        return None
    options = list(field.get("options", []))
    if kind in {"radios", "select"}:
        return _pick(rng, [o["value"] for o in options], 1)[0]
    if kind == "checkboxes":
        exclusive = [o["value"] for o in options if o.get("exclusive")]
        if exclusive and rng.random() < 0.3:
            return exclusive[:1]
        choices = [o["value"] for o in options if not o.get("exclusive")]
        picked = _pick(rng, choices, rng.choice([1, 1, 2, 3]))
        return [value for value in choices if value in picked]  # in the form's order
    if kind == "yesno":
        return "yes" if rng.random() < 0.4 else "no"
    if kind == "number":
        if name in NUMBER_ANSWERS:
            return rng.choice(NUMBER_ANSWERS[name])
        low = int(field.get("min", 0))
        return rng.randint(low, int(field.get("max", low + 10)))
    if kind == "date":
        if field.get("date_range") == "future":
            return (today + timedelta(days=rng.randint(3, 21))).isoformat()
        low, high = DATE_ANSWERS_DAYS_AGO.get(name, (0, 30))
        return (today - timedelta(days=rng.randint(low, high))).isoformat()
    if kind == "address":
        return address.uprn
    if kind == "location":
        return {
            "lat": address.lat,
            "lon": address.lon,
            "usrn": address.street.usrn,
            "text": f"Near {address.number_or_name} {address.street.name}",
        }
    if kind == "declaration":
        return True
    if kind == "email":
        return f"claims{rng.randrange(100, 999)}@example.com"
    if kind == "phone":
        return f"07700 900{rng.randrange(1000):03d}"
    if kind == "text":
        return rng.choice(TEXT_ANSWERS.get(name, ["Not sure"]))
    if kind == "textarea":
        return rng.choice(TEXTAREA_ANSWERS.get(name, TEXTAREA_ANSWERS["details"]))
    return None  # files: the demo history has no uploads


def _pick(rng: random.Random, values: list[str], count: int) -> list[str]:
    """`count` different values, the earlier ones (the commoner cases) more often."""
    remaining = list(values)
    picked = []
    for _ in range(min(count, len(remaining))):
        value = rng.choices(remaining, [1 / (values.index(v) + 1) for v in remaining])[0]
        remaining.remove(value)
        picked.append(value)
    return picked


def demo_summary(definition: dict, answers: dict, *, default: str) -> str:
    """The case title: the answer to the form's `summary_field`, in words."""
    name = definition.get("summary_field")
    field = next(
        (f for page in definition["pages"] for f in page["fields"] if f["name"] == name), None
    )
    answer = answers.get(name) if name else None
    if field is None or answer in (None, "", []):
        return default
    labels = {option["value"]: option["label"] for option in field.get("options", [])}
    if labels:
        values = answer if isinstance(answer, list) else [answer]
        # "Something else" says nothing as a title: the service's name says more.
        words = [str(labels.get(v, v)) for v in values if v not in {"other", "none", "any"}]
        if not words:
            return default
        text = ", ".join(words)
    elif field["type"] in {"text", "textarea"}:
        text = str(answer)
    else:
        return default
    return text[:200]
