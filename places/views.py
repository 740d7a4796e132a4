from django.shortcuts import render

from .forms import PostcodeForm
from .selectors import neighbourhoods_for_postcode, stored_district_summary


def postcode(request):
    """Which ward, neighbourhood and deprivation decile a postcode is in. Public; a GET form."""
    form = PostcodeForm(request.GET or None)
    area = None
    if form.is_bound and form.is_valid():
        found = form.cleaned_data["postcode"]
        area = {"postcode": found, "neighbourhoods": list(neighbourhoods_for_postcode(found))}
    return render(request, "places/postcode.html", {"form": form, "area": area})


def district(request):
    """The district's neighbourhoods and their deprivation, for commissioners and anyone curious.
    Public (published open data only). Read as the last import stored it, never computed here."""
    return render(request, "places/district.html", {"summary": stored_district_summary()})
