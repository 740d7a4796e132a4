"""Full-text search of listings, using the database's own engine behind one interface.

SQLite: an FTS5 table (porter stemming, diacritics folded), ranked by bm25 with
the name weighted above the rest. PostgreSQL: a tsvector table with a GIN index,
ranked by ts_rank with the name at weight A. Both match every word typed, each
as a prefix ("garden" finds "gardening") except single letters, matched whole.
The side table is kept by ``index_services``, which the listing services call
after every change.

Queries join the side table with ``QuerySet.extra``: the one place Closeknit
uses it, because the ORM cannot express FTS5's table-valued MATCH.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from . import kept

TABLE = "directory_service_search"
KEYS = "directory_searchkey"
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "service_id UNINDEXED, name, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
POSTGRES_CREATE = [
    # No foreign key: Django's test flush truncates model tables without CASCADE. Entries
    # are removed by ``index_services`` and searches join on live listings only.
    f"CREATE TABLE {TABLE} (service_id uuid PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING GIN (document)",
]


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


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """Listings in ``queryset`` that contain every word of ``text``, with ``search_rank``
    (higher is more relevant). Returns ``queryset`` unchanged when there are no words."""
    terms = words(text)
    if not terms:
        return queryset
    service_table = queryset.model._meta.db_table
    join = f"{TABLE}.service_id = {service_table}.id"
    if connection.vendor == "postgresql":
        query = _postgres_query(terms)
        return queryset.extra(  # noqa: S610 - constant table name; the query is a bound parameter
            tables=[TABLE],
            where=[join, f"{TABLE}.document @@ to_tsquery('english', %s)"],
            params=[query],
            select={"search_rank": f"ts_rank({TABLE}.document, to_tsquery('english', %s))"},
            select_params=[query],
        )
    # SQLite: the index's row ids are the listings' search keys, so a listing reached another way
    # (by place) is checked against the words with a row-id seek rather than the whole match list.
    # The key table is joined by the ORM (its first join of that table takes the table's own name), so
    # filters on the listing's search facts (``search_key__days_mask``…) reuse this one join.
    return queryset.filter(search_key__isnull=False).extra(  # noqa: S610 - constant table names; bound query
        tables=[TABLE],
        where=[f"{TABLE}.rowid = {KEYS}.id", f"{TABLE} MATCH %s"],
        params=[_sqlite_query(terms)],
        select={"search_rank": f"-bm25({TABLE}, 10.0, 1.0)"},
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
            f"SELECT service_id FROM {TABLE} WHERE document @@ to_tsquery('english', %s)",  # noqa: S608
            [_postgres_query(terms)],
        )
    sql = f"SELECT service_id FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - a constant table name
    return RawSQL(sql, [_sqlite_query(terms)])  # noqa: S611 - the query is a bound parameter


def _document(service) -> tuple[str, str]:
    body = [service.provider.name, service.description, service.how_to_join, service.eligibility]
    body += [term.name for term in service.terms.all()]
    body += [f"{loc.name} {loc.city}" for loc in service.locations.all()]
    return service.name, " ".join(part for part in body if part)


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

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    ids = list(Service.objects.values_list("pk", flat=True))
    kept.forget()
    for start in range(0, len(ids), CHUNK):
        _index_chunk(ids[start : start + CHUNK])
    return len(ids)


FACTS = ["days_mask", "venues", "min_latitude", "max_latitude", "min_longitude", "max_longitude"]


def _with_facts(entry, service):
    """``entry`` (the listing's SearchKey) holding the facts a search filters on."""
    entry.days_mask = 0
    for schedule in service.schedules.all():
        entry.days_mask |= schedule.days_mask
    places = [(loc.latitude, loc.longitude) for loc in service.locations.all() if loc.latitude is not None]
    entry.venues = len(places)
    latitudes, longitudes = [p[0] for p in places], [p[1] for p in places]
    entry.min_latitude, entry.max_latitude = (min(latitudes), max(latitudes)) if places else (None, None)
    entry.min_longitude, entry.max_longitude = (min(longitudes), max(longitudes)) if places else (None, None)
    return entry


def _index_chunk(ids: list) -> None:
    from .models import SearchKey, Service

    rows = list(
        Service.objects.filter(pk__in=ids)
        .select_related("provider")
        .prefetch_related("terms", "locations", "schedules")
    )
    existing = {key.service_id: key for key in SearchKey.objects.filter(service_id__in=ids)}
    entries = [_with_facts(existing.get(s.pk) or SearchKey(service_id=s.pk), s) for s in rows]
    SearchKey.objects.bulk_update([e for e in entries if e.pk], FACTS)
    missing = [e for e in entries if not e.pk]
    if missing:
        SearchKey.objects.bulk_create(missing)
    keys = dict(SearchKey.objects.filter(service_id__in=ids).values_list("service_id", "id"))
    pk = Service._meta.pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = [pk.get_db_prep_value(i, connection) for i in ids]
            cursor.execute(f"DELETE FROM {TABLE} WHERE service_id = ANY(%s)", [keys])  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {TABLE} (service_id, document) VALUES (%s, "  # noqa: S608
                "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B'))",
                [(pk.get_db_prep_value(s.pk, connection), *_document(s)) for s in rows],
            )
            return
        # SQLite: the FTS row id is the listing's search key, so a listing found another way (by
        # place) is checked against the words with an index seek.
        rowids = list(keys.values())
        if rowids:
            marks = ", ".join(["%s"] * len(rowids))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", rowids)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, service_id, name, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [(keys[s.pk], pk.get_db_prep_value(s.pk, connection), *_document(s)) for s in rows],
        )


def create_index_table(apps, schema_editor) -> None:
    """Migration step: the side table for this database engine."""
    statements = POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else [SQLITE_CREATE]
    for statement in statements:
        schema_editor.execute(statement)


def drop_index_table(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
