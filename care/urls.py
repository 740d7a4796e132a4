"""Care pages. Each part's views live in their own module:

- ``provider_views``: micro-providers, their checks and the becoming-a-provider pipeline (staff),
  finding support near a person, a provider's page for residents and the contact request;
- ``budget_views``: personal budgets, their ledger, statements and quarterly returns.
"""

from django.urls import path  # noqa: F401

app_name = "care"

urlpatterns: list = [
    # micro-providers (provider_views)
    # personal budgets (budget_views)
]
