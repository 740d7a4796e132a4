"""Simple bar charts drawn as SVG by a template (``includes/bar_chart.html``), beside a table
saying the same. No JavaScript, and they print (and go into PDFs) as they look."""

from __future__ import annotations

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 640, 22, 8, 170


def bars(rows: list[dict], value_key: str = "count") -> dict:
    """Geometry for horizontal bars; a suppressed value (None) draws no bar and says so."""
    values = [row[value_key] or 0 for row in rows]
    top = max(values + [1])
    room = WIDTH - LABEL_WIDTH - 90
    drawn = []
    for n, row in enumerate(rows):
        value = row[value_key]
        drawn.append(
            {
                "label": row["label"],
                "value": value,
                "y": n * (BAR_HEIGHT + GAP),
                "width": round(room * (value or 0) / top, 1),
                "text_x": LABEL_WIDTH + round(room * (value or 0) / top, 1) + 6,
            }
        )
    return {
        "bars": drawn,
        "height": max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
    }
