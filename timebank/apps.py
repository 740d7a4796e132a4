from django.apps import AppConfig


class TimebankConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timebank"
    verbose_name = "Timebanks and time credits"
