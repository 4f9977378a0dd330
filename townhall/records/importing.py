"""Turning one source row into a canonical SourceRecord: cleaning, data-quality findings and
the fingerprint that tells a changed row from an unchanged one."""

import hashlib
import json
from typing import Any

from townhall.records import cleaning

RAW_ISSUES = {
    "postcode": ("postcode_invalid", cleaning.postcode_clean),
    "phone": ("phone_invalid", cleaning.phone_clean),
    "email": ("email_invalid", cleaning.email_clean),
    "ni_number": ("ni_number_invalid", cleaning.ni_number_clean),
    "uprn": ("uprn_invalid", cleaning.uprn_clean),
}


def row_fingerprint(raw: dict[str, Any]) -> str:
    return hashlib.sha1(
        json.dumps(raw, sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()


def row_canonical(mapped: dict[str, Any], *, month_first: bool = False) -> dict[str, Any]:
    """Clean a row already renamed onto canonical field names. Returns the SourceRecord field
    values, with `issues` listing what the data-quality report counts."""
    issues: list[str] = []
    title = cleaning.title_clean(mapped.get("title"))
    first = cleaning.text_clean(mapped.get("first_name"))
    middle = cleaning.text_clean(mapped.get("middle_names"))
    surname = cleaning.name_clean(mapped.get("surname"))
    if mapped.get("full_name") and not (first or surname):
        parts = cleaning.full_name_split(mapped["full_name"])
        title = title or parts["title"]
        first, middle, surname = parts["first_name"], parts["middle_names"], parts["surname"]
    # 'J R' or 'Mary Ann' in one first-name field: the rest are middle names.
    first, more_middle = cleaning.initials_split(first)
    middle = " ".join(
        p
        for p in (
            more_middle,
            " ".join(cleaning.first_name_clean(w) for w in middle.split(" ") if w),
        )
        if p
    )
    surname_words = surname.split(" ")
    if surname_words and surname_words[-1].lower().strip(".") in cleaning.SUFFIXES:
        surname = " ".join(surname_words[:-1])
    dob, dob_issue = cleaning.date_of_birth_clean(
        mapped.get("date_of_birth"), month_first=month_first
    )
    if dob_issue:
        issues.append(dob_issue)
    values: dict[str, Any] = {
        "record_id": cleaning.text_clean(mapped.get("record_id"))[:100],
        "title": title,
        "first_name": first[:100],
        "middle_names": middle[:150],
        "surname": surname[:100],
        "date_of_birth": dob,
        "address": cleaning.address_clean(mapped.get("address"))[:255],
    }
    for field, (issue, clean) in RAW_ISSUES.items():
        given = cleaning.text_clean(mapped.get(field))
        values[field] = clean(given)
        if given and not values[field]:
            issues.append(issue)
    if not values["uprn"]:
        issues.append("uprn_missing")
    values["issues"] = issues
    return values
