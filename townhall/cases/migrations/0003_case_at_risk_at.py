from django.db import migrations, models

# core.clocks.AT_RISK_FRACTION when this was written; a migration keeps its own copy.
FRACTION = 0.8


def at_risk_fill(apps, schema_editor) -> None:
    """Existing cases become at risk as new ones do: 80% of the way from arrival to due."""
    Case = apps.get_model("cases", "Case")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE cases_case SET at_risk_at = created_at + (due_at - created_at) * %s "
            "WHERE due_at IS NOT NULL",
            [FRACTION],
        )
        return
    for case in Case.objects.filter(due_at__isnull=False).only("created_at", "due_at").iterator():
        Case.objects.filter(pk=case.pk).update(
            at_risk_at=case.created_at + (case.due_at - case.created_at) * FRACTION
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="at_risk_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(at_risk_fill, migrations.RunPython.noop),
    ]
