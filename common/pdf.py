"""PDF copies of pages (statements, subject access exports), drawn by WeasyPrint from the same
templates the pages use. WeasyPrint is optional (the ``pdf`` extra, which needs Pango): without
it, ``pdf_available`` is false and pages offer printing instead.

The PDF is made from our own HTML and stylesheet only: it fetches nothing from the network or
the disk (``allowed_protocols`` is empty), so a page can never make the server read a file."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

STYLESHEET = "closeknit/css/closeknit.css"

# WeasyPrint reports every screen-only rule of the GOV.UK stylesheet it skips; only errors matter.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)


@cache
def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # not installed, or Pango missing
        return False
    return True


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    """The page ``template`` (extending ``pdf_base.html`` when ``for_pdf``) as a PDF attachment."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context | {"for_pdf": True}, request=request)
    fetcher = URLFetcher(allowed_protocols=())
    stylesheets = (
        [weasyprint.CSS(filename=path, url_fetcher=fetcher)] if (path := finders.find(STYLESHEET)) else []
    )
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=stylesheets)
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
