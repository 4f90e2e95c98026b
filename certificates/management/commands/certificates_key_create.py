from django.core.management.base import BaseCommand, CommandError

from certificates.did import issuer_did
from certificates.services import CertificateError, signing_key_create
from certificates.services.errors import SigningKeyUnavailable


class Command(BaseCommand):
    help = (
        "Create the first certificate signing key (Ed25519). The private key is "
        "written to CERTIFICATE_SIGNING_KEY_FILE (a directory, default var/keys/) "
        "or, with --print-secret, printed once for your secret store."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-secret",
            action="store_true",
            help="Print the secret key instead of writing a key file "
            "(put it in CERTIFICATE_SIGNING_KEY).",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when an active key exists (for scripts).",
        )

    def handle(self, *args, **options):
        from certificates.models import SigningKey

        if options["if_missing"] and SigningKey.objects.filter(is_active=True).exists():
            self.stdout.write("An active signing key exists; nothing to do.")
            return
        try:
            new = signing_key_create(store=not options["print_secret"])
        except (CertificateError, SigningKeyUnavailable) as error:
            raise CommandError(str(error)) from error
        report(self, new)


def report(command, new) -> None:
    command.stdout.write(command.style.SUCCESS(f"Active signing key: {new.key.key_id}"))
    command.stdout.write(f"  verification method: {issuer_did()}#{new.key.key_id}")
    command.stdout.write(f"  public key: {new.key.public_key_multibase}")
    if new.stored_at:
        command.stdout.write(f"  private key written to {new.stored_at} (mode 600)")
    if new.secret:
        command.stdout.write(
            "  secret key (store it now; it is not shown again and is not in the "
            "database):"
        )
        command.stdout.write(f"  {new.secret}")
