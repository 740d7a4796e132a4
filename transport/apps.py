from django.apps import AppConfig


class TransportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transport"
    verbose_name = "Community transport"

    def ready(self):
        # Here, not at the top: the privacy hooks import models, not loaded when apps.py is.
        from django.db.models.signals import post_save

        from accounts.privacy import account_data_requested, account_erased
        from people.signals import person_erased, subject_access_requested

        from . import listing, privacy
        from .models import Scheme

        # Subject access and erasure reach passengers linked to a person record or to a sign-in.
        subject_access_requested.connect(privacy.what_we_hold_on_person, dispatch_uid="transport.person_sar")
        person_erased.connect(privacy.forget_person, dispatch_uid="transport.forget_person")
        account_data_requested.connect(privacy.what_we_hold_on_account, dispatch_uid="transport.account_sar")
        account_erased.connect(privacy.forget_account, dispatch_uid="transport.forget_account")

        from people import registries

        from . import views

        # The person page's panel: their coming rides, and a ride to each introduction still open.
        if views.rides_panel not in registries.person_panels:
            registries.person_panels.append(views.rides_panel)

        # A scheme's directory listing says who can use it, in the scheme's words.
        post_save.connect(listing.scheme_saved, sender=Scheme, dispatch_uid="transport.scheme_listing")
