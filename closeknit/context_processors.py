"""What every page needs: the site's name, whether it is a demo, and the navigation for this user."""

from django.conf import settings

from .navigation import navigation_for


def site(request):
    return {
        "service_name": settings.CLOSEKNIT_SITE_NAME,
        "demo_site": settings.CLOSEKNIT_DEMO,
        "navigation": navigation_for(request),
    }
