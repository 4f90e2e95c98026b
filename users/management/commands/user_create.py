import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from users.services import ROLE_GROUPS, user_create


class Command(BaseCommand):
    help = (
        "Create a person with a role. Without --password a random one is printed; "
        "without --verified allauth asks them to confirm their e-mail address."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--legal-name", required=True)
        parser.add_argument("--role", choices=sorted(ROLE_GROUPS), default="trainee")
        parser.add_argument("--language", choices=["sv", "en", "ar"], default="sv")
        parser.add_argument("--password")
        parser.add_argument("--verified", action="store_true")

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            user = user_create(
                email=options["email"],
                legal_name=options["legal_name"],
                password=password,
                role=options["role"],
                preferred_language=options["language"],
                email_verified=options["verified"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Created {options['role']} {user.email}")
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
