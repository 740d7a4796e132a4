"""Choice and control over care (issue 19): micro-providers near people, with their checks and
evidence, and personal budgets (Individual Service Funds and direct payments) people can see."""

from django.apps import AppConfig


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "care"
    verbose_name = "Choice and control over care"

    def ready(self):
        # Here, not at the top: the privacy hooks import models, not loaded when apps.py is.
        from accounts.privacy import account_data_requested, account_erased
        from people.signals import person_erased, subject_access_requested

        from . import budget_privacy

        # Personal budgets: subject access and erasure reach the person's budgets and a
        # representative's sign-in.
        subject_access_requested.connect(
            budget_privacy.what_we_hold_on_person, dispatch_uid="care.budgets_person_sar"
        )
        person_erased.connect(budget_privacy.forget_person, dispatch_uid="care.budgets_forget_person")
        account_data_requested.connect(
            budget_privacy.what_we_hold_on_account, dispatch_uid="care.budgets_account_sar"
        )
        account_erased.connect(budget_privacy.forget_account, dispatch_uid="care.budgets_forget_account")
