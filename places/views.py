from django.shortcuts import render

from .forms import PostcodeForm
from .selectors import neighbourhoods_for_postcode


def postcode(request):
    """Which ward, neighbourhood and deprivation decile a postcode is in. Public; a GET form."""
    form = PostcodeForm(request.GET or None)
    area = None
    if form.is_bound and form.is_valid():
        found = form.cleaned_data["postcode"]
        area = {"postcode": found, "neighbourhoods": list(neighbourhoods_for_postcode(found))}
    return render(request, "places/postcode.html", {"form": form, "area": area})
