"""The contact centre's fee-due table goes, once payments has taken its rows
(payments 0003_fee_due_from_contact)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0002_search_indexes_postgresql"),
        ("payments", "0003_fee_due_from_contact"),
    ]

    operations = [
        migrations.DeleteModel(name="FeeDue"),
    ]
