"""The Splink model of a UK council's residents: what is compared, at which levels, and how
candidate pairs are found. Pure data and SQL (DuckDB dialect), so the model can be trained on
DuckDB here and on Spark past one machine.

Address, postcode and UPRN are one fact (where the person lives) and so one comparison:
counting them as three independent agreements is what makes generic set-ups link whole
households together."""

from typing import Any

from splink import block_on


def _null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


FIRST_NAME = {
    "output_column_name": "first_name",
    "comparison_description": "First name",
    "comparison_levels": [
        _level(_null("first_name"), "Missing", is_null_level=True),
        _level("first_name_l = first_name_r AND length(first_name_l) > 1", "Same first name"),
        _level(
            "length(first_name_l) > 1 AND length(first_name_r) > 1 "
            "AND list_has_any(first_forms_l, first_forms_r)",
            "Short form of the same name (e.g. Bob and Robert)",
        ),
        _level(
            "length(first_name_l) > 1 AND length(first_name_r) > 1 AND "
            "(list_contains(middle_list_r, first_name_l) OR list_contains(middle_list_l, first_name_r))",
            "First and middle names swapped",
        ),
        _level(
            "length(first_name_l) > 1 AND length(first_name_r) > 1 "
            "AND jaro_winkler_similarity(first_name_l, first_name_r) >= 0.9",
            "Similar spelling",
        ),
        _level(
            "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
            "AND left(first_name_l, 1) = left(first_name_r, 1)",
            "Initial agrees",
        ),
        _level("ELSE", "Different first names"),
    ],
}

MIDDLE_NAMES = {
    "output_column_name": "middle",
    "comparison_description": "Middle names",
    "comparison_levels": [
        _level(_null("middle_names"), "Missing", is_null_level=True),
        _level("middle_names_l = middle_names_r", "Same middle names"),
        _level("middle_list_l[1] = middle_list_r[1]", "Same first middle name"),
        _level("ELSE", "Different middle names"),
    ],
}

SURNAME = {
    "output_column_name": "surname",
    "comparison_description": "Surname",
    "comparison_levels": [
        _level(_null("surname"), "Missing", is_null_level=True),
        _level("surname_l = surname_r", "Same surname"),
        _level("jaro_winkler_similarity(surname_l, surname_r) >= 0.92", "Similar spelling"),
        _level(
            "length(surname_l) > 2 AND length(surname_r) > 2 AND "
            "(contains(surname_l, surname_r) OR contains(surname_r, surname_l))",
            "One surname inside the other (double-barrelled)",
        ),
        # Marriage changes surnames: the model learns how often a true match disagrees here,
        # so a different surname is weak evidence against, not a veto.
        _level("ELSE", "Different surname (marriage?)"),
    ],
}

DATE_OF_BIRTH = {
    "output_column_name": "dob",
    "comparison_description": "Date of birth",
    "comparison_levels": [
        _level(_null("dob"), "Missing", is_null_level=True),
        _level("dob_l = dob_r", "Same date of birth"),
        _level("dob_key_l = dob_key_r", "Day and month swapped"),
        _level(
            "(year(dob_l) = year(dob_r))::INT + (month(dob_l) = month(dob_r))::INT"
            " + (day(dob_l) = day(dob_r))::INT = 2",
            "One of day, month or year differs (typing error)",
        ),
        _level("ELSE", "Different dates of birth"),
    ],
}

PLACE = {
    "output_column_name": "place",
    "comparison_description": "Address, postcode and UPRN (one fact: where they live)",
    "comparison_levels": [
        _level(
            "(uprn_l IS NULL OR uprn_r IS NULL) AND (postcode_l IS NULL OR postcode_r IS NULL) "
            "AND (address_key_l IS NULL OR address_key_r IS NULL)",
            "Missing",
            is_null_level=True,
        ),
        _level(
            "uprn_l = uprn_r OR (postcode_l = postcode_r AND house_l = house_r) "
            "OR address_key_l = address_key_r",
            "Same address",
        ),
        _level("postcode_l = postcode_r", "Same postcode, another house"),
        _level("district_l = district_r", "Same postcode district (moved nearby?)"),
        # Older systems keep the previous address: learned, not a veto.
        _level("ELSE", "Different address (moved?)"),
    ],
}


def _exact(column: str, description: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [
            _level(_null(column), "Missing", is_null_level=True),
            _level(f"{column}_l = {column}_r", f"Same {description}"),
            _level("ELSE", f"Different {description}"),
        ],
    }


COMPARISONS = [
    FIRST_NAME,
    MIDDLE_NAMES,
    SURNAME,
    DATE_OF_BIRTH,
    PLACE,
    _exact("ni_number", "National Insurance number"),
    _exact("email", "email address"),
    _exact("phone", "phone number"),
]

# Tight rules keep comparisons near the number of true pairs (about 3 per record).
BLOCKING_RULES = [
    block_on("ni_number"),
    block_on("email"),
    block_on("phone"),
    block_on("dob_key", "surname"),
    block_on("dob_key", "first_canon"),
    block_on("postcode", "first_canon"),
    # One household or street: small blocks that catch swapped names and missing dates.
    block_on("postcode", "surname"),
    block_on("uprn"),
    # The same address written out where one system has no postcode or UPRN.
    block_on("address_key", "first_canon"),
    block_on("address_key", "surname"),
]

# Training on postcode alone teaches EM that parents and children at one address match; on
# postcode AND first name it learns what a person is (the household trap).
EM_TRAINING_RULES = [
    block_on("postcode", "first_canon"),
    block_on("dob"),
]

DETERMINISTIC_RULES = [
    "l.ni_number = r.ni_number AND l.dob = r.dob",
    "l.email = r.email AND l.first_name = r.first_name AND l.dob = r.dob",
    "l.first_name = r.first_name AND l.surname = r.surname AND l.dob = r.dob "
    "AND l.postcode = r.postcode",
]


def settings_make(*, blocking_rules=None, comparisons=None) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons or COMPARISONS,
        "blocking_rules_to_generate_predictions": blocking_rules or BLOCKING_RULES,
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": True,
        "additional_columns_to_retain": ["middle_names"],
    }
