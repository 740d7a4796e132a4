from django.apps import AppConfig


class TimebankConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timebank"
    verbose_name = "Timebanks and time credits"

    def ready(self):
        # Here, not at the top: accounts.privacy imports models, which are not loaded when apps.py is.
        from accounts.privacy import account_data_requested, account_erased

        from . import privacy

        # Subject access and erasure reach what this app holds on a sign-in (accounts sits below).
        account_data_requested.connect(privacy.what_we_hold, dispatch_uid="timebank.what_we_hold")
        account_erased.connect(privacy.forget_member, dispatch_uid="timebank.forget_member")
