from django.core.management.base import BaseCommand

from townhall.open311.clients import api_client_create


class Command(BaseCommand):
    help = "Register an Open311 client and print its API key (shown once, never stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help='Who the client is, e.g. "FixMyStreet".')

    def handle(self, *args, **options) -> None:
        client, raw_key = api_client_create(name=options["name"])
        self.stdout.write(f"Client {client.pk}: {client.name}")
        self.stdout.write(f"API key (copy it now; it is not stored): {raw_key}")
