"""A session's pattern in words for the directory's templates: ``{{ schedule|in_words }}``."""

from django import template

from directory.models import Schedule
from directory.schedule_words import describe_schedule

register = template.Library()


@register.filter
def in_words(schedule: Schedule) -> str:
    return describe_schedule(schedule)
