import factory

from places.models import LSOA, LocalAuthority, Neighbourhood, Postcode, Ward


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["code"]

    code = "E08000009"
    name = "Trafford"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    code = factory.Sequence(lambda n: f"E05{n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class LSOAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LSOA

    code = factory.Sequence(lambda n: f"E01{n:06d}")
    name = factory.Sequence(lambda n: f"Trafford {n:03d}A")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    imd_rank = 15000
    imd_decile = 5


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    postcode = factory.Sequence(
        lambda n: (
            f"M{n % 90 + 1} {n % 10}{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[(n // 20) % 20]}"
        )
    )
    latitude = 53.4465
    longitude = -2.3076
    lsoa = factory.SubFactory(LSOAFactory)
    ward = factory.SubFactory(WardFactory)
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    slug = factory.Sequence(lambda n: f"neighbourhood-{n}")
