"""Each cleaning function on its own, with the values councils' systems really hold."""

import datetime as dt

import pytest

from townhall.records import cleaning


@pytest.mark.parametrize(
    ("a", "b"),
    [("Bob", "Robert"), ("LIZ", "elizabeth"), ("Dai", "Dafydd"), ("Dai", "David"),
     ("Peggy", "Margaret"), ("Siân", "Sian"), ("Bill", "William")],
)  # fmt: skip
def test_nicknames_and_short_forms_are_variants_of_the_formal_name(a, b):
    assert cleaning.names_are_variants(a, b)


def test_different_first_names_are_not_variants():
    assert not cleaning.names_are_variants("Robert", "Elizabeth")
    assert not cleaning.names_are_variants("Mary", "")


def test_nickname_table_is_shipped_as_data_in_the_repository():
    assert cleaning.NICKNAMES_CSV.exists()
    assert "robert" in cleaning.nickname_groups()["bob"]


@pytest.mark.parametrize(
    ("given", "first", "middle"),
    [("J.R.R.", "J", "R R"), ("J R", "J", "R"), ("Mary Ann", "Mary", "Ann"), ("j.", "J", "")],
)
def test_initials_are_split_into_first_and_middle(given, first, middle):
    assert cleaning.initials_split(given) == (first, middle)


@pytest.mark.parametrize("given", ["tn231aa", "TN23 1AA", " tn23  1aa ", "Tn23-1Aa", "TN231AA"])
def test_postcode_with_or_without_space_or_in_lower_case_is_normalised(given):
    assert cleaning.postcode_clean(given) == "TN23 1AA"


@pytest.mark.parametrize("given", ["TN23", "12345", "ZZ99 9ZZZ", "not a postcode"])
def test_invalid_postcode_is_empty(given):
    assert cleaning.postcode_clean(given) == ""
    assert not cleaning.postcode_is_valid(given)


@pytest.mark.parametrize(
    "given",
    ["+44 7700 900123", "+447700900123", "0044 7700 900 123", "07700 900123", "07700900123"],
)
def test_uk_phone_numbers_in_every_form_become_one(given):
    assert cleaning.phone_clean(given) == "07700900123"


def test_landline_with_brackets_and_foreign_number():
    assert cleaning.phone_clean("(01233) 330 000") == "01233330000"
    assert cleaning.phone_clean("+1 202 555 0100") == ""


def test_day_and_month_swapped_are_read_and_flagged():
    assert cleaning.date_of_birth_clean("05/13/1980") == (dt.date(1980, 5, 13), "dob_swapped")
    assert cleaning.date_of_birth_clean("13/05/1980") == (dt.date(1980, 5, 13), "")
    assert cleaning.date_of_birth_clean("05/04/1980", month_first=True) == (dt.date(1980, 5, 4), "")


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1980-05-13", dt.date(1980, 5, 13)), ("13.5.80", dt.date(1980, 5, 13)),
     ("13 May 1980", dt.date(1980, 5, 13)), ("1980-05-13 00:00:00", dt.date(1980, 5, 13))],
)  # fmt: skip
def test_dates_of_birth_in_the_forms_systems_export(given, expected):
    assert cleaning.date_of_birth_clean(given)[0] == expected


@pytest.mark.parametrize(
    ("given", "issue"),
    [("31/02/1980", "dob_impossible"), ("1980-02-31", "dob_impossible"),
     ("01/01/2999", "dob_impossible"), ("01/01/1850", "dob_impossible"), ("soon", "dob_unreadable")],
)  # fmt: skip
def test_impossible_dates_are_refused_with_a_reason(given, issue):
    assert cleaning.date_of_birth_clean(given, today=dt.date(2026, 1, 1)) == (None, issue)


def test_upper_case_systems_become_title_case():
    assert cleaning.name_clean("SMITH") == "Smith"
    assert cleaning.name_clean("O'BRIEN-MCDONALD") == "O'Brien-McDonald"
    assert cleaning.address_clean("FLAT 2 ,10 HIGH STREET") == "Flat 2, 10 High Street"


def test_full_name_is_split_with_title_and_generation_suffix():
    assert cleaning.full_name_split("MR JOHN R SMITH JNR") == {
        "title": "Mr",
        "first_name": "John",
        "middle_names": "R",
        "surname": "Smith",
        "suffix": "jnr",
    }
    assert cleaning.full_name_split("Smith, Jane")["first_name"] == "Jane"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("ab 12 34 56 c", "AB123456C"), ("AB123456C", "AB123456C"), ("QQ123456C", ""),
     ("AB123456E", ""), ("TN123456A", ""), ("", "")],
)  # fmt: skip
def test_ni_number_is_normalised_and_checked_against_hmrc_rules(given, expected):
    assert cleaning.ni_number_clean(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("010012345678", "10012345678"), ("10012345678.0", "10012345678"), ("UPRN1", ""), ("", "")],
)
def test_uprn_is_digits_without_leading_zeros(given, expected):
    assert cleaning.uprn_clean(given) == expected


def test_email_is_lower_case_and_checked():
    assert cleaning.email_clean(" Jo.Bloggs@Example.COM ") == "jo.bloggs@example.com"
    assert cleaning.email_clean("jo at example") == ""


def test_house_key_tells_neighbours_apart():
    assert cleaning.house_key("Flat 2, 10 High St") == "2"
    assert cleaning.house_key("10A High Street") == "10a"
