from django.core.management.base import BaseCommand, CommandError

from certificates.management.commands.certificates_key_create import report
from certificates.services import CertificateError, signing_key_rotate
from certificates.services.errors import SigningKeyUnavailable


class Command(BaseCommand):
    help = (
        "Rotate the certificate signing key: new certificates use a new key; the "
        "old public key stays in the DID document so old certificates still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-secret",
            action="store_true",
            help="Print the new secret key instead of writing a key file.",
        )

    def handle(self, *args, **options):
        try:
            new = signing_key_rotate(store=not options["print_secret"])
        except (CertificateError, SigningKeyUnavailable) as error:
            raise CommandError(str(error)) from error
        report(self, new)
        if new.secret:
            self.stdout.write(
                "Until CERTIFICATE_SIGNING_KEY holds the new secret, issuing fails "
                "with “signing key unavailable”; verification keeps working."
            )
