from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .models import AuditEvent
from .services import record_audit_event


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    record_audit_event(user, AuditEvent.Action.SIGN_IN, request=request)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_audit_event(user, AuditEvent.Action.SIGN_OUT, request=request)
