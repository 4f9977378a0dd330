from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from townhall.builder.selectors import ServiceNotExportable, service_export, services_for_export
from townhall.catalogue.models import Service


class Command(BaseCommand):
    help = (
        "Write a service as a service file (YAML): one SLUG to standard output, or --all "
        "services into --output DIR, one <slug>.yaml each. Nothing is written when any "
        "service cannot be exported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", nargs="?", help="The service to write to standard output.")
        parser.add_argument("--all", action="store_true", help="Every service, into --output.")
        parser.add_argument("--output", help="The folder --all writes into (made if missing).")

    def handle(self, *args, **options) -> None:
        slug, everything, output = options["slug"], options["all"], options["output"]
        if everything == bool(slug):
            raise CommandError("Give either a service's SLUG or --all --output DIR.")
        if slug:
            if output:
                raise CommandError("--output goes with --all; one SLUG goes to standard output.")
            service = next(iter(services_for_export(slug)), None)
            if service is None:
                known = ", ".join(Service.objects.order_by("slug").values_list("slug", flat=True))
                raise CommandError(f"No service '{slug}'. Services: {known or 'none'}.")
            self.stdout.write(self._export(service), ending="")
            return
        if not output:
            raise CommandError("--all needs --output DIR: the folder to write the files into.")
        texts, problems = {}, []
        for service in services_for_export():
            try:
                texts[service.slug] = service_export(service)
            except ServiceNotExportable as error:
                problems.append(str(error))
        if problems:
            raise CommandError("Nothing written:\n" + "\n".join(problems))
        folder = Path(output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for slug, text in texts.items():
                (folder / f"{slug}.yaml").write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write to {folder}: {error.strerror}") from error
        self.stdout.write(f"{len(texts)} service file(s) written to {folder}")

    def _export(self, service: Service) -> str:
        try:
            return service_export(service)
        except ServiceNotExportable as error:
            raise CommandError(str(error)) from error
