from datetime import time

import factory

from accounts.tests.factories import OrganisationFactory
from directory import fulltext
from directory.models import (
    ListingStatus,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Community group {n}")
    description = "A group run by local people."
    owner = factory.SubFactory(OrganisationFactory)


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "Categories of community activity."


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    description = factory.LazyAttribute(lambda o: f"Things to do with {o.name.lower()}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Community hall {n}")
    address_1 = factory.Sequence(lambda n: f"{n} Chester Road")
    city = "Stretford"
    postal_code = "M32 0TH"
    latitude = 53.4465
    longitude = -2.3076


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published listing, indexed for search once made (call ``index`` after adding terms)."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    owner = factory.LazyAttribute(lambda o: o.provider.owner)
    name = factory.Sequence(lambda n: f"Activity {n}")
    description = "Come along and meet people."
    listing_status = ListingStatus.PUBLISHED

    @factory.post_generation
    def at(self, create, extracted, **kwargs):
        for location in extracted or []:
            ServiceAtLocation.objects.create(service=self, location=location)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if extracted:
            self.terms.set(extracted)
        fulltext.index_services([self])


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = Schedule.Frequency.WEEKLY
    byday = "TU"
    opens_at = time(10, 0)
    closes_at = time(12, 0)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        schedule = super()._create(model_class, *args, **kwargs)
        # As every service that writes sessions does: the listing's search facts hold its days.
        fulltext.index_services([schedule.service])
        return schedule
