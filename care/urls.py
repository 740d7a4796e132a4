"""Care pages. Each part's views live in their own module:

- ``provider_views``: micro-providers, their checks and the becoming-a-provider pipeline (staff),
  finding support near a person, a provider's page for residents and the contact request;
- ``budget_views``: personal budgets, their ledger and statements;
- ``finance_views``: the finance officers' pages: the council's budgets, setting one up, its lines
  and money paid in;
- ``return_views``: the quarterly returns of personal budgets.
"""

from django.urls import path

from . import budget_views, finance_views, provider_views, return_views

app_name = "care"

urlpatterns: list = [
    # micro-providers (provider_views)
    path("providers/", provider_views.providers, name="providers"),
    path("providers/find/", provider_views.find_support, name="find_support"),
    path("providers/new/", provider_views.register_provider, name="register_provider"),
    path("providers/yours/", provider_views.your_providers, name="your_providers"),
    path("providers/<int:pk>/change/", provider_views.change_provider, name="change_provider"),
    path("providers/<int:pk>/checks/", provider_views.provider_checks, name="provider_checks"),
    path("providers/<int:pk>/", provider_views.provider_page, name="provider"),
    path("providers/<int:pk>/contact/", provider_views.contact_request, name="provider_contact"),
    path("providers/<int:pk>/requests/", provider_views.contact_requests, name="provider_contact_requests"),
    path("providers/pipeline/", provider_views.pipeline, name="provider_pipeline"),
    path("providers/pipeline/<int:pk>/", provider_views.enquiry, name="provider_enquiry"),
    # personal budgets (budget_views)
    path("budgets/", budget_views.budgets, name="budgets"),
    path("budgets/<int:pk>/", budget_views.budget, name="budget"),
    path("budgets/<int:pk>/spending/", budget_views.record_spending, name="record_spending"),
    path("budgets/<int:pk>/statement/", budget_views.statement, name="budget_statement"),
    path("budgets/<int:pk>/reclaim-surplus/", budget_views.reclaim_surplus, name="reclaim_surplus"),
    path("budgets/entries/<int:pk>/correct/", budget_views.correct_entry, name="correct_budget_entry"),
    # finance officers' pages (finance_views)
    path("finance/", finance_views.finance_budgets, name="finance_budgets"),
    path("finance/set-up/", finance_views.find_person, name="finance_find_person"),
    path("finance/set-up/<uuid:person_pk>/", finance_views.set_up_budget, name="finance_set_up_budget"),
    path("finance/budgets/<int:pk>/lines/add/", finance_views.add_line, name="finance_add_line"),
    path("finance/lines/<int:pk>/change/", finance_views.change_line, name="finance_change_line"),
    path("finance/budgets/<int:pk>/pay-in/", finance_views.pay_in, name="finance_pay_in"),
    path(
        "finance/budgets/<int:pk>/contribution/",
        finance_views.record_contribution,
        name="finance_contribution",
    ),
]

# Quarterly returns of personal budgets (return_views)
urlpatterns += [
    path("budgets/returns/", return_views.returns, name="budget_returns"),
    path("budgets/returns/<int:pk>/", return_views.budget_return, name="budget_return"),
    path("budgets/returns/<int:pk>/submit/", return_views.submit_return, name="submit_budget_return"),
    path("budgets/returns/<int:pk>/query/", return_views.query_return, name="query_budget_return"),
    path("budgets/returns/<int:pk>/answer/", return_views.answer_query, name="answer_budget_return"),
    path("budgets/returns/<int:pk>/close/", return_views.close_return, name="close_budget_return"),
]
