"""Signals for apps above ``people`` that hold data about a person (outcomes, say), so that
erasure and subject access reach their records too without ``people`` depending on them."""

from django.dispatch import Signal

# Sent inside the erasure's transaction, with ``person``: remove personal data you hold about them.
person_erased = Signal()

# Sent when a subject access export is made, with ``person``: return a list of sections
# (``accounts.privacy.section``), which the export shows as they are in JSON, page and PDF.
subject_access_requested = Signal()
