"""Full-text search of listings, using the database's own engine behind one interface.

SQLite: an FTS5 table (porter stemming, diacritics folded), ranked by bm25 with
the name weighted above the rest; its row ids are the listings' search keys. Beside the words each
entry holds where the listing is, as words of its own (``cells``: the grid squares its venues are in,
at four sizes, and the areas it serves), so a search by words and place is one intersection inside
the index rather than every match of a broad word checked for its place.
PostgreSQL: a ``tsvector`` column on the search key itself (``directory_searchkey.document``,
outside the model, made by migration 0007) with a GIN index, ranked by ts_rank with the name at
weight A, beside a GiST index on the box around the listing's venues: words, place and the other
search facts are all on one row, so the planner can intersect the two indexes and never scan the
table for a broad word in a crowded place. Both match every word typed, each as a prefix
("garden" finds "gardening") except single letters, matched whole. ``index_services`` keeps them,
called by the listing services after every change.

Queries join the search key with ``QuerySet.extra``: the one place Closeknit uses it, because the
ORM cannot express FTS5's table-valued MATCH.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from . import kept

TABLE = "directory_service_search"
KEYS = "directory_searchkey"
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "service_id UNINDEXED, name, body, cells, tokenize = 'porter unicode61 remove_diacritics 2')"
)
# SQLite before migration 0009 (kept for migration 0002, which made it): no place words.
SQLITE_CREATE_BEFORE_CELLS = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "service_id UNINDEXED, name, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
# bm25's weight for each column, in order: service_id (never matched), the name ten times the rest,
# and the place words nothing (they decide what is found, not how well it matches).
SQLITE_RANK = f"-bm25({TABLE}, 0.0, 10.0, 1.0, 0.0)"
# PostgreSQL before migration 0007 (kept for migration 0002, which made it).
POSTGRES_CREATE = [
    f"CREATE TABLE {TABLE} (service_id uuid PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING GIN (document)",
]
# The box around a listing's venues, as the GiST index on it and the searches that use it spell it
# (the planner uses an expression index only for the same expression). Longitude is x.
KEY_AREA = (
    f"box(point({KEYS}.min_longitude, {KEYS}.min_latitude), point({KEYS}.max_longitude, {KEYS}.max_latitude))"
)
POSTGRES_KEY_COLUMNS = [
    f"ALTER TABLE {KEYS} ADD COLUMN document tsvector",
    f"CREATE INDEX {KEYS}_document ON {KEYS} USING GIN (document)",
    f"CREATE INDEX {KEYS}_area ON {KEYS} USING GIST ({KEY_AREA})",
]


def starts_from_place() -> bool:
    """Whether a search by words and place checks the words of the listings in the place's box
    (PostgreSQL: the GiST index on the box around each listing's venues reaches them directly, and
    a box holds at most a few thousand listings even in a city, where a broad word's matches run to
    hundreds of thousands). SQLite keeps its own choice (``directory.selectors._within``)."""
    return connection.vendor == "postgresql"


def words(text: str) -> list[str]:
    """The searchable words in what someone typed, lower-cased, at most 12 of them."""
    return [w.lower() for w in _WORD.findall(text or "")][:12]


def _prefix(term: str) -> bool:
    # A single letter (the "s" of "men's") is matched as a whole word: as a prefix it would match
    # almost every listing, and make the search slow for nothing.
    return len(term) > 1


def _sqlite_query(terms: list[str]) -> str:
    return " ".join(f'"{term}"*' if _prefix(term) else f'"{term}"' for term in terms)


def _postgres_query(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" if _prefix(term) else term for term in terms)


def _sqlite_words(terms: list[str]) -> str:
    # The words are looked for in the name and description only, never among the place words.
    return f"{{name body}} : ({_sqlite_query(terms)})"


# Where a listing is, as words in its SQLite index entry: for each venue, the square of a grid it is
# in at each of four sizes (a hundredth of a degree of latitude, about 1.1 km, then 4, 16 and 64
# times that; longitude squares 1.6 times as many degrees wide, about as wide as tall in Britain),
# and "cka" and the code of each area it serves. A search names the squares its box touches, at the
# smallest size that needs at most MOST_CELLS of them, and the areas of the place searched.
CELL_DEGREES = [0.01 * 4**level for level in range(4)]
LONGITUDE_STRETCH = 1.6
MOST_CELLS = 36
_NOT_CODE = re.compile(r"[^a-z0-9]")


def _cell(level: int, latitude: float, longitude: float) -> str:
    size = CELL_DEGREES[level]
    row, column = (
        math.floor((latitude + 90) / size),
        math.floor((longitude + 180) / (size * LONGITUDE_STRETCH)),
    )
    # Ends in a digit, so the porter stemmer leaves it as it is.
    return f"ckg{level}n{row}e{column}"


def _area_word(code: str) -> str | None:
    cleaned = _NOT_CODE.sub("", code.lower())
    return f"cka{cleaned}" if cleaned else None


def place_words(places: Iterable[tuple[float, float]], area_codes: Iterable[str]) -> str:
    """A listing's place words: the grid squares of its venues (latitude, longitude) at every size,
    and its service areas."""
    found = {_cell(level, lat, lon) for lat, lon in places for level in range(len(CELL_DEGREES))}
    found |= {word for code in area_codes if (word := _area_word(code))}
    return " ".join(sorted(found))


def _cells_of(box, areas: Iterable[str]) -> list[str] | None:
    """The place words a listing in ``box`` (a ``places.geo`` bounding box), or serving one of
    ``areas``, has one of; ``None`` when the box is too big for the largest squares."""
    for level, size in enumerate(CELL_DEGREES):
        rows = range(
            math.floor((box.min_latitude + 90) / size), math.floor((box.max_latitude + 90) / size) + 1
        )
        wide = size * LONGITUDE_STRETCH
        columns = range(
            math.floor((box.min_longitude + 180) / wide), math.floor((box.max_longitude + 180) / wide) + 1
        )
        if len(rows) * len(columns) <= MOST_CELLS:
            cells = [f"ckg{level}n{row}e{column}" for row in rows for column in columns]
            return cells + sorted({word for code in areas if (word := _area_word(code))})
    return None


def matching(
    queryset: QuerySet, text: str, *, by_index: bool = True, box=None, areas: Iterable[str] = ()
) -> QuerySet:
    """Listings in ``queryset`` that contain every word of ``text``, with ``search_rank``
    (higher is more relevant). Returns ``queryset`` unchanged when there are no words.

    The search key table is joined by the ORM (its first join of a table takes the table's own
    name), so filters on the listing's search facts (``search_key__days_mask``, :func:`in_area`)
    reuse this one join.

    ``box`` and ``areas`` (SQLite): the search is by place too, for listings with a venue in the
    box or serving one of the areas, so the index is asked for the words and the place words at
    once; the caller still checks the place exactly (the squares reach beyond the box).

    ``by_index=False`` (PostgreSQL) checks each listing's words where it is found, rather than
    asking the words' index first: for a search that starts from a few listings near a place. The
    planner cannot tell how many listings a word's prefix matches (it guesses 2% for "health:*",
    which matches a third of a national directory), so given the index it reads every match of a
    broad word to combine them with the few near by; the function behind ``@@``, ``ts_match_vq``,
    is the same test with no index to reach for.
    """
    terms = words(text)
    if not terms:
        return queryset
    queryset = queryset.filter(search_key__isnull=False)
    if connection.vendor == "postgresql":
        query = _postgres_query(terms)
        test = "{}.document @@ {}" if by_index else "ts_match_vq({}.document, {})"
        return queryset.extra(  # noqa: S610 - a constant table name; the query is a bound parameter
            where=[test.format(KEYS, "to_tsquery('english', %s)")],
            params=[query],
            select={"search_rank": f"ts_rank({KEYS}.document, to_tsquery('english', %s))"},
            select_params=[query],
        )
    # SQLite: the index's row ids are the listings' search keys, so a listing reached another way
    # (by place) is checked against the words with a row-id seek rather than the whole match list.
    query = _sqlite_words(terms)
    cells = _cells_of(box, areas) if box is not None else None
    if cells:
        query += f" AND cells : ({' OR '.join(cells)})"
    return queryset.extra(  # noqa: S610 - constant table names; bound query
        tables=[TABLE],
        where=[f"{TABLE}.rowid = {KEYS}.id", f"{TABLE} MATCH %s"],
        params=[query],
        select={"search_rank": SQLITE_RANK},
    )


def in_area(box) -> RawSQL | None:
    """On PostgreSQL, a condition on a query joined to the search key (by :func:`matching`): the
    listing has a venue in ``box`` (a ``places.geo`` bounding box), by the GiST index on the box
    around its venues. ``None`` on SQLite, whose searches compare the four corners."""
    if connection.vendor != "postgresql":
        return None
    return RawSQL(  # noqa: S611 - constant names; the corners are bound parameters
        f"{KEY_AREA} && box(point(%s, %s), point(%s, %s))",
        [box.min_longitude, box.min_latitude, box.max_longitude, box.max_latitude],
        output_field=BooleanField(),
    )


def ids_matching(text: str) -> RawSQL | None:
    """The ids of the listings containing every word of ``text``, as a subquery for ``pk__in``;
    ``None`` when there are no words.

    For a search that must run inside another query (service-at-location rows whose listing
    matches): :func:`matching` names the tables outright, which a subquery renames.
    """
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 - a constant table name; the query is a bound parameter
            f"SELECT service_id FROM {KEYS} WHERE document @@ to_tsquery('english', %s)",  # noqa: S608
            [_postgres_query(terms)],
        )
    sql = f"SELECT service_id FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - a constant table name
    return RawSQL(sql, [_sqlite_words(terms)])  # noqa: S611 - the query is a bound parameter


def _document(service) -> tuple[str, str]:
    """A listing's (name, body) in the index, from its model (the description the PostgreSQL SQL
    and SQLite's rows are tested against)."""
    return service.name, _body(
        [service.provider.name, service.description, service.how_to_join, service.eligibility],
        [term.name for term in service.terms.all()],
        [f"{loc.name} {loc.city}" for loc in service.locations.all()],
    )


def _body(own: list[str], terms: list[str], venues: list[str]) -> str:
    return " ".join(part for part in [*own, *terms, *venues] if part)


def index_services(services: Iterable) -> None:
    """Write (or rewrite) the search entries of these listings. Call inside their transaction.

    Works in chunks, so any number of listings stays within the database's limit on
    parameters in one statement.
    """
    ids = [s.pk for s in services]
    kept.forget()  # searches and result cards kept in the cache were made from the old facts
    for start in range(0, len(ids), CHUNK):
        _index_chunk(ids[start : start + CHUNK])


CHUNK = 500


def rebuild_all() -> int:
    """Empty the index and index every listing again. Returns how many were indexed."""
    from .models import Service

    kept.forget()
    if connection.vendor == "postgresql":
        _rebuild_all_postgres()
        return Service.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    ids = list(Service.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        _index_chunk(ids[start : start + CHUNK])
    return len(ids)


FACTS = ["days_mask", "venues", "min_latitude", "max_latitude", "min_longitude", "max_longitude"]


def _with_facts(entry, service):
    """``entry`` (the listing's SearchKey) holding the facts a search filters on, from its model."""
    places = [
        (loc.latitude, loc.longitude)
        for loc in service.locations.all()
        if loc.latitude is not None and loc.longitude is not None
    ]
    return _facts(entry, [schedule.days_mask for schedule in service.schedules.all()], places)


def _facts(entry, days_masks: list[int], places: list[tuple[float, float]]):
    entry.days_mask = 0
    for mask in days_masks:
        entry.days_mask |= mask
    entry.venues = len(places)
    latitudes, longitudes = [p[0] for p in places], [p[1] for p in places]
    entry.min_latitude, entry.max_latitude = (min(latitudes), max(latitudes)) if places else (None, None)
    entry.min_longitude, entry.max_longitude = (min(longitudes), max(longitudes)) if places else (None, None)
    return entry


@dataclass
class _Described:
    """What SQLite's index holds of one listing, read as plain rows rather than models."""

    name: str
    own: list[str]
    terms: list[str] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)
    places: list[tuple[float, float]] = field(default_factory=list)
    days_masks: list[int] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)

    def document(self) -> tuple[str, str]:
        return self.name, _body(self.own, self.terms, self.venues)

    def place_words(self) -> str:
        return place_words(self.places, self.areas)


def _described(ids: list) -> dict[Any, _Described]:
    """The listings ``ids`` as SQLite's index describes them: five queries of plain rows, no model
    instances (most of the time of indexing a national directory went on making them)."""
    from .models import Schedule, Service, ServiceArea, ServiceAtLocation

    found = {
        pk: _Described(name, [provider, description, how_to_join, eligibility])
        for pk, name, provider, description, how_to_join, eligibility in Service.objects.filter(
            pk__in=ids
        ).values_list("pk", "name", "provider__name", "description", "how_to_join", "eligibility")
    }
    terms = Service.terms.through.objects.filter(service_id__in=ids)
    for service_id, term in terms.values_list("service_id", "taxonomyterm__name"):
        found[service_id].terms.append(term)
    venues = ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "service_id", "location__name", "location__city", "location__latitude", "location__longitude"
    )
    for service_id, name, city, latitude, longitude in venues:
        found[service_id].venues.append(f"{name} {city}")
        if latitude is not None and longitude is not None:  # a venue is placed by both or neither
            found[service_id].places.append((latitude, longitude))
    for service_id, mask in Schedule.objects.filter(service_id__in=ids).values_list(
        "service_id", "days_mask"
    ):
        found[service_id].days_masks.append(mask)
    areas = ServiceArea.objects.filter(service_id__in=ids).exclude(area_code="")
    for service_id, code in areas.values_list("service_id", "area_code"):
        found[service_id].areas.append(code)
    return found


# PostgreSQL indexes a chunk of listings in two statements, in the database: their facts (an upsert
# of their keys) and then their words. The same facts and words as ``_with_facts`` and ``_document``
# (tested against each other), at a rate that builds a national directory's index in minutes.
_POSTGRES_FACTS = f"""
INSERT INTO {KEYS} (service_id, days_mask, venues, min_latitude, max_latitude, min_longitude, max_longitude)
SELECT s.id, COALESCE(d.mask, 0), COALESCE(v.venues, 0), v.min_lat, v.max_lat, v.min_lon, v.max_lon
FROM directory_service s
LEFT JOIN (
    SELECT service_id, bit_or(days_mask) AS mask FROM directory_schedule
    WHERE {{chosen}} GROUP BY service_id
) d ON d.service_id = s.id
LEFT JOIN (
    SELECT sal.service_id, count(*) AS venues,
        min(l.latitude) AS min_lat, max(l.latitude) AS max_lat,
        min(l.longitude) AS min_lon, max(l.longitude) AS max_lon
    FROM directory_serviceatlocation sal JOIN directory_location l ON l.id = sal.location_id
    WHERE {{chosen_sal}} AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
    GROUP BY sal.service_id
) v ON v.service_id = s.id
WHERE {{chosen_s}}
ON CONFLICT (service_id) DO UPDATE SET days_mask = EXCLUDED.days_mask, venues = EXCLUDED.venues,
    min_latitude = EXCLUDED.min_latitude, max_latitude = EXCLUDED.max_latitude,
    min_longitude = EXCLUDED.min_longitude, max_longitude = EXCLUDED.max_longitude
"""  # noqa: S608 - constant table names; the ids are a bound parameter
_POSTGRES_WORDS = f"""
UPDATE {KEYS} k SET document = setweight(to_tsvector('english', s.name), 'A')
    || setweight(to_tsvector('english', concat_ws(' ',
        p.name, s.description, s.how_to_join, s.eligibility, t.names, l.names)), 'B')
FROM directory_service s
JOIN directory_provider p ON p.id = s.provider_id
LEFT JOIN (
    SELECT st.service_id, string_agg(term.name, ' ') AS names
    FROM directory_service_terms st JOIN directory_taxonomyterm term ON term.id = st.taxonomyterm_id
    WHERE {{chosen_st}} GROUP BY st.service_id
) t ON t.service_id = s.id
LEFT JOIN (
    SELECT sal.service_id, string_agg(concat_ws(' ', loc.name, loc.city), ' ') AS names
    FROM directory_serviceatlocation sal JOIN directory_location loc ON loc.id = sal.location_id
    WHERE {{chosen_sal}} GROUP BY sal.service_id
) l ON l.service_id = s.id
WHERE {{chosen_s}} AND k.service_id = s.id
"""  # noqa: S608 - constant table names; the ids are a bound parameter
_CHUNK = {
    "chosen": "service_id = ANY(%(ids)s)",
    "chosen_sal": "sal.service_id = ANY(%(ids)s)",
    "chosen_st": "st.service_id = ANY(%(ids)s)",
    "chosen_s": "s.id = ANY(%(ids)s)",
}
_EVERY = dict.fromkeys(_CHUNK, "TRUE")
POSTGRES_FACTS, POSTGRES_WORDS = (sql.format(**_CHUNK) for sql in (_POSTGRES_FACTS, _POSTGRES_WORDS))
POSTGRES_FACTS_EVERY, POSTGRES_WORDS_EVERY = (
    sql.format(**_EVERY) for sql in (_POSTGRES_FACTS, _POSTGRES_WORDS)
)


def _rebuild_all_postgres() -> None:
    """Every listing's facts and words in two statements, with the indexes made afresh after
    rather than kept up row by row: a national directory's million listings in minutes."""
    with connection.cursor() as cursor:
        for index in (f"{KEYS}_document", f"{KEYS}_area"):
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
        cursor.execute(POSTGRES_FACTS_EVERY)
        cursor.execute(POSTGRES_WORDS_EVERY)
        # Django's foreign keys are checked at commit; an index cannot be made on a table with
        # checks pending, so run them now, then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        make_words_index, make_area_index = POSTGRES_KEY_COLUMNS[1:]
        cursor.execute(make_area_index)
        # The keys rewritten in the order of the place index, so the listings near one another sit
        # on the same pages: a search reads a place's few pages rather than a page per listing
        # (at a million listings, about a fifteenth of the pages). CLUSTER remembers the index, so
        # `CLUSTER directory_searchkey` now and then keeps the order as listings come and go.
        cursor.execute(f"CLUSTER {KEYS} USING {KEYS}_area")
        cursor.execute(make_words_index)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"ANALYZE {KEYS}")


def _index_chunk(ids: list) -> None:
    from .models import SearchKey, Service

    pk_field = Service._meta.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            bound = {"ids": [pk_field.get_db_prep_value(i, connection) for i in ids]}
            cursor.execute(POSTGRES_FACTS, bound)
            cursor.execute(POSTGRES_WORDS, bound)
        return
    described = _described(ids)
    existing = {key.service_id: key for key in SearchKey.objects.filter(service_id__in=ids)}
    entries = [
        _facts(existing.get(pk) or SearchKey(service_id=pk), listing.days_masks, listing.places)
        for pk, listing in described.items()
    ]
    SearchKey.objects.bulk_update([e for e in entries if e.pk], FACTS)
    missing = [e for e in entries if not e.pk]
    if missing:
        SearchKey.objects.bulk_create(missing)
    with connection.cursor() as cursor:
        keys = dict(SearchKey.objects.filter(service_id__in=ids).values_list("service_id", "id"))
        # SQLite: the FTS row id is the listing's search key, so a listing found another way (by
        # place) is checked against the words with an index seek.
        rowids = list(keys.values())
        if rowids:
            marks = ", ".join(["%s"] * len(rowids))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", rowids)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, service_id, name, body, cells) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [
                (
                    keys[pk],
                    pk_field.get_db_prep_value(pk, connection),
                    *listing.document(),
                    listing.place_words(),
                )
                for pk, listing in described.items()
            ],
        )


def move_document_to_key(apps, schema_editor) -> None:
    """Migration 0007 on PostgreSQL: the words move onto the search key, beside the facts, with a
    GiST index on the box around the venues. The keys are cleared, so every listing is indexed
    again once migrate finishes (``directory.apps.index_unindexed_listings``)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    for statement in POSTGRES_KEY_COLUMNS:
        schema_editor.execute(statement)


def move_document_back(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
    schema_editor.execute(f"DROP INDEX IF EXISTS {KEYS}_area")
    schema_editor.execute(f"ALTER TABLE {KEYS} DROP COLUMN IF EXISTS document")
    for statement in POSTGRES_CREATE:
        schema_editor.execute(statement)


def add_place_words(apps, schema_editor) -> None:
    """Migration 0009 on SQLite: the index gains the place words (FTS5 cannot add a column, so it is
    made afresh). The keys are cleared, so every listing is indexed again once migrate finishes
    (``directory.apps.index_unindexed_listings``)."""
    _remake_sqlite_index(schema_editor, SQLITE_CREATE)


def remove_place_words(apps, schema_editor) -> None:
    _remake_sqlite_index(schema_editor, SQLITE_CREATE_BEFORE_CELLS)


def _remake_sqlite_index(schema_editor, create: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    schema_editor.execute(create)


def create_index_table(apps, schema_editor) -> None:
    """Migration 0002: the side table for this database engine, as it was then."""
    statements = (
        POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else [SQLITE_CREATE_BEFORE_CELLS]
    )
    for statement in statements:
        schema_editor.execute(statement)


def drop_index_table(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
