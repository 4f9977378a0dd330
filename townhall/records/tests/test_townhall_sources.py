"""Portal accounts and cases are sources; a new record is matched on its own in one go."""

import pytest
from django.core.management import call_command

from townhall.accounts.models import User
from townhall.desk.tests.factories import case_make, department_make, service_make
from townhall.records.linkage import records_link
from townhall.records.matching import record_match_and_assign, record_matches
from townhall.records.models import Source, SourceRecord
from townhall.records.services import source_import_townhall
from townhall.records.tests.factories import row, source_with_rows

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Robert", "Smith", "1970-01-01", "1 High St", "TN23 1AA", "07700900001", "bob@example.com"),
    ("Anne", "Smith", "1972-02-02", "1 High St", "TN23 1AA", "07700900002", "anne@example.com"),
    ("Carl", "Jones", "1980-03-03", "2 Low Rd", "TN24 2BB", "07700900003", "carl@example.com"),
    ("Dafydd", "Evans", "1990-04-04", "3 Elm Gr", "TN25 3CC", "07700900004", "dai@example.com"),
    ("Elizabeth", "Hall", "1985-05-05", "4 Oak Cl", "TN26 4DD", "07700900005", "liz@example.com"),
    ("Frank", "Moore", "1960-06-06", "5 Ash Way", "TN27 5EE", "07700900006", "frank@example.com"),
]


def _known_people():
    ct = [
        row(
            f"C{i}",
            first_name=f,
            surname=s,
            date_of_birth=d,
            address=a,
            postcode=p,
            phone=ph,
            email=e,
        )
        for i, (f, s, d, a, p, ph, e) in enumerate(PEOPLE)
    ]
    er = [
        row(
            f"E{i}",
            first_name=f.upper(),
            surname=s.upper(),
            address=a.upper(),
            postcode=p.lower().replace(" ", ""),
        )
        for i, (f, s, d, a, p, ph, e) in enumerate(PEOPLE)
    ]
    source_with_rows("council_tax", ct)
    source_with_rows("electoral_register", er)
    records_link(u_pairs=1e4)


def test_portal_accounts_and_cases_become_source_records():
    User.objects.create_user(
        "bob@example.com",
        "x-Very-long-pass-1",
        full_name="Bob Smith",
        postcode="tn231aa",
        address_line="1 High St",
    )
    service = service_make(department=department_make())
    case = case_make(service=service, contact_name="Liz Hall", contact_email="liz@example.com")
    accounts = source_import_townhall(kind=Source.Kind.PORTAL_ACCOUNTS)
    cases = source_import_townhall(kind=Source.Kind.CASES)
    assert (accounts.created, cases.created) == (1, 1)
    account = SourceRecord.objects.get(source__kind="portal_accounts")
    assert (account.first_name, account.surname, account.postcode) == ("Bob", "Smith", "TN23 1AA")
    assert SourceRecord.objects.get(source__kind="cases").record_id == case.reference
    again = source_import_townhall(kind=Source.Kind.PORTAL_ACCOUNTS)
    assert (again.created, again.unchanged) == (0, 1)


def test_new_portal_account_is_matched_to_the_known_person():
    _known_people()
    User.objects.create_user(
        "bob@example.com",
        "x-Very-long-pass-1",
        full_name="Bob Smith",
        postcode="TN23 1AA",
        address_line="1 High St",
        phone="+44 7700 900001",
    )
    source_import_townhall(kind=Source.Kind.PORTAL_ACCOUNTS)
    record = SourceRecord.objects.get(source__kind="portal_accounts")
    matches = record_matches(record)
    assert matches and matches[0].record.record_id in {"C0", "E0"}
    person = record_match_and_assign(record)
    assert SourceRecord.objects.get(record_id="C0").person_id == person.pk


def test_sync_command_imports_and_matches(capsys):
    _known_people()
    User.objects.create_user(
        "liz@example.com",
        "x-Very-long-pass-1",
        full_name="Liz Hall",
        postcode="TN26 4DD",
        address_line="4 Oak Cl",
    )
    call_command("records_sync_townhall")
    assert "1 new records joined a known person" in capsys.readouterr().out
