"""pg_trgm, for the A to Z's search to find misspelt services (catalogue.search); nothing
on SQLite. The contact centre's search enables it too (contact 0002): whichever runs first
creates it, the other finds it there."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_service_description_cy_service_fee_rules_and_more"),
    ]

    operations = [TrigramExtension()]
