"""Choice and control over care (issue 19): micro-providers near people, with their checks and
evidence, and personal budgets (Individual Service Funds and direct payments) people can see."""

from django.apps import AppConfig


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "care"
    verbose_name = "Choice and control over care"

    def ready(self):
        # Here, not at the top: the views import models, not loaded when apps.py is.
        from accounts.privacy import account_data_requested, account_erased
        from people import registries

        from . import provider_privacy

        # Subject access and erasure reach the contact requests a sign-in sent.
        account_data_requested.connect(
            provider_privacy.what_we_hold_on_account, dispatch_uid="care.providers_account_sar"
        )
        account_erased.connect(provider_privacy.forget_account, dispatch_uid="care.providers_forget_account")

        from . import provider_views

        # The person page's panel: find care and support near them.
        if provider_views.find_support_panel not in registries.person_panels:
            registries.person_panels.append(provider_views.find_support_panel)

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

        from . import return_privacy

        # Quarterly returns: the person's subject access and erasure reach them through the budget;
        # erasing a sign-in takes its name off what it wrote.
        subject_access_requested.connect(
            return_privacy.what_we_hold_on_person, dispatch_uid="care.returns_person_sar"
        )
        person_erased.connect(return_privacy.forget_person, dispatch_uid="care.returns_forget_person")
        account_erased.connect(return_privacy.forget_account, dispatch_uid="care.returns_forget_account")
