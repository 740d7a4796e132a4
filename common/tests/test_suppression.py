"""A withheld count explains itself: "fewer than 5" in the cell, why it is withheld for a screen
reader, and a note under any table holding one."""

from django.template.loader import render_to_string

from common.charts import bars
from common.suppression import WHY_SUPPRESSED, any_suppressed, shown
from common.templatetags.closeknit_figures import figure, share


def _table(rows, **extra):
    return render_to_string(
        "includes/count_table.html", {"rows": rows, "caption": "By ward", "heading": "Ward"} | extra
    )


def test_a_withheld_cell_says_fewer_than_5_and_why_and_the_table_has_the_note():
    html = _table([{"label": "Bowdon", "count": shown(3)}, {"label": "Sale", "count": shown(12)}])
    assert ">fewer than 5</span>" in html
    assert '<span class="govuk-visually-hidden"> (withheld so that no one can be picked out)</span>' in html
    assert WHY_SUPPRESSED in html
    assert ">12<" in html


def test_a_table_with_nothing_withheld_has_no_note():
    html = _table([{"label": "Sale", "count": 12}])
    assert "fewer than 5" not in html and "withheld" not in html


def test_a_withheld_not_known_row_brings_the_note_too():
    html = _table([{"label": "Sale", "count": 12}], unknown=True, unknown_count=None)
    assert "Not known" in html and "It is withheld so that no one can be picked out" in html


def test_figure_and_any_suppressed():
    assert figure(7) == "7" and figure(0) == "0"
    assert figure(None).startswith('<span class="ck-suppressed">fewer than 5</span>')
    assert figure(None, "start").startswith('<span class="ck-suppressed">Fewer than 5</span>')
    assert any_suppressed([{"count": 5}, {"count": None}]) and not any_suppressed([{"count": 5}])
    assert any_suppressed([{"first": None}], "first") and not any_suppressed([])


def test_a_chart_says_what_a_missing_value_means():
    assert bars([{"label": "Sale", "count": None}])["missing"] == "fewer than 5"
    chart = bars([{"label": "Falls", "count": None}], missing="no reading yet")
    html = render_to_string("includes/bar_chart.html", {"chart": chart, "title": "Progress"})
    assert "no reading yet" in html and "fewer than 5" not in html


def test_a_withheld_share_is_a_dash_said_as_withheld():
    assert share(12.5) == "12.5%"
    withheld = share(None)
    assert '<span aria-hidden="true">–</span>' in withheld
    assert '<span class="govuk-visually-hidden">withheld: it rests on fewer than 5</span>' in withheld
