"""Simple bar charts drawn as SVG by a template (``includes/bar_chart.html``), beside a table
saying the same. No JavaScript, and they print (and go into PDFs) as they look."""

from __future__ import annotations

from .suppression import SUPPRESSED

WIDTH, BAR_HEIGHT, GAP = 640, 22, 8
# Room for the labels: about 7.5 units a character at the chart's 14-unit type, within bounds,
# and the longest label that fits the most room (a longer one is shortened, with an ellipsis).
CHARACTER, MIN_LABEL_WIDTH, MAX_LABEL_WIDTH = 7.5, 90, 330
LONGEST_LABEL = int((MAX_LABEL_WIDTH - 12) / CHARACTER)


def _fitted(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"


def bars(rows: list[dict], value_key: str = "count", missing: str = SUPPRESSED) -> dict:
    """Geometry for horizontal bars; a value of None (suppressed, unless ``missing`` says what
    else it means) draws no bar and says ``missing``."""
    labels = [_fitted(str(row["label"])) for row in rows]
    label_width = round(
        min(MAX_LABEL_WIDTH, max([MIN_LABEL_WIDTH] + [len(label) * CHARACTER + 12 for label in labels]))
    )
    values = [row[value_key] or 0 for row in rows]
    top = max(values + [1])
    room = WIDTH - label_width - 90
    drawn = []
    for n, (row, label) in enumerate(zip(rows, labels, strict=True)):
        value = row[value_key]
        width = round(room * (value or 0) / top, 1)
        drawn.append(
            {
                "label": label,
                "value": value,
                "y": n * (BAR_HEIGHT + GAP),
                "width": width,
                "text_x": label_width + width + 6,
            }
        )
    return {
        "bars": drawn,
        "height": max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "label_width": label_width,
        "missing": missing,
    }
