from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CloseknitConfig(AppConfig):
    name = "closeknit"
    verbose_name = "Closeknit"

    def ready(self) -> None:
        from directory.models import Schedule, Service
        from volunteering.models import Event, Shift, SignUp

        from .whats_on import forget

        # What's on is kept in the cache: any change to what it is made from forgets it.
        for model in (Event, Shift, SignUp, Service, Schedule):
            post_save.connect(forget, sender=model, dispatch_uid=f"whats-on-{model.__name__}-saved")
            post_delete.connect(forget, sender=model, dispatch_uid=f"whats-on-{model.__name__}-deleted")
