from django.core.management.base import BaseCommand, CommandError

from townhall.open311.clients import api_client_revoke
from townhall.open311.models import ApiClient


class Command(BaseCommand):
    help = "Revoke an Open311 client's API key by the client's id."

    def add_arguments(self, parser) -> None:
        parser.add_argument("client_id", type=int)

    def handle(self, *args, **options) -> None:
        client = ApiClient.objects.filter(pk=options["client_id"]).first()
        if client is None:
            raise CommandError(f"No Open311 client has the id {options['client_id']}.")
        api_client_revoke(client=client)
        self.stdout.write(f"Revoked {client}.")
