from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from . import signals  # noqa: F401  (audit sign-ins)
