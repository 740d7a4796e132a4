from datetime import date

import factory

from accounts.tests.factories import TeamFactory
from people.models import Consent, Conversation, Introduction, IntroductionStep, Person


class PersonFactory(factory.django.DjangoModelFactory):
    """A person on a team's record, who has agreed to us keeping one."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="en_GB")
    team = factory.SubFactory(TeamFactory)
    vision = "To get out of the house more and make some friends nearby."

    @factory.post_generation
    def consented(self, create, extracted, **kwargs):
        if extracted is False:
            return
        Consent.objects.create(
            person=self,
            purpose=Consent.Purpose.KEEP_RECORD,
            method=Consent.Method.SPOKEN,
            given_on=date(2026, 1, 5),
        )


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    person = factory.SubFactory(PersonFactory)
    happened_on = date(2026, 11, 2)
    kind = Conversation.Kind.VISIT
    notes = "Talked about what a good week would look like."


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    elsewhere = "A neighbour who gardens"
    made_on = date(2026, 11, 2)

    @factory.post_generation
    def first_step(self, create, extracted, **kwargs):
        IntroductionStep.objects.create(introduction=self, status=self.status, on=self.made_on)
