from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from townhall.accounts.models import User
from townhall.accounts.permissions import can_design_services
from townhall.builder.services import ServiceFilesRefused, service_files_import


class Command(BaseCommand):
    help = (
        "Create or update services from service files (YAML, as service_export writes them) "
        "and publish their forms and processes. All or nothing: when any file is refused, "
        "every reason is written to standard error, nothing changes and the exit status is 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Service files to import.")
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="The designer or administrator recorded as publishing the service.",
        )

    def handle(self, *args, **options) -> None:
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None or not can_design_services(actor):
                raise CommandError(
                    f"--actor: no active service designer or administrator '{options['actor']}'."
                )
        files, unreadable = [], []
        for name in options["files"]:
            try:
                files.append((name, Path(name).read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                unreadable.append(f"{name}: not UTF-8 text")
            except OSError as error:
                unreadable.append(f"{name}: {error.strerror}")
        if unreadable:
            raise CommandError("Nothing imported:\n" + "\n".join(unreadable))
        try:
            services = service_files_import(files=files, actor=actor)
        except ServiceFilesRefused as error:
            lines = [f"{name}: {reason}" for name, rs in error.refused.items() for reason in rs]
            raise CommandError(
                f"Nothing imported: {len(error.refused)} file(s) refused.\n" + "\n".join(lines)
            ) from error
        for service in services:
            form = service.form.live_version() if service.form else None
            parts = [f"form v{form.number}" if form else "no form"]
            parts.append(f"process {service.process_key}" if service.process_key else "no process")
            self.stdout.write(f"{service.slug}: imported ({', '.join(parts)})")
