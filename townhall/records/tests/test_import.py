"""Importing CSV extracts: good rows in, bad rows reported by line and reason, re-imports
update and retire without duplicating, unreadable files refused whole."""

import pytest
from django.core.exceptions import ValidationError

from townhall.records.mapping import IDENTITY_MAPPING, source_from_yaml
from townhall.records.models import ImportRun, Source, SourceRecord
from townhall.records.services import source_import_csv, source_import_sql

pytestmark = pytest.mark.django_db

HEADER = "record_id,title,first_name,middle_names,surname,date_of_birth,address,postcode,email,phone,ni_number,uprn\n"


@pytest.fixture
def source():
    return Source.objects.create(slug="council-tax", name="Council tax", mapping=IDENTITY_MAPPING)


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def test_good_rows_are_imported_cleaned_with_the_raw_row_kept(source):
    run = source_import_csv(
        source=source,
        data=_csv(
            "CT1,MR,ROBERT,,SMITH,13/05/1980,10 HIGH ST,tn231aa,BOB@EXAMPLE.COM,+44 7700 900123,ab123456c,0100123",
        ),
    )
    assert (run.status, run.created, run.rejected) == ("done", 1, 0)
    record = SourceRecord.objects.get()
    assert (record.first_name, record.surname, record.postcode) == ("Robert", "Smith", "TN23 1AA")
    assert (record.phone, record.ni_number, record.uprn) == ("07700900123", "AB123456C", "100123")
    assert record.raw["first_name"] == "ROBERT"


def test_bad_rows_are_reported_by_line_number_and_good_rows_still_imported(source):
    data = _csv(
        "CT1,,Ann,,Lee,1970-01-01,1 A St,TN23 1AA,,,,",
        "CT2,,too,few",
        ",,No,,Id,1970-01-01,1 A St,TN23 1AA,,,,",
        "CT1,,Ann,,Again,1970-01-01,1 A St,TN23 1AA,,,,",
        "CT5,,Ben,,Hall,1971-01-01,2 A St,TN23 1AA,,,,",
    )
    run = source_import_csv(source=source, data=data)
    assert run.created == 2
    assert [(e["line"], e["reason"]) for e in run.errors] == [
        (3, "4 fields, expected 12"),
        (4, "no record_id (column record_id)"),
        (5, "record_id CT1 already on line 2"),
    ]
    assert run.rejected == 3


def test_bad_encoding_rejects_only_that_row(source):
    data = _csv("CT1,,Ann,,Lee,,,,,,,") + "CT2,,Zo\xeb,,Hall,,,,,,,\n".encode("latin-1")
    run = source_import_csv(source=source, data=data)
    assert run.created == 1
    assert run.errors == [
        {"line": 3, "reason": "column first_name is not valid utf-8 text", "record_id": "CT2"}
    ]


def test_wrong_delimiter_is_refused_whole_with_a_specific_reason(source):
    data = _csv("CT1,,Ann,,Lee,,,,,,,").replace(b",", b";")
    run = source_import_csv(source=source, data=data)
    assert run.status == ImportRun.Status.FAILED
    assert "separated by a semicolon" in run.errors[0]["reason"]
    assert not SourceRecord.objects.exists()


def test_missing_columns_are_named_and_nothing_changes(source):
    source_import_csv(source=source, data=_csv("CT1,,Ann,,Lee,,,,,,,"))
    run = source_import_csv(source=source, data=b"record_id,surname\nCT1,Lee\n")
    assert run.status == ImportRun.Status.FAILED
    assert run.errors[0]["reason"].startswith("Line 1: missing column(s) title, first_name")
    assert SourceRecord.objects.get().retired_at is None


def test_reimport_updates_changed_retires_vanished_and_never_duplicates(source):
    source_import_csv(
        source=source,
        data=_csv("CT1,,Ann,,Lee,,,,,,,", "CT2,,Ben,,Hall,,,,,,,", "CT3,,Cat,,Ng,,,,,,,"),
    )
    run = source_import_csv(
        source=source, data=_csv("CT1,,Ann,,Lee,,,,,,,", "CT2,,Ben,,Hall-Smith,,,,,,,")
    )
    assert (run.created, run.updated, run.unchanged, run.retired) == (0, 1, 1, 1)
    assert SourceRecord.objects.count() == 3
    assert SourceRecord.objects.get(record_id="CT2").surname == "Hall-Smith"
    assert SourceRecord.objects.get(record_id="CT3").retired_at is not None
    again = source_import_csv(
        source=source,
        data=_csv("CT1,,Ann,,Lee,,,,,,,", "CT2,,Ben,,Hall-Smith,,,,,,,", "CT3,,Cat,,Ng,,,,,,,"),
    )
    assert (again.updated, again.unchanged) == (1, 2)
    assert SourceRecord.objects.get(record_id="CT3").retired_at is None
    assert SourceRecord.objects.count() == 3


def test_unreadable_row_is_not_retired(source):
    source_import_csv(source=source, data=_csv("CT1,,Ann,,Lee,,,,,,,", "CT2,,Ben,,Hall,,,,,,,"))
    run = source_import_csv(source=source, data=_csv("CT1,,Ann,,Lee,,,,,,,", "CT2,,Ben"))
    assert run.retired == 0


def test_ten_percent_malformed_rows(source):
    rows = [f"R{n},,Name{n},,Surname,,,,,,," if n % 10 else f"R{n},broken" for n in range(100)]
    run = source_import_csv(source=source, data=_csv(*rows))
    assert (run.created, run.rejected) == (90, 10)
    assert all(e["reason"] == "2 fields, expected 12" for e in run.errors)


def test_data_quality_issues_are_recorded_not_refused(source):
    source_import_csv(source=source, data=_csv("CT1,,Ann,,Lee,31/02/1980,,XX1,,,,"))
    record = SourceRecord.objects.get()
    assert set(record.issues) == {"dob_impossible", "postcode_invalid", "uprn_missing"}


def test_yaml_mapping_file_creates_the_source_and_maps_columns(tmp_path):
    path = tmp_path / "benefits.yaml"
    path.write_text(
        "slug: benefits\nname: Housing benefit\ntrust: 70\ndelimiter: ';'\n"
        "columns:\n  record_id: CLAIM_REF\n  full_name: CLAIMANT\n  date_of_birth: DOB\n"
    )
    source = source_from_yaml(path)
    run = source_import_csv(
        source=source, data=b"CLAIM_REF;CLAIMANT;DOB;BENEFIT\nHB1;MRS JANE DOE;1980-01-02;HB\n"
    )
    record = SourceRecord.objects.get()
    assert run.created == 1
    assert (record.title, record.first_name, record.surname) == ("Mrs", "Jane", "Doe")
    assert record.extra == {"BENEFIT": "HB"}


def test_yaml_with_unknown_field_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("slug: x\ncolumns:\n  record_id: ID\n  shoe_size: SHOE\n")
    with pytest.raises(ValidationError, match="shoe_size"):
        source_from_yaml(path)


def test_sql_source_imports_rows_of_its_query(tmp_path):
    import sqlite3

    path = tmp_path / "housing.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tenants (ref TEXT, forename TEXT, surname TEXT, dob TEXT)")
        db.execute("INSERT INTO tenants VALUES ('T1', 'LIZ', 'HALL', '1985-05-05')")
    source = Source.objects.create(
        slug="housing",
        name="Housing",
        kind=Source.Kind.SQL,
        dsn=f"sqlite:///{path}",
        query="SELECT ref, forename, surname, dob FROM tenants",
        mapping={
            "record_id": "ref",
            "first_name": "forename",
            "surname": "surname",
            "date_of_birth": "dob",
        },
    )
    run = source_import_sql(source=source)
    assert run.created == 1
    assert SourceRecord.objects.get().first_name == "Liz"
    source.query = "SELECT ref FROM nowhere"
    failed = source_import_sql(source=source)
    assert failed.status == ImportRun.Status.FAILED
    assert "no such table" in failed.errors[0]["reason"]
