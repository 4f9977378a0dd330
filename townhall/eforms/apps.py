from django.apps import AppConfig
from django.utils.translation import gettext_noop


class EformsConfig(AppConfig):
    name = "townhall.eforms"
    label = "eforms"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from townhall.cases.services import my_account_forget

        # The live-form check (townhall.E001) and the catalogue cache receiver register as
        # they load.
        from townhall.eforms import checks, signals  # noqa: F401
        from townhall.eforms.models import FormSession

        def form_session_written(sender, instance: FormSession, **kwargs) -> None:
            my_account_forget(instance.user_id)  # My Account lists saved forms

        post_save.connect(
            form_session_written, sender=FormSession, dispatch_uid="eforms-my-acc", weak=False
        )
        post_delete.connect(
            form_session_written, sender=FormSession, dispatch_uid="eforms-my-acc", weak=False
        )

        from townhall.core.reconcile import Reconciler, reconciler_register
        from townhall.eforms.selectors import submissions_unopened
        from townhall.eforms.services import submissions_unopened_open

        # A form stored whose case failed to open still gets its case (the resident was told
        # it was sent).
        reconciler_register(
            Reconciler(
                name="forms_unopened",
                title=gettext_noop("Forms sent whose case did not open"),
                waiting=submissions_unopened,
                sweep=submissions_unopened_open,
            )
        )

        from townhall.eforms.lookups import Lookup, lookup_register
        from townhall.waste.missed import MISSED_COLLECTION_OUTPUTS, missed_collection_lookup

        # A missed-bin report is checked against the address's round (waste sits below).
        lookup_register(
            Lookup(
                name="waste_missed_collection",
                title=gettext_noop(
                    "The bin's last collection, and whether a missed bin can be reported"
                ),
                inputs=("address", "stream"),
                outputs=MISSED_COLLECTION_OUTPUTS,
                run=missed_collection_lookup,
            )
        )
