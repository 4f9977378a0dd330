"""Point a partner at a new address: `manage.py partner_endpoint_url NAME URL
[--allow-host HOST ...] [--any-host]`. The address is checked as on the desk; a refused one
exits non-zero with the reason."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.services import partner_endpoint_url_set


class Command(BaseCommand):
    help = "Set where a partner's webhooks are posted (checked: https, public address)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="The partner's name, like waste_contractor.")
        parser.add_argument(
            "url", help="Where its webhooks go, like https://api.partner.example/jobs."
        )
        hosts = parser.add_mutually_exclusive_group()
        hosts.add_argument(
            "--allow-host",
            action="append",
            dest="hosts",
            metavar="HOST",
            help="Hold the partner to these host names from now on (repeat for more).",
        )
        hosts.add_argument(
            "--any-host", action="store_true", help="Clear the partner's list of host names."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        endpoint = PartnerEndpoint.objects.filter(name=options["name"]).first()
        if endpoint is None:
            known = ", ".join(PartnerEndpoint.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No partner is called '{options['name']}' (known: {known}).")
        hosts = [] if options["any_host"] else options["hosts"]
        try:
            partner_endpoint_url_set(endpoint=endpoint, url=options["url"], allowed_hosts=hosts)
        except ValidationError as refused:
            raise CommandError(f"Not saved: {refused.messages[0]}") from refused
        listed = ", ".join(endpoint.allowed_hosts) or "any public host"
        self.stdout.write(f"{endpoint.name} now posts to {endpoint.url} (hosts: {listed}).")
