"""What another team is told of a person: the first word of the name they go by, never a title."""

import pytest

from people.models import Person


@pytest.mark.parametrize(
    ("full_name", "preferred_name", "told"),
    [
        ("Jane Smith", "", "Jane"),
        ("Mrs Jane Smith", "", "Jane"),
        ("Dr. Amir Khan", "", "Amir"),
        ("Mrs Smith", "", "Mrs Smith"),  # known only by title and surname: both words
        ("Mrs Jane Smith", "Janey", "Janey"),
        ("Miss", "", "Miss"),  # one word is a name, whatever it is
        ("Mark Lord", "", "Mark"),  # a title-like word later in a name is a name
        ("", "", "Someone"),
    ],
)
def test_first_name_skips_a_title(full_name, preferred_name, told):
    assert Person(full_name=full_name, preferred_name=preferred_name).first_name == told
