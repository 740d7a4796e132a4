from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from volunteering.models import Opportunity, Shift


def make_opportunity(organisation=None, **fields):
    organisation = organisation or OrganisationFactory(name="Sale parkrun")
    organiser = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=organisation)
    defaults = {
        "title": "Marshal at parkrun",
        "description": "Cheer runners on at a corner of the course.",
        "place": "Sale Water Park",
    }
    return Opportunity.objects.create(organisation=organisation, **(defaults | fields)), organiser


def make_shift(opportunity, *, places=3, days=2, hours=2):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Shift.objects.create(
        opportunity=opportunity, starts_at=starts, ends_at=starts + timedelta(hours=hours), places=places
    )
