"""Sending introducer survey invitations: one email per invitation with its own link, once."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import SurveyInvitation

logger = logging.getLogger(__name__)


def send_invitations(survey_id: int, site_url: str = "") -> int:
    """Email each of a survey's invitations not yet sent, once. Returns how many went."""
    started = time.monotonic()
    sent = 0
    for invitation in SurveyInvitation.objects.filter(
        survey_id=survey_id, sent_at__isnull=True
    ).select_related("survey", "organisation"):
        with transaction.atomic():
            if not SurveyInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            ):
                continue
            link = site_url.rstrip("/") + reverse("outcomes:answer_survey", args=[invitation.token])
            send_mail(
                invitation.survey.title,
                f"Hello,\n\nWe would value {invitation.organisation}'s view. It takes a minute:\n\n{link}\n\n"
                f"The survey closes on {invitation.survey.closes_on:%-d %B %Y}. Thank you.\n",
                settings.DEFAULT_FROM_EMAIL,
                [invitation.email],
            )
            sent += 1
    logger.info("Sent %d invitations for survey %s in %.1f s", sent, survey_id, time.monotonic() - started)
    return sent


@task()
def send_invitations_task(survey_id: int, site_url: str = "") -> int:
    return send_invitations(survey_id, site_url)
