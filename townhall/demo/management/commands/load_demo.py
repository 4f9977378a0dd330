from django.core.management.base import BaseCommand

from townhall.demo.loader import demo_council_load


class Command(BaseCommand):
    help = (
        "Load the demo council (gazetteer, departments, accounts, services, forms, cases). "
        "Safe to run on every start: what is already there is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cases",
            type=int,
            default=300,
            help="How many demo cases to create when the demo has none (0: none).",
        )

    def handle(self, *args, **options) -> None:
        summary = demo_council_load(cases=options["cases"])
        self.stdout.write(self.style.SUCCESS(str(summary)))
