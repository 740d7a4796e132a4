from django.apps import AppConfig

from common.schema import fully_migrated
from people.signals import person_erased, subject_access_requested


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = "Outcomes and evaluation"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(ensure_shipped_instruments, sender=self)
        person_erased.connect(forget_person, dispatch_uid="outcomes.forget_person")
        subject_access_requested.connect(what_we_hold, dispatch_uid="outcomes.what_we_hold")


def forget_person(sender, person, **kwargs):
    """Erasure: the evidence written about outcomes goes; the scores and events stay, as counts."""
    from .models import OutcomeEvent

    OutcomeEvent.objects.filter(person=person).update(evidence="")


def what_we_hold(sender, person, **kwargs):
    """Questionnaire answers, goal ratings and outcomes, as subject access sections."""
    # Here, not at the top: accounts.privacy imports models, which are not loaded when apps.py is.
    from accounts.privacy import section

    from .models import GoalRating, OutcomeEvent, Response

    return [
        section(
            "questionnaires",
            "Questionnaires",
            [
                {
                    "instrument": r.instrument.name,
                    "on": r.on.isoformat(),
                    "answers": r.answers,
                    "scores": r.scores,
                }
                for r in Response.objects.filter(person=person).select_related("instrument")
            ],
        ),
        section(
            "goal_ratings",
            "How far they feel they have come with their goals",
            [
                {"goal": r.goal.description, "on": r.on.isoformat(), "rating": r.rating}
                for r in GoalRating.objects.filter(goal__person=person).select_related("goal")
            ],
        ),
        section(
            "outcomes",
            "Outcomes",
            [
                {"what": e.get_kind_display(), "on": e.on.isoformat(), "evidence": e.evidence}
                for e in OutcomeEvent.objects.filter(person=person)
            ],
        ),
    ]


def ensure_shipped_instruments(sender, using="default", **kwargs):
    """After every migrate (and test flush), the shipped instruments exist in their current form."""
    from .builtin import INSTRUMENTS
    from .models import Instrument
    from .services import load_instrument

    if not fully_migrated("outcomes", using):
        return
    for definition in INSTRUMENTS:
        if (
            not Instrument.objects.using(using)
            .filter(code=definition["code"], version=definition["version"])
            .exists()
        ):
            load_instrument(definition, builtin=True)
