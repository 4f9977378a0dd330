"""Indexes for the contact centre's search, on PostgreSQL only (SQLite has no pg_trgm or
full-text search; there the demo searches with LIKE). They index other apps' tables, so they
are created here by name rather than declared on those models: their owners' migrations
stay untouched. Each index matches an expression in townhall/desk/contact/search.py."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    # People: names and addresses by trigram, phone numbers by their digits.
    "contact_user_name_trgm": "accounts_user USING gin (full_name gin_trgm_ops)",
    "contact_user_address_trgm": "accounts_user USING gin (address_line gin_trgm_ops)",
    "contact_user_postcode": "accounts_user (postcode)",
    "contact_user_phone_trgm": (
        "accounts_user USING gin ((REGEXP_REPLACE(phone, '[^0-9]', '', 'g')) gin_trgm_ops)"
    ),
    # Cases: the caller's name and the location by trigram, contact details exactly, the
    # summary by full-text search (locations are matched by trigram already; adding them to
    # the document made each row's vector several times dearer to compute).
    "contact_case_name_trgm": "cases_case USING gin (contact_name gin_trgm_ops)",
    "contact_case_location_trgm": "cases_case USING gin (location_text gin_trgm_ops)",
    "contact_case_email": "cases_case (contact_email)",
    "contact_case_uprn": "cases_case (uprn)",
    "contact_case_phone_trgm": (
        "cases_case USING gin ((REGEXP_REPLACE(contact_phone, '[^0-9]', '', 'g')) gin_trgm_ops)"
    ),
    "contact_case_fts": (
        "cases_case USING gin (to_tsvector('english'::regconfig, COALESCE(summary, '')))"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_contact_log_and_fee_due"),
        ("accounts", "0001_initial"),
        ("cases", "0002_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
