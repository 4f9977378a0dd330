from django.db import migrations


def clear_sent_drafts(apps, schema_editor):
    FormSession = apps.get_model("eforms", "FormSession")
    FormSession.objects.filter(saved_for_later=True, submission__isnull=False).update(
        saved_for_later=False
    )


class Migration(migrations.Migration):
    """Drafts are now found by `saved_for_later` alone: clear it on forms already sent."""

    dependencies = [("eforms", "0001_initial")]

    operations = [migrations.RunPython(clear_sent_drafts, migrations.RunPython.noop)]
