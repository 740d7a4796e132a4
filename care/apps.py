"""Choice and control over care (issue 19): micro-providers near people, with their checks and
evidence, and personal budgets (Individual Service Funds and direct payments) people can see."""

from django.apps import AppConfig


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "care"
    verbose_name = "Choice and control over care"

    def ready(self):
        # Here, not at the top: the views import models, not loaded when apps.py is.
        from people import registries

        from . import provider_views

        # The person page's panel: find care and support near them.
        if provider_views.find_support_panel not in registries.person_panels:
            registries.person_panels.append(provider_views.find_support_panel)
