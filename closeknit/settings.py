"""Closeknit settings: one module, read from environment variables.

Development needs nothing set: SQLite beside the code, DEBUG on, a throwaway
secret key. With ``CLOSEKNIT_ENV=production`` the site refuses to start unless
a real secret key and allowed hosts are given and DEBUG is off, and it turns on
every HTTPS protection ``manage.py check --deploy`` looks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number, at least {minimum}, not {value!r}.")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("CLOSEKNIT_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("CLOSEKNIT_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "in production (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host(s) in production.")
elif not SECRET_KEY:
    SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "common",  # the shared helpers: template tags, partials, the PDF base (no models)
    "closeknit",
    "places",
    "accounts",
    "directory",
    "people",
    "timebank",
    "volunteering",
    "lending",
    "transport",
    "care",
    "outcomes",
    "neighbourhoods",
    "matching",
    "grants",
]

MIDDLEWARE = [
    # First: /health/ answers monitors before host checks, HTTPS redirects and sign-in (common.health).
    "common.health.HealthCheckMiddleware",
    # Before anything reads the database: which reads may go to a replica (common.replicas).
    "common.replicas.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so every page gets the policy, even one another middleware answers with.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.audit.AuditTrailMiddleware",  # one VIEW event per person a successful response shows
    # Last, so it sees a view's exception first: a NotPermitted or NotVisible refusal that escapes a
    # view is a 403 or 404, never a 500 (common.errors).
    "common.errors.RefusalMiddleware",
]

if PRODUCTION:
    # Serves the collected static files; in development runserver serves them from the apps.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "closeknit.urls"
WSGI_APPLICATION = "closeknit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "closeknit.context_processors.site",
            ],
        },
    },
]

# Database: SQLite (WAL) beside the code unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
# How long a process keeps its database connection between requests (DATABASE_CONN_MAX_AGE,
# seconds). SQLite: by default for the life of the process, since opening one costs every request
# 2-3 ms of CPU (Django registering its SQL functions, the PRAGMAs below) and, on a busy disk, up to
# 100 ms waiting for the files (docs/performance.md). PostgreSQL: 0 by default (closed after each
# request), as each open connection is a server process.
_conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE", "")
DATABASES["default"]["CONN_MAX_AGE"] = (
    int(_conn_max_age)
    if _conn_max_age
    else (None if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 0)
)
# Behind PgBouncer in transaction mode (docs/operations.md, Scaling out): a server-side cursor (what
# QuerySet.iterator() uses on PostgreSQL) must stay on one server connection between statements,
# which transaction pooling does not promise; with this on, iterator() reads with a plain cursor.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Read replicas (DATABASE_REPLICA_URLS, comma-separated PostgreSQL URLs of hot standbys): reads that
# may be a moment stale go to them, everything else to the primary (common.replicas). A browser that
# wrote reads the primary for DATABASE_REPLICA_PIN_SECONDS, so it sees its own change at once.
_replica_urls = env_list("DATABASE_REPLICA_URLS")
if _replica_urls and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL to name a PostgreSQL primary.")
DATABASE_REPLICAS = []
for _number, _url in enumerate(_replica_urls, start=1):
    _replica = dj_database_url.parse(_url)
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: replica {_number} is not a PostgreSQL URL.")
    # Tests never make a database on a replica: it follows the primary's test database.
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        DISABLE_SERVER_SIDE_CURSORS=DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"],
        TEST={"MIRROR": "default"},
    )
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["common.replicas.ReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {
            # Django's Redis cache, which falls back to each process's memory while Redis is away.
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "SOCKET_TIMEOUT_MS": env_int("REDIS_TIMEOUT_MS", 500, minimum=1),
            "PAUSE_SECONDS": env_int("REDIS_PAUSE_SECONDS", 10, minimum=1),
        }
        if os.environ.get("REDIS_URL")
        # Each process's own memory. Room for the directory's kept searches, cards and listings
        # (directory.kept; a few kB each): at the default 300 a few dozen searches evict each other.
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A link to reset a forgotten password works once, for an hour (confirming an email address on
# sign-up has its own 3 days: accounts.registration).
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout: five failed sign-ins for one email from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Count attempts by the trimmed, lower-cased email that signing in looks the account up by.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind a load balancer or reverse proxies: how many of them append to X-Forwarded-For
# (common.network). 0 reads the connection's own address.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or "0")
except ValueError:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number (0 for no proxy).") from None
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "common.network.lockout_address"

OTP_TOTP_ISSUER = os.environ.get("CLOSEKNIT_SITE_NAME", "Closeknit")
# Belt and braces: accounts.admin replaces django_otp's device admins with ones that show no secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Background tasks (emails, imports) wait in the database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# /health/ reports the task queue "stalled" once a ready task has waited this long (seconds; 0: never).
HEALTH_TASK_MAX_WAIT = int(os.environ.get("HEALTH_TASK_MAX_WAIT", "900"))
# Suggestions by meaning: listings' vectors from the bundled embedding model (docs/matching.md).
# Off, or without the `matching` extra installed, suggestions use keyword similarity only.
MATCHING_EMBEDDINGS = env_bool("MATCHING_EMBEDDINGS", True)
# Threads numpy's BLAS uses for the suggestions' matrix product, in each process. One: a web server
# runs a process per core, and on a busy machine two threads of one product wait on each other
# (docs/performance.md, "Suggestions").
_blas_threads = os.environ.get("MATCHING_BLAS_THREADS", "1")
if not _blas_threads.isdigit() or int(_blas_threads) < 1:
    raise ImproperlyConfigured(
        f"MATCHING_BLAS_THREADS must be a whole number, 1 or more, not {_blas_threads!r}."
    )
MATCHING_BLAS_THREADS = int(_blas_threads)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "common.openapi.AutoSchema",  # adds the shared 400/403/404 answers
    # A service's refusal (Django's ValidationError naming the field) answers as the described 400.
    "EXCEPTION_HANDLER": "common.api_errors.handle_api_exception",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Closeknit API",
    "DESCRIPTION": "Closeknit's REST API, and its Open Referral UK (HSDS-UK 3.0) API at /oruk/.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "IntroductionStatusEnum": "people.models.Introduction.Status",
        "ExchangeStatusEnum": "timebank.models.Exchange.Status",
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "closeknit@localhost")

# A referral form sent back sooner than this after it was drawn is refused: a person takes longer.
REFERRAL_FORM_MIN_SECONDS = float(os.environ.get("REFERRAL_FORM_MIN_SECONDS", "3"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "closeknit.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# What the site calls itself and whose data it shows, for the header and footer.
CLOSEKNIT_SITE_NAME = OTP_TOTP_ISSUER
CLOSEKNIT_DEMO = env_bool("CLOSEKNIT_DEMO", not PRODUCTION)

# Content-Security-Policy: scripts, styles and everything else come only from this site's own
# files, so an injected <script>, onclick= or javascript: link does not run. No inline script or
# style anywhere (the API docs page loads its own from files too); data: images are for GOV.UK
# Frontend's and Swagger UI's icons. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
