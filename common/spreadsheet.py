"""Cells for CSV files people open in a spreadsheet.

A spreadsheet runs a cell starting ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula: a title like ``=HYPERLINK("http://evil", "click")`` in a download would act when
opened. Such text is written with a leading apostrophe, which spreadsheets show as text and which a
reader of the file can see for what it is.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """``value`` as a cell a spreadsheet shows as text and never runs as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
