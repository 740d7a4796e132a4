"""The back office for care.

Micro-providers: their details, checked as the register and change pages check them
(``provider_services.clean_provider_details``); checks are recorded on the checks page, which hides
and shows listings as they run out and are renewed.

Personal budgets: the councils' settings (enforcing limits, the surplus ceiling, when quarterly
returns are due and how late one suspends the budget) and who their
finance officers are. Nothing holding a person's budget is here: budgets, lines and the ledger are
person data, read through ``care.budget_selectors`` (which audits every read) and written through
``care.budget_services``; so are the quarterly returns (``care.return_selectors``,
``care.return_services``)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from common.forms import add_service_errors

from .models import BudgetCouncilSettings, FinanceOfficer, MicroProvider
from .provider_services import DETAIL_FIELDS, clean_provider_details


class MicroProviderAdminForm(forms.ModelForm):
    class Meta:
        model = MicroProvider
        fields = ["provider", "team", *DETAIL_FIELDS]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if self.errors:
            return data
        try:
            data.update(clean_provider_details({name: data.get(name) for name in DETAIL_FIELDS}))
        except ValidationError as refusal:
            add_service_errors(self, refusal)
        return data


@admin.register(MicroProvider)
class MicroProviderAdmin(admin.ModelAdmin):
    form = MicroProviderAdminForm
    list_display = ["provider", "team", "price_per_hour_pence", "needs_cqc_registration"]
    list_filter = ["team"]
    search_fields = ["provider__name"]
    raw_id_fields = ["provider", "base_postcode"]


@admin.register(BudgetCouncilSettings)
class BudgetCouncilSettingsAdmin(admin.ModelAdmin):
    list_display = ["council", "enforce_limits", "surplus_weeks", "return_due_days", "suspend_after_days"]


@admin.register(FinanceOfficer)
class FinanceOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "council"]
    list_filter = ["council"]
    autocomplete_fields = ["user"]
