"""Move every fee due from the contact centre's table to payments' (issue 15): the state of a
fee (due, paid, waived) belongs to payments. Each row keeps its id, dates and who recorded it;
a paid one is linked to the payment its reference names. Reversible."""

from django.core.management.color import no_style
from django.db import migrations


def fees_due_to_payments(apps, schema_editor):
    old_model = apps.get_model("contact", "FeeDue")
    new_model = apps.get_model("payments", "FeeDue")
    payment_model = apps.get_model("payments", "Payment")
    payments = dict(
        payment_model.objects.filter(
            reference__in=old_model.objects.exclude(payment_reference="").values(
                "payment_reference"
            )
        ).values_list("reference", "pk")
    )
    new_model.objects.bulk_create(
        new_model(
            pk=old.pk,
            case_id=old.case_id,
            amount_pence=old.amount_pence,
            status=old.status,
            recorded_by_id=old.recorded_by_id,
            recorded_at=old.recorded_at,
            payment_id=payments.get(old.payment_reference),
            payment_reference=old.payment_reference,
            paid_at=old.paid_at,
        )
        for old in old_model.objects.order_by("pk").iterator()
    )
    # recorded_at is auto_now_add: bulk_create set it to now, so put back the real dates.
    for old in old_model.objects.order_by("pk").iterator():
        new_model.objects.filter(pk=old.pk).update(recorded_at=old.recorded_at)
    _sequence_reset(schema_editor, new_model)


def fees_due_to_contact(apps, schema_editor):
    old_model = apps.get_model("contact", "FeeDue")
    new_model = apps.get_model("payments", "FeeDue")
    old_model.objects.bulk_create(
        old_model(
            pk=new.pk,
            case_id=new.case_id,
            amount_pence=new.amount_pence,
            status=new.status,
            recorded_by_id=new.recorded_by_id,
            recorded_at=new.recorded_at,
            payment_reference=new.payment_reference,
            paid_at=new.paid_at,
        )
        for new in new_model.objects.order_by("pk").iterator()
    )
    for new in new_model.objects.order_by("pk").iterator():
        old_model.objects.filter(pk=new.pk).update(recorded_at=new.recorded_at)
    _sequence_reset(schema_editor, old_model)


def _sequence_reset(schema_editor, model):
    # Rows inserted with their ids leave PostgreSQL's sequence behind: the next fee would
    # collide with a moved one. SQLite needs nothing.
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_fee_due"),
        ("contact", "0002_search_indexes_postgresql"),
    ]

    operations = [migrations.RunPython(fees_due_to_payments, fees_due_to_contact)]
