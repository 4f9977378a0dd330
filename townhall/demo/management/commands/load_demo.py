from django.core.management.base import BaseCommand, CommandError

from townhall.builder.services import ServiceFilesRefused
from townhall.demo.loader import demo_council_load


class Command(BaseCommand):
    help = (
        "Load the demo council (gazetteer, departments, accounts, services from their service "
        "files, cases). Safe to run on every start: what is already there is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cases",
            type=int,
            default=300,
            help="How many demo cases to create when the demo has none (0: none).",
        )

    def handle(self, *args, **options) -> None:
        try:
            summary = demo_council_load(cases=options["cases"])
        except ServiceFilesRefused as refused:
            # A demo service file edited by hand: say which and why, not a traceback.
            reasons = [f"{name}: {r}" for name, rs in refused.refused.items() for r in rs]
            raise CommandError(
                "The demo's service files (townhall/demo/services/) were refused, nothing "
                "was imported:\n" + "\n".join(reasons)
            ) from refused
        self.stdout.write(self.style.SUCCESS(str(summary)))
