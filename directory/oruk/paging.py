"""The Open Referral UK page envelope, with pages found by their first row rather than counted to.

An aggregator reads every page of every feed it knows. With ``LIMIT … OFFSET …`` the database reads
and throws away every row before the page, so the last of 2,000 pages cost 2,000 times the first
(docs/performance.md). Here the first row of every page (its ordering key: name, then id) is worked
out once, in one pass of the database over the ordered keys, and kept beside the directory's other
kept reads (:mod:`directory.kept`) until the directory changes; each page is then a seek on the
``(name, id)`` index: ``WHERE (name, id) >= (first row's) ORDER BY name, id LIMIT per_page``.

The pages are the very rows ``OFFSET`` would give on the same data: a change to the directory
forgets the kept first rows with everything else, so the pages after it are counted afresh. A
change made without the saves that forget (a bulk update straight to the table) can leave a page
starting a row early or late for up to the kept time; every page is still in order and starts
where the kept key says.

Lists whose order is not plain columns (a search by words is ordered by rank; distance from a
postcode) are paged with ``OFFSET``: they are the matches of one search, far fewer than the
directory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Mod, RowNumber

from directory import kept

from . import openapi, params

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = openapi.MAX_PER_PAGE


def paginate(request, queryset: QuerySet, render: Callable[[Any], dict], kept_as: Hashable = None) -> dict:
    """The profile's page envelope around ``render(item)`` of one page of ``queryset``.

    ``queryset`` must be in a total order (ending with the primary key), so that walking the pages
    gives every row once: ties (services sharing a venue, or a name) are otherwise ordered afresh
    by the database for each page. With ``kept_as`` (what the list was asked for, all but the page)
    and an order of plain columns, each page is found by its first row (above)."""
    page = params.whole_number(request.query_params, "page", 1, minimum=1, maximum=10**6)
    per_page = params.whole_number(
        request.query_params, "per_page", DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE
    )
    columns = _plain_ordering(queryset)
    first = (page - 1) * per_page
    if kept_as is not None and columns is not None:
        total, every, starts = kept.kept(
            "oruk-page-starts", (kept_as, per_page), lambda: row_starts(queryset, columns, per_page)
        )
        if first < total:
            skip = first - first // every * every  # 0 unless pages are tiny (row_starts)
            items = list(page_from(queryset, columns, starts[first // every])[skip : skip + per_page])
        else:
            items = []
    else:
        total = queryset.count()
        items = list(queryset[first : first + per_page]) if first < total else []
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= pages,
        # True for a page with nothing on it: no matches, or a page past the last.
        "empty": not items,
        "contents": [render(item) for item in items],
    }


def _plain_ordering(queryset: QuerySet) -> list[str] | None:
    """The queryset's ordering when it is ascending columns of its own table ending with the primary
    key (what a seek can follow on an index); otherwise None."""
    ordering = list(queryset.query.order_by)
    if not ordering or ordering[-1] not in ("pk", "id") or queryset.query.distinct:
        return None
    columns = []
    for name in ordering[:-1]:
        if not isinstance(name, str) or name.startswith("-") or "__" in name:
            return None
        if name in queryset.query.annotations:
            return None
        field = queryset.model._meta.get_field(name)
        if not field.concrete or field.is_relation:
            return None
        columns.append(name)
    return [*columns, "pk"]


# At most this many first rows are kept for one list (a few hundred kB): with pages so small that
# there would be more, every n-th page's first row is kept and the pages between are counted from
# it (at most n - 1 pages' rows).
MOST_STARTS_KEPT = 2500


def row_starts(queryset: QuerySet, columns: list[str], per_page: int) -> tuple[int, int, list[tuple]]:
    """How many rows ``queryset`` has, every how many rows a first row is kept (``per_page``, or a
    multiple of it for tiny pages), and those rows' ordering keys: every row is numbered in order
    by the database, which returns only every such row."""
    total = queryset.count()
    every = per_page * max(1, math.ceil(total / per_page / MOST_STARTS_KEPT))
    keys = (
        queryset.select_related(None)
        .prefetch_related(None)
        .alias(place=Window(RowNumber(), order_by=[F(c) for c in columns]))
        .alias(step=Mod(F("place") - 1, every))
        .filter(step=0)
        .order_by(*columns)
        .values_list(*columns)
    )
    return total, every, [tuple(key) for key in keys] if total else []


def page_from(queryset: QuerySet, columns: list[str], start: tuple) -> QuerySet:
    """``queryset`` from the row whose ordering key is ``start`` on: ``(a, b, c) >= start`` written
    so that the database can seek the index on the ordering (the first column's ``>=`` bounds it)."""
    after = Q(**{f"{columns[-1]}__gte": start[-1]})
    for column, value in zip(reversed(columns[:-1]), reversed(start[:-1]), strict=True):
        after = Q(**{f"{column}__gt": value}) | (Q(**{column: value}) & after)
    return queryset.filter(Q(**{f"{columns[0]}__gte": start[0]}) & after)
