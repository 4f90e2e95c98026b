from django.core.management.base import BaseCommand

from courses.demo import DEMO_PASSWORD, demo_accounts_ensure


class Command(BaseCommand):
    help = "Load the demo accounts and content; a second run adds only what is missing."

    def handle(self, *args, **options):
        accounts = demo_accounts_ensure()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for account, created in accounts:
            note = "created" if created else "already there"
            self.stdout.write(f"  {account.role:<8} {account.email}  ({note})")
        self.stdout.write(
            "Staff accounts set up two-factor sign-in (any authenticator app) "
            "the first time they open /admin/."
        )
