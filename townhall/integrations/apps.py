from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "townhall.integrations"
    label = "integrations"

    def ready(self) -> None:
        from townhall.accounts.services import account_email_sender_register
        from townhall.integrations import checks  # noqa: F401  (registers them)
        from townhall.integrations.notify.tasks import email_deliver

        # Accounts' emails go out by the notifications worker: accounts, below integrations,
        # offers the hook and never imports us.
        account_email_sender_register(email_deliver.enqueue)

        from townhall.integrations.county.client import county_senders_register

        county_senders_register()
