"""Settings for bench/pages.py only: the product's own settings (run with CLOSEKNIT_ENV=production),
static files collected into the bench's scratch folder, and a URLconf that adds the bare view."""

import os

from closeknit.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
ROOT_URLCONF = "_pages_urls"

# BENCH_KEPT=off: nothing is kept (Django's dummy cache), so every request works its page out afresh,
# as the first request after a change does: the "miss" figures beside the kept ("hit") ones.
if os.environ.get("BENCH_KEPT") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
