"""Reads of UK geography: postcode lookup and distance queries."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from common.errors import Refusal

from .geo import Point, bounding_box, distance_expression
from .models import LSOA, DistrictSummary, LocalAuthority, Neighbourhood, Postcode, Ward

# Outward code (area, district, optional sub-district) then inward code (sector, unit).
_POSTCODE_FORMAT = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}$")


class PostcodeError(Refusal):
    """A postcode that cannot be used, with a message to show the person who typed it. It names no
    field: each caller puts it on its own postcode field (``PostcodeField``, the people API, the
    Open Referral UK API's ``postcode`` parameter)."""


class UnknownPostcode(PostcodeError):
    """A well-formed postcode this district's data does not hold: most likely somewhere else in
    the country (``postcode`` is its standard form)."""

    def __init__(self, message: str, postcode: str) -> None:
        super().__init__(message)
        self.postcode = postcode


def normalise_postcode(text: str) -> str:
    """Return a postcode in its standard form ("m154ab", " M15  4ab " -> "M15 4AB").

    Raises ``PostcodeError`` when the text cannot be a UK postcode.
    """
    compact = re.sub(r"\s+", "", text or "").upper()
    if not compact:
        raise PostcodeError("Enter a postcode.")
    formatted = f"{compact[:-3]} {compact[-3:]}"
    if len(compact) < 5 or len(compact) > 7 or not _POSTCODE_FORMAT.match(formatted):
        raise PostcodeError(f"“{text.strip()}” is not a UK postcode. Enter a postcode like M32 0TH.")
    return formatted


def find_postcode(text: str, *, allow_terminated: bool = False) -> Postcode:
    """Look up a postcode typed in any spacing or case.

    Raises ``PostcodeError`` saying what is wrong: not a postcode, not one we
    know, no known location, or no longer in use.
    """
    normalised = normalise_postcode(text)
    try:
        postcode = Postcode.objects.select_related("lsoa", "ward", "local_authority").get(postcode=normalised)
    except Postcode.DoesNotExist:
        raise UnknownPostcode(
            f"We do not know the postcode {normalised}. Check it, or try a nearby postcode.", normalised
        ) from None
    if postcode.terminated_on and not allow_terminated:
        raise PostcodeError(
            f"The postcode {normalised} stopped being used in "
            f"{postcode.terminated_on:%B %Y}. Enter the postcode in use now."
        )
    if not postcode.has_location:
        raise PostcodeError(f"The postcode {normalised} has no known location.")
    return postcode


def district_authorities() -> QuerySet[LocalAuthority]:
    """The local authorities the imported postcodes lie in: the district Closeknit serves."""
    return LocalAuthority.objects.filter(postcodes__isnull=False).distinct().order_by("name")


def district_name() -> str:
    """The district's name as residents say it ("Trafford"), from the postcodes imported."""
    names = list(district_authorities().values_list("name", flat=True))
    if not names:
        return "the district"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def within_miles(
    queryset: QuerySet,
    centre: Point,
    miles: float,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> QuerySet:
    """Rows of ``queryset`` within ``miles`` of ``centre``, nearest first.

    Each row gains ``distance_miles``. A bounding box on the (indexed)
    coordinate columns narrows the rows before the exact great-circle distance
    is computed for the few that remain.
    """
    if miles < 0:
        raise ValueError("A distance cannot be negative.")
    box = bounding_box(centre, miles)
    return (
        queryset.filter(
            **{
                f"{latitude_field}__gte": box.min_latitude,
                f"{latitude_field}__lte": box.max_latitude,
                f"{longitude_field}__gte": box.min_longitude,
                f"{longitude_field}__lte": box.max_longitude,
            }
        )
        .annotate(distance_miles=distance_expression(centre, latitude_field, longitude_field))
        .filter(distance_miles__lte=miles)
        .order_by("distance_miles")
    )


def postcodes_within_miles(centre: Point, miles: float) -> QuerySet[Postcode]:
    """Postcodes in use whose centroid is within ``miles`` of ``centre``, nearest first."""
    return within_miles(Postcode.objects.filter(terminated_on__isnull=True), centre, miles)


def neighbourhood_lsoas(neighbourhood: Neighbourhood) -> QuerySet[LSOA]:
    """The LSOAs a neighbourhood covers: those named in it, and those with postcodes in its wards."""
    return LSOA.objects.filter(
        Q(neighbourhoods=neighbourhood) | Q(postcodes__ward__neighbourhoods=neighbourhood)
    ).distinct()


def neighbourhoods_for_postcode(postcode: Postcode) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose wards or LSOAs include this postcode."""
    return Neighbourhood.objects.filter(Q(wards=postcode.ward_id) | Q(lsoas=postcode.lsoa_id)).distinct()


def _deprivation_counts(lsoas: QuerySet[LSOA]) -> tuple[int, int]:
    """(LSOAs among the 30% most deprived in England, LSOAs with IMD figures)."""
    with_imd = lsoas.filter(imd_decile__isnull=False)
    return with_imd.filter(imd_decile__lte=3).count(), with_imd.count()


def district_overview() -> dict:
    """Counts about the district: neighbourhoods, wards, deprivation. Computed afresh (a fraction
    of a second over a whole district): pages read ``stored_district_summary()`` instead, which
    the imports keep up to date through ``services.refresh_district_summary()``."""
    neighbourhoods = []
    for area in Neighbourhood.objects.prefetch_related("wards"):
        most_deprived, known = _deprivation_counts(neighbourhood_lsoas(area))
        neighbourhoods.append(
            {
                "name": area.name,
                "ward_names": [ward.name for ward in area.wards.all()],
                "lsoas": known,
                "most_deprived": most_deprived,
            }
        )
    most_deprived, known = _deprivation_counts(LSOA.objects.filter(postcodes__isnull=False).distinct())
    return {
        "neighbourhoods": neighbourhoods,
        "wards": Ward.objects.filter(postcodes__isnull=False).distinct().count(),
        "postcodes": Postcode.objects.filter(terminated_on__isnull=True).count(),
        "most_deprived_share": round(100 * most_deprived / known, 1) if known else None,
    }


def stored_district_summary() -> DistrictSummary | None:
    """The district's figures as the last import computed them, or None before any import."""
    return DistrictSummary.objects.filter(pk=1).first()
