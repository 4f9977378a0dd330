from django.core.management.base import BaseCommand, CommandError

from townhall.accounts.models import User
from townhall.api.auth import api_token_issue


class Command(BaseCommand):
    help = "Issue a staff API token for a member of staff; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="API token")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        try:
            _, raw = api_token_issue(user=user, name=name)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(raw)
