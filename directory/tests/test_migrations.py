"""A database with listings upgrades through the directory's index migrations: indexing waits
until migrate has made every column, and a migrate backwards leaves it alone."""

from closeknit.tests.test_settings import manage

SEARCH = (
    "from directory.selectors import ListingSearch, search_listings; "
    "print([s.name for s in search_listings(ListingSearch(text='choir'))])"
)


def test_listings_are_searchable_after_upgrading_from_before_the_search_key(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"}
    assert manage("migrate", "-v0", **database).returncode == 0
    made = manage(
        "shell",
        "-c",
        "from directory.tests.factories import ServiceFactory; "
        "ServiceFactory(name='Community choir', description='Sing together')",
        **database,
    )
    assert made.returncode == 0, made.stderr
    back = manage("migrate", "directory", "0002_fulltext", "-v0", **database)
    assert back.returncode == 0, back.stderr
    forward = manage("migrate", "-v0", **database)
    assert forward.returncode == 0, forward.stderr
    found = manage("shell", "-c", SEARCH, **database)
    assert "['Community choir']" in found.stdout, found.stderr
