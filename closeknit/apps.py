from django.apps import AppConfig


class CloseknitConfig(AppConfig):
    name = "closeknit"
    verbose_name = "Closeknit"
