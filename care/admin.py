"""The back office for care.

Personal budgets: the councils' settings (enforcing limits, the surplus ceiling, when quarterly
returns are due and how late one suspends the budget) and who their
finance officers are. Nothing holding a person's budget is here: budgets, lines and the ledger are
person data, read through ``care.budget_selectors`` (which audits every read) and written through
``care.budget_services``; so are the quarterly returns (``care.return_selectors``,
``care.return_services``)."""

from django.contrib import admin

from .models import BudgetCouncilSettings, FinanceOfficer


@admin.register(BudgetCouncilSettings)
class BudgetCouncilSettingsAdmin(admin.ModelAdmin):
    list_display = ["council", "enforce_limits", "surplus_weeks", "return_due_days", "suspend_after_days"]


@admin.register(FinanceOfficer)
class FinanceOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "council"]
    list_filter = ["council"]
    autocomplete_fields = ["user"]
