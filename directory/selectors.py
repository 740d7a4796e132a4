"""Reads of the directory: search, what a person may see, and what an editor may change."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, overload
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)

from accounts.models import Role, User
from accounts.permissions import Requester, has_role, is_administrator
from common.errors import NotPermitted, NotVisible
from places.geo import Point, bounding_box, distance_expression

from . import fulltext, kept
from .models import (
    ListingProblem,
    ListingStatus,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .permissions import is_public, may_edit_listing, may_manage_listings, may_see_listing
from .timetable import LONDON, ScheduleError, Session, next_sessions

TIMES_OF_DAY = {
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(23, 59, 59)),
}


@dataclass(frozen=True)
class ListingSearch:
    """What someone is looking for. Every part is optional; parts combine with AND."""

    text: str = ""
    terms: tuple[TaxonomyTerm, ...] = ()
    near: Point | None = None
    miles: float | None = None
    covering: tuple[str, ...] = ()  # area codes (ward, LSOA, local authority) of the place searched
    # The district's area codes, for a place outside it: only listings serving the whole district
    # (a service area naming one of these codes) or online (a virtual location).
    whole_district: tuple[str, ...] = ()
    day: int | None = None  # 0 = Monday
    starts_after: time | None = None  # session opens at or after
    ends_before: time | None = None  # session closes at or before
    free_only: bool = False
    wheelchair_accessible: bool = False
    minimum_age: int | None = None  # services whose minimum age is at least this (none counts as 0)
    maximum_age: int | None = None  # services whose maximum age is at most this (none never matches)
    provider_id: str | None = None
    order: str = "relevance"  # relevance, distance or name


def public_listings() -> QuerySet[Service]:
    """Listings anyone may see: published and not closed for good."""
    return Service.objects.filter(listing_status=ListingStatus.PUBLISHED).exclude(
        status=Service.Status.DEFUNCT
    )


def _running_when(listings: QuerySet[Service], search: ListingSearch) -> QuerySet[Service]:
    if search.day is not None and fulltext.words(search.text):
        # A search by words has joined each listing's search facts, which hold the days of all its
        # sessions: that settles the day without a subquery, and rules most listings out first.
        listings = listings.alias(on_day=F("search_key__days_mask").bitand(1 << search.day)).filter(
            on_day__gt=0
        )
        if search.starts_after is None and search.ends_before is None:
            return listings
    if search.day is None and search.starts_after is None and search.ends_before is None:
        return listings
    schedules = Schedule.objects.filter(service=OuterRef("pk"))
    if search.day is not None:
        schedules = schedules.annotate(on_day=F("days_mask").bitand(1 << search.day)).filter(on_day__gt=0)
    if search.starts_after is not None:
        schedules = schedules.filter(opens_at__gte=search.starts_after)
    if search.ends_before is not None:
        schedules = schedules.filter(closes_at__lte=search.ends_before)
    return listings.filter(Exists(schedules))


def search_listings(search: ListingSearch) -> QuerySet[Service]:
    """Published listings matching ``search``.

    With ``near`` and ``miles``, each listing gains ``distance_miles`` to its
    nearest venue and only listings with a venue that close are kept; the
    venues are narrowed by a bounding box on their indexed coordinates first.
    With ``text``, listings gain ``search_rank`` (higher is better).
    """
    listings = public_listings()
    placed = search.near is not None and search.miles is not None
    # Words and a place: where the place's box is the index to start from (PostgreSQL's GiST index
    # on the box around each listing's venues), every search starts there and checks the words of
    # the listings it finds; SQLite starts from the place only when its box holds few venues, and
    # otherwise asks its full-text index for the words and the place's words at once.
    place_first = placed and bool(fulltext.words(search.text))
    if place_first and not fulltext.starts_from_place():
        place_first = _place_is_small(search.near, search.miles)  # type: ignore[arg-type]
    if search.text:
        # SQLite, a place with many venues: the index finds the words and the place words together.
        by_place = placed and not place_first
        listings = fulltext.matching(
            listings,
            search.text,
            by_index=not place_first,
            box=bounding_box(search.near, search.miles) if by_place else None,  # type: ignore[arg-type]
            areas=search.covering,
        )
    if search.terms:
        wanted = {term.pk for term in search.terms}
        wanted |= set(TaxonomyTerm.objects.filter(parent__in=wanted).values_list("pk", flat=True))
        listings = listings.filter(
            Exists(Service.terms.through.objects.filter(service=OuterRef("pk"), taxonomyterm__in=wanted))
        )
    if search.free_only:
        listings = listings.filter(cost=Service.Cost.FREE)
    if search.wheelchair_accessible:
        listings = listings.filter(
            Exists(
                ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__wheelchair_accessible=True)
            )
        )
    # The Open Referral UK profile's meaning: services whose minimum age is at least this, and whose
    # maximum age is at most this. No minimum counts as 0 (from birth); no maximum is no upper limit,
    # so a listing without one never matches a maximum (nor one without ages an impossible minimum).
    if search.minimum_age:  # a minimum of 0 or more: every listing
        listings = listings.filter(minimum_age__gte=search.minimum_age)
    if search.maximum_age is not None:
        listings = listings.filter(maximum_age__lte=search.maximum_age)
    if search.provider_id:
        listings = listings.filter(provider_id=search.provider_id)
    if search.whole_district:
        listings = listings.filter(
            Exists(ServiceArea.objects.filter(service=OuterRef("pk"), area_code__in=search.whole_district))
            | Exists(
                ServiceAtLocation.objects.filter(
                    service=OuterRef("pk"), location__location_type=Location.Type.VIRTUAL
                )
            )
        )
    listings = _running_when(listings, search)
    if search.near is not None and search.miles is not None:
        listings = _within(listings, search, search.near, search.miles, place_first=place_first)
    return listings.order_by(*_ordering(search))


# With words as well as a place, start from the place when its box holds at most this many venues.
PLACE_FIRST_VENUES = 300


def _place_is_small(near: Point, miles: float) -> bool:
    """Whether the search's bounding box holds few venues (a quick count on the coordinate index)."""
    box = bounding_box(near, miles)
    venues = Location.objects.filter(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    )[: PLACE_FIRST_VENUES + 1].count()
    return venues <= PLACE_FIRST_VENUES


def _within(
    listings: QuerySet[Service], search: ListingSearch, near: Point, miles: float, *, place_first: bool
) -> QuerySet[Service]:
    """Listings with a venue within ``miles`` of ``near`` (the search's place), each with
    ``distance_miles`` to its nearest venue, and listings with no venue that close whose service
    area covers the place searched (``search.covering``: its ward, LSOA or local authority), with
    no distance.

    Venues are narrowed by a bounding box on their indexed coordinates; the nearest distance is a
    subquery (not an aggregate) so full-text ranking still works beside it. Which listings to try
    depends on what narrows most, measured here rather than assumed:
    - no words: the listings with a venue in the box (a subquery the database starts from);
    - words and a box with few venues: those few listings, fetched first and passed as a list, so
      each listing with the words is ruled in or out by a cheap lookup;
    - words and a crowded box: the listings with the words (on SQLite, only those the index also
      finds in the grid squares around the box: ``fulltext.matching``), each checked for its distance.
    """
    covering = search.covering
    box = bounding_box(near, miles)
    in_box = ServiceAtLocation.objects.filter(
        location__latitude__gte=box.min_latitude,
        location__latitude__lte=box.max_latitude,
        location__longitude__gte=box.min_longitude,
        location__longitude__lte=box.max_longitude,
    )
    nearest = (
        in_box.filter(service=OuterRef("pk"))
        .annotate(miles=distance_expression(near, "location__latitude", "location__longitude"))
        .order_by("miles")
        .values("miles")[:1]
    )
    # The few listings whose service area covers the place, looked up once rather than per listing.
    covering_ids = list(
        ServiceArea.objects.filter(area_code__in=covering).values_list("service_id", flat=True)
    )
    covers = Q(pk__in=covering_ids)
    distance: Subquery | Case = Subquery(nearest, output_field=FloatField())
    if not fulltext.words(search.text):
        listings = listings.filter(Q(pk__in=in_box.values("service_id")) | covers)
    else:
        if place_first and not fulltext.starts_from_place():
            nearby = set(in_box.values_list("service_id", flat=True))
            listings = listings.filter(pk__in=list(nearby | set(covering_ids)))
        # The words joined each listing's search facts: the box around its venues rules most
        # listings out, and a listing with one venue (most of them) has its distance from its own row.
        in_search_box = Q(
            # PostgreSQL: the GiST index on the box around the venues; SQLite: its four corners.
            fulltext.in_area(box)
            or Q(
                search_key__max_latitude__gte=box.min_latitude,
                search_key__min_latitude__lte=box.max_latitude,
                search_key__max_longitude__gte=box.min_longitude,
                search_key__min_longitude__lte=box.max_longitude,
            )
        )
        listings = listings.filter(in_search_box | covers)
        one_venue = distance_expression(near, "search_key__min_latitude", "search_key__min_longitude")
        distance = Case(
            When(Q(search_key__venues=1) & in_search_box, then=one_venue),
            default=distance,
            output_field=FloatField(),
        )
    return listings.annotate(distance_miles=distance).filter(Q(distance_miles__lte=miles) | covers)


class _MatchesLoadedByPage(Sequence[Service]):
    """Search matches as (pk,) or (pk, distance) rows in order, each listing loaded in full (with
    ``distance_miles``) only when a page asks for it: a paginator counts the rows, and loads one
    page's listings in one query."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Service: ...

    @overload
    def __getitem__(self, index: slice) -> list[Service]: ...

    def __getitem__(self, index: int | slice) -> Service | list[Service]:
        if isinstance(index, int):
            return self._load([self.rows[index]])[0]
        return self._load(self.rows[index])

    @staticmethod
    def _load(rows: list[tuple[Any, ...]]) -> list[Service]:
        # Each listing's details are kept until the directory changes (directory.kept): a listing
        # found by many searches is loaded once, not once a search.
        loaded = kept.kept_each("listing", [row[0] for row in rows], _listings_with_details)
        listings = []
        for row in rows:
            listing = loaded.get(row[0])
            if listing is None:  # deleted since the search was kept (by a bulk delete, which forgets nothing)
                continue
            # Not a field: the distance the search measured, as its annotation gives it elsewhere.
            listing.distance_miles = row[1] if len(row) > 1 else None  # type: ignore[attr-defined]
            listings.append(listing)
        return listings


def _listings_with_details(ids: list[Any]) -> dict[Any, Service]:
    """What a result card and the API's search results show of each listing: its organisation,
    sessions and venues (not its categories, which neither shows: kept smaller, read quicker)."""
    found = Service.objects.filter(pk__in=ids).select_related("provider")
    found = found.prefetch_related(
        "schedules",
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
    )
    return {listing.pk: listing for listing in found}


def _search_key(search: ListingSearch) -> tuple[Any, ...]:
    """Everything that decides a search's matches, as plain values: every field of the search (so
    a field added later is part of the key too), categories by id and the place as coordinates."""
    parts: list[Any] = []
    for part in dataclasses.fields(search):
        value = getattr(search, part.name)
        if part.name == "terms":
            value = tuple(sorted(str(term.pk) for term in value))
        elif isinstance(value, Point):
            value = (value.latitude, value.longitude)
        parts.append((part.name, value))
    return tuple(parts)


def search_page(search: ListingSearch, number: int | str | None, per_page: int = 20) -> Page[Service]:
    """One page of search results, with every detail a results list shows.

    For searches by words or place (costly to run, and matching a bounded set), one query finds
    every match in order, which gives the count too, and a second loads just this page's listings
    in full, rather than running the whole search twice. Plain browsing counts and pages as usual.
    """
    if not fulltext.words(search.text) and search.near is None:
        # Browsing by category, day or cost: an ordinary count and page are cheap.
        page = Paginator(with_listing_details(search_listings(search)), per_page).get_page(number)
        for listing in page:
            listing.distance_miles = None  # type: ignore[attr-defined]  # not a field: no place, no distance
        return page
    columns = ["pk", "distance_miles"] if search.near is not None and search.miles is not None else ["pk"]
    # The same search gives the same matches until the directory changes (directory.kept).
    found = kept.kept(
        "matches", _search_key(search), lambda: list(search_listings(search).values_list(*columns))
    )
    return Paginator(_MatchesLoadedByPage(found), per_page).get_page(number)


def _ordering(search: ListingSearch) -> list[str | OrderBy]:
    by_distance = search.near is not None and search.miles is not None
    # Listings that cover the area but have no venue near (no distance) come after those that do.
    nearest_first: list[str | OrderBy] = [F("distance_miles").asc(nulls_last=True), "name", "pk"]
    if search.order == "distance" and by_distance:
        return nearest_first
    if search.order == "relevance" and fulltext.words(search.text):
        return ["-search_rank", "name", "pk"]
    if by_distance and search.order != "name":
        return nearest_first
    return ["name", "pk"]


def with_listing_details(listings: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a results page or the API shows for each listing, fetched in a few queries."""
    return listings.select_related("provider").prefetch_related(
        "terms",
        "schedules",
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
    )


def with_full_details(listings: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a listing's page, the Open Referral UK API and exports show, in a few queries:
    one for the listings, and one for each kind of detail (each category with its taxonomy, and each
    venue with its postcode and local authority, joined in the same query)."""
    return listings.select_related("provider").prefetch_related(
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        "schedules",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__postcode__local_authority"),
        ),
        "service_at_locations__location__accessibility_entries",
        "provider__organization_identifiers",
        "cost_options",
        "languages",
        "contacts",
        "service_areas",
        "funding",
    )


def _listing_with_full_details(ids: list[str]) -> dict[str, Service]:
    try:
        found = with_full_details(Service.objects.filter(pk__in=ids))
        return {str(listing.pk): listing for listing in found}
    except ValidationError:  # not a listing's id at all
        return {}


def listing_for_viewer(service_id: UUID | str, user: Requester | None) -> Service | None:
    """A listing to show on its page: published ones for anyone; drafts and archived ones only
    to the people who may edit them. ``None`` when this person may not see it."""
    # The listing with its details is kept until the directory changes (directory.kept); who may
    # see it is decided afresh on every request.
    listing = kept.kept_each("full", [str(service_id)], _listing_with_full_details).get(str(service_id))
    if listing is None:
        return None
    visible = is_public(listing) if user is None else may_see_listing(user, listing)
    return listing if visible else None


def listing_to_edit(user: Requester, service_id: UUID | str) -> Service:
    """The listing an editor opens to change. Refuses with ``NotVisible`` when there is no such
    listing or this person may not see it (another organisation's draft), and ``NotPermitted`` when
    they may see it but not change it."""
    listing = Service.objects.filter(pk=service_id).first()
    if listing is None or not may_see_listing(user, listing):
        raise NotVisible()
    if not may_edit_listing(user, listing):
        raise NotPermitted("You can only change your own organisation's listings.")
    return listing


def edited_venue(listing: Service | None) -> ServiceAtLocation | None:
    """The venue the editors' form shows and changes: the listing's first, in a fixed order.

    A listing can meet at more than one venue (an import brings them); the form edits this one and
    every other venue is kept as it is."""
    if listing is None:
        return None
    return listing.service_at_locations.select_related("location").order_by("pk").first()


def other_venues(listing: Service | None) -> QuerySet[ServiceAtLocation]:
    """The listing's venues besides the one the editors' form changes, kept as they are on a save."""
    if listing is None:
        return ServiceAtLocation.objects.none()
    shown = edited_venue(listing)
    venues = listing.service_at_locations.select_related("location").order_by("location__name", "pk")
    return venues.exclude(pk=shown.pk) if shown else venues


def listings_editable_by(user: Requester) -> QuerySet[Service]:
    """The listings ``user`` may change: every one for an administrator, their organisation's for
    an organisation editor, none for anyone else (``permissions.may_edit_listing`` for one)."""
    if is_administrator(user):
        return Service.objects.all()
    if isinstance(user, User) and has_role(user, Role.ORGANISATION_EDITOR) and user.organisation_id:
        return Service.objects.filter(owner_id=user.organisation_id)
    return Service.objects.none()


def categories() -> QuerySet[TaxonomyTerm]:
    """Every category, by name: what an editor may file a listing under (the same for everyone)."""
    return TaxonomyTerm.objects.order_by("name")


def top_level_categories() -> QuerySet[TaxonomyTerm]:
    """The categories a search offers (each finds its subcategories too): public, the same for all."""
    return TaxonomyTerm.objects.filter(parent__isnull=True)


def editor_listings_summary(listings: QuerySet[Service]) -> QuerySet[Service]:
    """An editor's listings with their counts of open problems, the longest unchecked first."""
    return (
        listings.select_related("provider")
        .annotate(open_problems=Count("problems", filter=Q(problems__resolved_at__isnull=True)))
        .order_by("last_checked", "name")
    )


def open_problems(listings: QuerySet[Service]) -> QuerySet[ListingProblem]:
    """The problems reported on ``listings`` that nobody has dealt with yet, oldest first."""
    return (
        ListingProblem.objects.filter(service__in=listings.values("pk"), resolved_at__isnull=True)
        .select_related("service")
        .order_by("created_at")
    )


# How many schedules a day's look-up reads for each session it gives: a schedule that meets on this
# weekday may still not meet this week (every other week, the first Tuesday of the month).
_SCHEDULES_READ_PER_SESSION = 4


def _sessions_on(day: date, want: int, now: datetime) -> list[Session]:
    """Up to ``want`` public listings' sessions on ``day`` not yet started, earliest first. The
    dates come from each schedule's own rule (``timetable.next_sessions``), as on a listing's page."""
    begins = max(datetime.combine(day, time.min, tzinfo=LONDON), now.astimezone(LONDON))
    if begins.date() != day or want <= 0:
        return []
    schedules = (
        Schedule.objects.filter(service__in=public_listings().values("pk"))
        .annotate(on_day=F("days_mask").bitand(1 << day.weekday()))
        .filter(Q(on_day__gt=0) | ~Q(bymonthday=""))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("service")
        .order_by(F("opens_at").asc(nulls_last=True), "service__name", "pk")
    )
    if begins.time() != time.min:
        schedules = schedules.filter(opens_at__gte=begins.time().replace(microsecond=0))
    sessions: list[Session] = []
    for schedule in schedules[: want * _SCHEDULES_READ_PER_SESSION]:
        try:
            upcoming = next_sessions(schedule, begins, 1)
        except ScheduleError:
            continue
        if upcoming and upcoming[0].starts.date() == day:
            sessions.append(upcoming[0])
            if len(sessions) == want:
                break
    return sessions


def occurrences_between(
    start: date, end: date, limit: int, *, per_day: int | None = None, now: datetime | None = None
) -> list[Session]:
    """Sessions of public listings' regular groups and activities from ``start`` to ``end``
    (inclusive) not yet started, by day and then time: at most ``limit`` in all and ``per_day`` on
    any one day. One query a day at most, each reading a bounded number of schedules, so a home
    page can ask for a handful cheaply. Each session's ``schedule.service`` is its listing."""
    now = now or datetime.now(tz=LONDON)
    found: list[Session] = []
    day = start
    while day <= end and len(found) < limit:
        found += _sessions_on(day, min(limit - len(found), per_day or limit), now)
        day += timedelta(days=1)
    return found


def listings_to_check(user: Requester, today: date) -> dict[str, int]:
    """For an organisation editor's home: how many of their organisation's published listings are
    past their review date, and how many problems reported on their listings nobody has dealt with.
    Zeros for anyone who does not look after listings (an administrator sees every listing in the
    back office, not here)."""
    if not (may_manage_listings(user) and isinstance(user, User) and user.organisation_id):
        return {"due": 0, "problems": 0}
    listings = Service.objects.filter(owner_id=user.organisation_id)
    checked = listings.filter(listing_status=ListingStatus.PUBLISHED).exclude(status=Service.Status.DEFUNCT)
    due = sum(
        1
        for last_checked, interval in checked.values_list("last_checked", "review_interval_days")
        if last_checked + timedelta(days=interval) < today
    )
    return {"due": due, "problems": open_problems(listings).count()}
