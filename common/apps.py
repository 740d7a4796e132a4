from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared helpers every app uses (the bottom layer: imports no app).

    An app so that its template tags, partial templates and PDF base template are found."""

    name = "common"
    verbose_name = "Shared helpers"
