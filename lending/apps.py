from django.apps import AppConfig


class LendingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lending"
    verbose_name = "Lending community resources"

    def ready(self):
        # Here, not at the top: accounts.privacy imports models, which are not loaded when apps.py is.
        from accounts.privacy import account_data_requested, account_erased

        from . import privacy

        # Subject access and erasure reach what this app holds on a sign-in (accounts sits below).
        account_data_requested.connect(privacy.what_we_hold, dispatch_uid="lending.what_we_hold")
        account_erased.connect(privacy.forget_borrower, dispatch_uid="lending.forget_borrower")
