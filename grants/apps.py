"""Small grants (issue 20): community funds, their rounds and questions, and applications."""

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = "Small grants"

    def ready(self) -> None:
        # Here, not at the top: accounts.privacy imports models, which are not loaded when apps.py is.
        from accounts.privacy import account_data_requested, account_erased

        from . import privacy

        # Subject access and erasure reach the applications a sign-in wrote.
        account_data_requested.connect(privacy.what_we_hold, dispatch_uid="grants.what_we_hold")
        account_erased.connect(privacy.forget_applicant, dispatch_uid="grants.forget_applicant")
        # And the assessments a panel member made under it.
        account_data_requested.connect(
            privacy.what_we_hold_as_panel_member, dispatch_uid="grants.what_we_hold_as_panel_member"
        )
        account_erased.connect(privacy.forget_panel_member, dispatch_uid="grants.forget_panel_member")

        # A funded group's listing says who funded it.
        from directory.funders import register_funders

        from .award_selectors import funds_of_listing

        register_funders(funds_of_listing)
