"""CivicGrid settings: every value comes from the environment, with safe defaults.

The embedded default (no variables set) is one process on SQLite with in-process tasks and a
local-memory cache. A district sets DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL.
See docs/configuration.md for every variable and docs/deployment.md for the production checklist.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from civicgrid.core.csp import policy as csp_policy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVICGRID_VAR_DIR", BASE_DIR / "var"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key():
    """SECRET_KEY from the environment; otherwise a random key kept in var/secret_key (0600).

    A pilot started with `make run` therefore gets a unique, persistent key without any set-up,
    and no installation ever runs on a key that is published in this repository.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "civicgrid.accounts.axes_app.AxesConfig",  # django-axes, named for the admin
    "civicgrid.core",
    "civicgrid.regions",
    "civicgrid.accounts",
    "civicgrid.cases",
    "civicgrid.notifications",
    "civicgrid.people",
    "civicgrid.suggest",
    "civicgrid.activities",
    "civicgrid.notices",
    "civicgrid.consult",
    "civicgrid.services",
    "civicgrid.property",
    "civicgrid.gridwork",
    "civicgrid.compounds",
    "civicgrid.volunteers",
    "civicgrid.points",
    "civicgrid.party",
    "civicgrid.scoring",
    "rest_framework.authtoken",
    "civicgrid.api",
    "civicgrid.dashboard",
    "civicgrid.resident",
    "civicgrid.ratelimit",
    "civicgrid.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (civicgrid.core.csp).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Read-your-writes for the read replica (inside the session's: its save is not the user's write).
    "civicgrid.core.replica.ReplicaMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "civicgrid.accounts.middleware.IdleTimeoutMiddleware",
    "civicgrid.accounts.middleware.MustChangePasswordMiddleware",  # a temporary password is changed first
    "civicgrid.core.middleware.AdminBadInputMiddleware",  # ids the admin's forms cannot look up → 400
    "civicgrid.core.middleware.NulQueryMiddleware",  # a NUL byte in a page's query string → 400
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicgrid.urls"
WSGI_APPLICATION = "civicgrid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicgrid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicgrid.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: one SQLite file in var/. Production: DATABASE_URL=postgres://…
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'civicgrid.sqlite3'}")
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=DB_CONN_MAX_AGE,
        # A kept connection is checked before a request reuses it, so a database restart costs the
        # requests in flight at that moment, not every request on a stale connection after it.
        conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers and the one writer work at once; IMMEDIATE makes write transactions
            # take the lock up front, so concurrent writers wait instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# A PostgreSQL streaming replica (docs/deployment.md "Read replica"): the big screen, statistics and
# exports may read there, through civicgrid.core.replica (opt-in, lag-guarded, read-your-writes).
# Without DATABASE_REPLICA_URL every read goes to DATABASE_URL, as always.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 5)  # seconds behind before reads go back
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 2)  # the lag check's cache
# After a write, this browser (and the writing thread) reads the primary for this long.
DATABASE_REPLICA_STICKY_SECONDS = env_int(
    "DATABASE_REPLICA_STICKY_SECONDS", DATABASE_REPLICA_MAX_LAG + DATABASE_REPLICA_CHECK_SECONDS
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=DB_CONN_MAX_AGE > 0
    )
    # A replica that does not answer costs a request two seconds once, then the guard skips it.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # A test run with the variable set reads the test database through the alias (never creates one on
    # a read-only server); the router sees no standby there and reads the primary. The real-replica
    # test (tests/ops/test_replica.py) points the alias at a real standby itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["civicgrid.core.replica.Router"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    # Only figures that may be a little stale live here (per process). Counters that must hold
    # across gunicorn workers (rate limits, lockouts) never do: see RATE_LIMIT_STORE and AXES_HANDLER.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions: with Redis, read from the cache and written through to the database (one query less on
# every signed-in request; a logout removes both copies). Without Redis each process would keep its
# own copy, and a session ended in one worker could live on in another: the database alone then.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# Where rate-limit counters live, shared by every worker: "redis" (the default cache's Redis) or
# "database" (the ratelimit_counter table: SQLite or PostgreSQL, one atomic upsert per request).
RATE_LIMIT_STORE = env_str("RATE_LIMIT_STORE", "redis" if REDIS_URL else "database")

# --- Background work --------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Eager tasks still take a producer from the pool; the in-memory transport keeps that from
    # reaching for an AMQP broker on localhost.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# Publishing does not wait on a broker that is down: the after-commit work then runs in the request's
# process and webhook rows wait for the periodic job (civicgrid.core.background), so nothing is lost.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_TIMEZONE = "Asia/Shanghai"
# Long jobs (civicgrid.core.longjobs: imports, large exports): their input and result files, how long
# a finished job is kept, after how long without a sign of life a job counts as interrupted, and the
# sizes below which an import or export is still done inside the request.
JOBS_ROOT = Path(env_str("JOBS_ROOT", str(VAR_DIR / "jobs")))
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
JOBS_STALL_SECONDS = env_int("JOBS_STALL_SECONDS", 1800)
JOBS_IMPORT_INLINE_KB = env_int("JOBS_IMPORT_INLINE_KB", 200)
JOBS_EXPORT_INLINE_ROWS = env_int("JOBS_EXPORT_INLINE_ROWS", 2000)
# Periodic jobs (each app registers its own, civicgrid.core.jobs). A district runs `celery -A civicgrid
# beat`; the embedded default (no broker) runs the same jobs with `manage.py run_scheduler` (`make run`).
NOTIFICATIONS_REMINDER_INTERVAL = env_int("NOTIFICATIONS_REMINDER_INTERVAL", 300)  # seconds
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 8)  # local time of the daily digest
# CELERY_BEAT_SCHEDULE is built from the apps' registered jobs (civicgrid.core.jobs, civicgrid/celery.py).

# --- Notifications --------------------------------------------------------------------------
# Channels beyond the in-app inbox (always on): "console" (logging), "email", "webhook" (an SMS or
# WeChat gateway receiving JSON signed with HMAC-SHA256 in the X-CivicGrid-Signature header).
NOTIFICATIONS_CHANNELS = env_list("NOTIFICATIONS_CHANNELS", ["console", "email", "webhook"])
NOTIFICATIONS_WEBHOOK_URL = env_str("NOTIFICATIONS_WEBHOOK_URL", "")
NOTIFICATIONS_WEBHOOK_SECRET = env_str("NOTIFICATIONS_WEBHOOK_SECRET", "")
NOTIFICATIONS_WEBHOOK_TIMEOUT = env_int("NOTIFICATIONS_WEBHOOK_TIMEOUT", 5)
NOTIFICATIONS_MAX_RETRIES = env_int("NOTIFICATIONS_MAX_RETRIES", 5)
NOTIFICATIONS_RETRY_BACKOFF = env_int("NOTIFICATIONS_RETRY_BACKOFF", 30)  # seconds, doubled per retry
# Text messages (password-reset codes, registration decisions): a class with send(phone, text),
# civicgrid.accounts.sms.BaseBackend. The default writes them to the log (the demo).
SMS_BACKEND = env_str("SMS_BACKEND", "civicgrid.accounts.sms.ConsoleBackend")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "civicgrid@localhost")

# --- Authentication and login security (MLPS level 3, GB/T 22239-2019) --------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "civicgrid.accounts.backends.PhoneOrUsernameBackend",
]
# Argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1; never lower): ~20 ms of CPU per login
# (civicgrid.accounts.hashers; `manage.py password_hash_cost` measures it). Older hashes are
# rewritten with these parameters at the next login.
PASSWORD_ARGON2_MEMORY_KIB = env_int("PASSWORD_ARGON2_MEMORY_KIB", 19 * 1024)
PASSWORD_ARGON2_TIME_COST = env_int("PASSWORD_ARGON2_TIME_COST", 2)
PASSWORD_ARGON2_PARALLELISM = env_int("PASSWORD_ARGON2_PARALLELISM", 1)
PASSWORD_HASHERS = [
    "civicgrid.accounts.hashers.CivicGridArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "civicgrid.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8)},
    },
    {
        "NAME": "civicgrid.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env_int("PASSWORD_MIN_CLASSES", 3)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failures and lockouts are counted in the database (shared by every worker, one row locked per
# account), never in a process's cache.
# Reverse proxies in front of the app (nginx: 1); the client address is read behind them
# (civicgrid.core.http.client_ip) for lockouts, the security and access logs, and rate limits.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# Lock the account, not the address: a street office's staff share one NAT address, and one
# person's typos must not lock out the whole office. (Hence axes.W006 is silenced below.)
AXES_LOCKOUT_PARAMETERS = ["username"]
# security.W021: the HSTS preload list is for public domains; CivicGrid runs on intranets.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
# A phone number and a username of one account count as one account for lockouts.
AXES_USERNAME_CALLABLE = "civicgrid.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The lockout page, except under /api/: there the API's JSON error (civicgrid.api.lockout).
AXES_LOCKOUT_CALLABLE = "civicgrid.api.lockout.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "civicgrid.core.http.client_ip"

# Idle logout: a session untouched for this long is ended on its next request.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# Behind the TLS proxy, a plain-HTTP request that reaches Django is sent to HTTPS (nginx already does
# this on port 80); the health check, probed on the loopback by monitoring, is exempt.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Content-Security-Policy (django-csp): only our own scripts and styles, no inline code, no
# framing; violations are reported to /csp-report/ and logged. See civicgrid.core.csp.
CONTENT_SECURITY_POLICY = csp_policy(tile_url=env_str("MAP_TILE_URL", ""))

# --- Internationalisation: Chinese first, English available ----------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "civicgrid" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# static/vendor is filled from node_modules by `make assets`; it is never committed.
STATICFILES_DIRS = [BASE_DIR / "civicgrid" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Maps -------------------------------------------------------------------------------------
# No external tiles by default (intranets have no internet). Set MAP_TILE_URL to an intranet
# tile server, e.g. http://tiles.example.gov/{z}/{x}/{y}.png
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
# 便民服务: how far (metres) the shops near a resident's home are listed by default (docs/configuration.md).
SERVICES_WALK_METRES = env_int("SERVICES_WALK_METRES", 1000)
# How often (seconds) a process checks whether boundaries changed elsewhere before locate().
LOCATE_REFRESH_SECONDS = env_int("LOCATE_REFRESH_SECONDS", 10)
# Tolerance (metres) for "child inside parent" when boundaries are imported.
BOUNDARY_TOLERANCE_METRES = env_int("BOUNDARY_TOLERANCE_METRES", 5)

# --- API --------------------------------------------------------------------------------------
# A CSRF failure under /api/ answers JSON like every other API error.
CSRF_FAILURE_VIEW = "civicgrid.api.exceptions.csrf_failure"
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # People: a token (POST /api/v1/auth/token/) or the signed-in session (Swagger UI);
    # applications: an API key bound to a region, a role and a rate limit (civicgrid.api).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "civicgrid.api.authentication.ApiKeyAuthentication",
        "civicgrid.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "civicgrid.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["civicgrid.api.throttling.CivicGridThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_USER_RATE", "600/min"),
        "anon": env_str("API_ANON_RATE", "120/min"),
    },
    # The address an anonymous caller is counted under: REMOTE_ADDR, or behind PROXY_COUNT proxies
    # the address the nearest of them forwarded. Unset, DRF would take the whole X-Forwarded-For
    # header, which any caller can forge to get a fresh limit on every request.
    "NUM_PROXIES": PROXY_COUNT,
    "EXCEPTION_HANDLER": "civicgrid.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "civicgrid.api.parsers.JSONParser",  # DRF's, with a nesting limit
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CivicGrid API",
    "DESCRIPTION": "网格化基层治理平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    # Redoc with the system's fonts (civicgrid.api.docs serves it without any off-site request).
    "REDOC_UI_SETTINGS": {
        "hideDownloadButton": False,
        "theme": {
            "typography": {"fontFamily": "system-ui, sans-serif", "headings": {"fontFamily": "system-ui, sans-serif"}}
        },
    },
}
# Idempotency-Key records (civicgrid.api.idempotency): kept this long, a concurrent retry waits
# this long for the first request, and a record left unfinished this long is taken over.
# JSON bodies nested deeper than this are refused with a 400 (civicgrid.api.parsers).
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)
API_IDEMPOTENCY_TTL_HOURS = env_int("API_IDEMPOTENCY_TTL_HOURS", 48)
API_IDEMPOTENCY_WAIT_SECONDS = env_int("API_IDEMPOTENCY_WAIT_SECONDS", 10)
API_IDEMPOTENCY_STALE_SECONDS = env_int("API_IDEMPOTENCY_STALE_SECONDS", 120)
# Webhooks (civicgrid.api.webhooks): how often the scheduler posts due deliveries, the request
# timeout, and the retry schedule (backoff doubled per attempt, capped; then marked failed).
API_WEBHOOK_INTERVAL = env_int("API_WEBHOOK_INTERVAL", 10)
API_WEBHOOK_TIMEOUT = env_int("API_WEBHOOK_TIMEOUT", 5)
API_WEBHOOK_BACKOFF_SECONDS = env_int("API_WEBHOOK_BACKOFF_SECONDS", 30)
API_WEBHOOK_BACKOFF_MAX_SECONDS = env_int("API_WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600)
API_WEBHOOK_MAX_ATTEMPTS = env_int("API_WEBHOOK_MAX_ATTEMPTS", 20)
# Open311 GeoReport v2 (/open311/v2/): the jurisdiction id published in discovery, and the default
# window and size of GET requests (the specification's 90 days / 1,000 requests).
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION", "civicgrid.local")
OPEN311_DEFAULT_DAYS = env_int("OPEN311_DEFAULT_DAYS", 90)
OPEN311_MAX_REQUESTS = env_int("OPEN311_MAX_REQUESTS", 1000)
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")

# --- Working time and cases (GB/T 30428, CJ/T 315; local figures) -----------
# Office hours on working days (public holidays and make-up days from chinese-calendar).
WORK_HOURS = env_str("WORK_HOURS", "09:00-12:00,13:30-17:30")
WORK_TIME_ZONE = env_str("WORK_TIME_ZONE", "Asia/Shanghai")
# Step limits used when a category sets none: h = working hours, d = working days.
CASES_DEFAULT_LIMITS = env_str("CASES_DEFAULT_LIMITS", "intake=1h,dispatch=1h,handle=3d,verify=4h")
# Deadline light: yellow from this share of the step's working-time limit, red from the second.
CASES_LIGHT_YELLOW_PERCENT = env_int("CASES_LIGHT_YELLOW_PERCENT", 80)
CASES_LIGHT_RED_PERCENT = env_int("CASES_LIGHT_RED_PERCENT", 100)
CASES_DUPLICATE_RADIUS_METRES = env_int("CASES_DUPLICATE_RADIUS_METRES", 100)
# Nearby open cases of another category are offered as duplicates when their words describe the same
# problem (a text matcher registered by the smart-intake app) and they were reported this recently.
CASES_DUPLICATE_TEXT_DAYS = env_int("CASES_DUPLICATE_TEXT_DAYS", 30)
CASES_DUPLICATE_TEXT_SIMILARITY = float(os.environ.get("CASES_DUPLICATE_TEXT_SIMILARITY", "0.6"))
# Residents' reports per account (0 = no limit).
CASES_RESIDENT_REPORTS_PER_HOUR = env_int("CASES_RESIDENT_REPORTS_PER_HOUR", 5)
CASES_RESIDENT_REPORTS_PER_DAY = env_int("CASES_RESIDENT_REPORTS_PER_DAY", 20)
# How long a process keeps its copy of the selectable categories (cases.category_cache); a change
# made in this process clears it at once.
CASES_CATEGORY_CACHE_SECONDS = env_int("CASES_CATEGORY_CACHE_SECONDS", 60)
# An unsatisfied reporter may reopen a closed case within this many days of its closure.
CASES_REOPEN_WINDOW_DAYS = env_int("CASES_REOPEN_WINDOW_DAYS", 7)
# Staff pages: queue page size and the row cap of an Excel ledger export (台账).
CASES_QUEUE_PAGE_SIZE = env_int("CASES_QUEUE_PAGE_SIZE", 50)
CASES_EXPORT_MAX_ROWS = env_int("CASES_EXPORT_MAX_ROWS", 50000)
# Case attachments: a private directory (never served as /media/; the attachment view checks
# access), size limits per kind in megabytes, counts per report, thumbnail size in pixels.
CASES_ATTACHMENT_ROOT = Path(env_str("CASES_ATTACHMENT_ROOT", str(VAR_DIR / "attachments")))
CASES_PHOTO_MAX_MB = env_int("CASES_PHOTO_MAX_MB", 10)
# Decompression bombs: a photo whose header declares more pixels, a longer side or (animated) more
# frames is refused before it is decoded.
CASES_PHOTO_MAX_MEGAPIXELS = env_int("CASES_PHOTO_MAX_MEGAPIXELS", 40)
CASES_PHOTO_MAX_SIDE = env_int("CASES_PHOTO_MAX_SIDE", 12000)
CASES_PHOTO_MAX_FRAMES = env_int("CASES_PHOTO_MAX_FRAMES", 100)
CASES_VIDEO_MAX_MB = env_int("CASES_VIDEO_MAX_MB", 50)
CASES_AUDIO_MAX_MB = env_int("CASES_AUDIO_MAX_MB", 10)
CASES_MAX_PHOTOS = env_int("CASES_MAX_PHOTOS", 9)
CASES_MAX_VIDEOS = env_int("CASES_MAX_VIDEOS", 1)
CASES_MAX_AUDIOS = env_int("CASES_MAX_AUDIOS", 1)
CASES_THUMBNAIL_PX = env_int("CASES_THUMBNAIL_PX", 320)
# Files sent as soon as they are chosen (before the report): each person may hold this many, of
# this many megabytes together, for this many hours; then they are deleted (purge_pending_uploads).
CASES_PENDING_UPLOAD_MAX_COUNT = env_int("CASES_PENDING_UPLOAD_MAX_COUNT", 20)
CASES_PENDING_UPLOAD_MAX_MB = env_int("CASES_PENDING_UPLOAD_MAX_MB", 200)
CASES_PENDING_UPLOAD_HOURS = env_int("CASES_PENDING_UPLOAD_HOURS", 24)

# --- People (base data, personal information) ---------------------------------------------------
# Keys for ID numbers and phones: PEOPLE_DATA_KEY encrypts (AES-256-GCM), PEOPLE_HASH_KEY keys the
# HMAC used for exact search. Each is 32 random bytes, base64: python -c "import base64,os;
# print(base64.urlsafe_b64encode(os.urandom(32)).decode())". On SQLite (the embedded default) keys
# are generated into var/people_keys when unset; anywhere else a missing key is a startup error
# (system check people.E001). Losing PEOPLE_DATA_KEY makes the stored numbers unreadable.


def _people_keys():
    data, hashing = env_str("PEOPLE_DATA_KEY"), env_str("PEOPLE_HASH_KEY")
    if (data and hashing) or not DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return data, hashing
    import base64

    key_file = VAR_DIR / "people_keys"
    if key_file.exists():
        stored = dict(line.split("=", 1) for line in key_file.read_text().split() if "=" in line)
    else:
        stored = {name: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() for name in ("data", "hash")}
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(f"data={stored['data']}\nhash={stored['hash']}\n")
        key_file.chmod(0o600)
    return data or stored["data"], hashing or stored["hash"]


PEOPLE_DATA_KEY, PEOPLE_HASH_KEY = _people_keys()
# Persons who moved out are anonymised this many days after moving out (the daily job).
PEOPLE_RETENTION_DAYS = env_int("PEOPLE_RETENTION_DAYS", 365)
# Door-knocking: a house not verified for this many days counts as overdue on the grid pages.
PEOPLE_VERIFY_DAYS = env_int("PEOPLE_VERIFY_DAYS", 90)
# Row caps: an import file and an export.
PEOPLE_IMPORT_MAX_ROWS = env_int("PEOPLE_IMPORT_MAX_ROWS", 200000)
PEOPLE_EXPORT_MAX_ROWS = env_int("PEOPLE_EXPORT_MAX_ROWS", 100000)

# --- Platform ---------------------------------------------------------------------------------
PLATFORM_NAME = env_str("PLATFORM_NAME", "")  # empty: the translated default below
DEFAULT_PLATFORM_NAME = _("CivicGrid 网格化治理平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}


# --- Dashboard (指挥大屏, civicgrid.dashboard) -------------------------------------------------
# The big screen refreshes its figures every DASHBOARD_REFRESH_SECONDS (≤ 30) without reloading.
DASHBOARD_REFRESH_SECONDS = min(env_int("DASHBOARD_REFRESH_SECONDS", 30), 30)
# Warning rules run every DASHBOARD_WARNING_INTERVAL seconds (run_scheduler / Celery beat); one
# rule records at most DASHBOARD_WARNINGS_PER_RUN new firings per run (the rest fire next run).
DASHBOARD_WARNING_INTERVAL = env_int("DASHBOARD_WARNING_INTERVAL", 300)
DASHBOARD_WARNINGS_PER_RUN = env_int("DASHBOARD_WARNINGS_PER_RUN", 500)
# Needs analytics snapshots are recomputed when older than this (seconds).
DASHBOARD_NEEDS_TTL = env_int("DASHBOARD_NEEDS_TTL", 3600)
