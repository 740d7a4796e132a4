from django.shortcuts import render

from places.selectors import district_overview


def home(request):
    return render(request, "closeknit/home.html", {"district": district_overview()})


def about_data(request):
    return render(request, "closeknit/about_data.html")


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: nothing here may need the database.
    return render(request, "500.html", {"site_name": "Closeknit", "demo_site": False}, status=500)
