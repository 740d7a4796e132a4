from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        if not settings.CLOSEKNIT_DEMO:
            raise CommandError("Demo codes are off here (CLOSEKNIT_DEMO=false).")
        device = (
            TOTPDevice.objects.filter(user__email__iexact=options["email"].strip(), confirmed=True)
            .select_related("user")
            .first()
        )
        if device is None or not device.user.is_demo:
            raise CommandError(f"No demo account with two-factor sign-in has the email {options['email']!r}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
