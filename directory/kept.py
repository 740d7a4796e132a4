"""Search answers and result cards kept in the cache until the directory changes
(:class:`common.kept.Kept`).

Listings are public and change far less often than they are searched, so a search's ordered
matches (ids and distances) and each listing's result-card details are kept. Any change to what they
are made from (a listing, its sessions, venues, categories, organisation or service areas, saved
through the models or re-indexed by ``fulltext.index_services``) forgets them.

Kept: only public facts, the same for everyone (published listings). Never anything about a person.
"""

from __future__ import annotations

from common.kept import Kept

DIRECTORY = Kept("directory:kept")
KEPT_FOR = DIRECTORY.kept_for

generation = DIRECTORY.generation
forget = DIRECTORY.forget
key = DIRECTORY.key
key_in = DIRECTORY.key_in
kept = DIRECTORY.kept
kept_each = DIRECTORY.kept_each
may_keep = DIRECTORY.may_keep
