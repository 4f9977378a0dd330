"""Townhall settings: one module, driven by environment variables with safe defaults.

Production is any run with DEBUG off and TOWNHALL_HTTPS=1 (secure cookies, HSTS, SSL
redirect). The demo (TOWNHALL_DEMO=1) writes mail and SMS to files under var/.
"""

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("TOWNHALL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("TOWNHALL_DEMO", False)
HTTPS = env_bool("TOWNHALL_HTTPS", False)
# Under pytest, tasks run inline and static files come from the finders.
TESTING = env_bool("TOWNHALL_TESTING", "pytest" in sys.modules)

# A stable key for local runs only. Production refuses to start with it: the security check
# (core/checks.py) names it with every other secret still at a demo default, in one list.
SECRET_KEY = env("SECRET_KEY", "") or "insecure-local-only-" + "k" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
COUNCIL_NAME = env("COUNCIL_NAME", "Kingsmead Borough Council")

INSTALLED_APPS = [
    "townhall.accounts.admin_apps.TownhallAdminConfig",  # django.contrib.admin, 2FA site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Bottom floor first: core, accounts, places; then integrations; domain; doors.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "townhall.core",
    "townhall.accounts",
    "townhall.places",
    "townhall.integrations",
    "townhall.catalogue",
    "townhall.eforms",
    "townhall.cases",
    "townhall.bookings",
    "townhall.workflow",
    "townhall.contractors",
    "townhall.payments",
    "townhall.permits",
    "townhall.records",
    "townhall.waste",
    "townhall.builder",
    "townhall.portal",
    "townhall.desk",
    "townhall.desk.contact",
    "townhall.api",
    "townhall.open311",
]
# The demo council (load_demo) and the synthetic data behind the tests sit on top of every
# app and nothing imports them, so a production install leaves them out: installed only in
# demo mode and under the tests.
if DEMO or TESTING:
    INSTALLED_APPS.append("townhall.demo")

MIDDLEWARE = [
    "townhall.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions, auth and CSRF: a kept public page costs none of them (issue 18).
    "townhall.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in resident's chosen language when this visit chose none.
    "townhall.accounts.middleware.AccountLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "townhall.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "townhall.core.middleware.NoStoreForPersonalDataMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "townhall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "townhall.core.context_processors.council",
                "townhall.accounts.context_processors.permissions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'townhall.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (Redis) when app servers are more than one; per-process memory otherwise.
REDIS_URL = env("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "townhall.core.cache.ClientReusingRedisCache",
            "LOCATION": REDIS_URL,
            # Redis down or unreachable is a cache miss, fast: see townhall/core/cache.py.
            "OPTIONS": {
                "socket_connect_timeout": float(env("REDIS_TIMEOUT_SECONDS", "0.5")),
                "socket_timeout": float(env("REDIS_TIMEOUT_SECONDS", "0.5")),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["townhall.accounts.backends.EmailBackend"]
# Signed-in users are read from the shared cache instead of the database on every request;
# every save of a user clears it. Off with a per-process cache, which one process cannot clear
# for the others.
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300 if REDIS_URL else 0)
# A resident's My Account lists, rendered, are kept in the shared cache until their cases or
# saved forms change (every process and worker must share the cache, so Redis only).
MY_ACCOUNT_KEEP_SECONDS = env_int("MY_ACCOUNT_KEEP_SECONDS", 600 if REDIS_URL else 0)
# The desk queue's filter and bulk-assign lists, rendered, kept until what they list changes
# (desk/lists.py, generation keys); the seconds only bound memory. Redis only, as above.
DESK_LISTS_KEEP_SECONDS = env_int("DESK_LISTS_KEEP_SECONDS", 3600 if REDIS_URL else 0)
# Public pages kept whole for anonymous visitors (core/pagecache.py) until what they show
# changes (generation keys); the seconds only bound memory. Redis only, as above: a
# per-process cache would keep serving a page another process's save has made stale.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 3600 if REDIS_URL and not TESTING else 0)
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "portal:my_account"
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
# NCSC guidance: length and a deny-list of common/breached passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "townhall.accounts.validators.BreachedPasswordValidator"},
]

# Sessions: idle and absolute timeouts (the warning lets people extend, WCAG 2.2.1).
# Sessions live in the database, read through the cache only when that cache is shared
# (Redis): a per-process cache would hand other workers stale sessions.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# Staff sign in with a password and a code from an authenticator app (TOTP). Required in
# production; in the demo a member of staff may set it up, and is then asked for it.
STAFF_2FA_REQUIRED = env_bool("TOWNHALL_STAFF_2FA_REQUIRED", HTTPS and not DEMO)
OTP_TOTP_ISSUER = COUNCIL_NAME
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next try

SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
# Staff reach every resident's personal data: an unattended desk signs itself out sooner.
STAFF_SESSION_IDLE_TIMEOUT = env_int("STAFF_SESSION_IDLE_TIMEOUT", 15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_WARNING_BEFORE = 5 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling: a short wait after repeated failures, never a lock. Per account: after
# LOGIN_THROTTLE_FAILURES failures within the window, the next try waits LOGIN_THROTTLE_FIRST_WAIT,
# doubling with each further failure up to LOGIN_THROTTLE_MAX_WAIT. Per IP address the same,
# from LOGIN_THROTTLE_IP_FAILURES (a library or council office shares one address).
LOGIN_THROTTLE_FAILURES = env_int("LOGIN_THROTTLE_FAILURES", 5)
LOGIN_THROTTLE_IP_FAILURES = env_int("LOGIN_THROTTLE_IP_FAILURES", LOGIN_THROTTLE_FAILURES * 4)
LOGIN_THROTTLE_WINDOW = timedelta(minutes=env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 60))
LOGIN_THROTTLE_FIRST_WAIT = timedelta(seconds=env_int("LOGIN_THROTTLE_FIRST_WAIT_SECONDS", 60))
LOGIN_THROTTLE_MAX_WAIT = timedelta(minutes=env_int("LOGIN_THROTTLE_MAX_WAIT_MINUTES", 15))
# The load balancers and reverse proxies in front of Townhall (addresses or CIDR ranges). Only
# from these is X-Forwarded-For believed (townhall.core.client_address); empty: nobody's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
MAGIC_LINK_MAX_AGE = 15 * 60

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
# Same URLs in both languages (ADR 0017): the choice is kept in this cookie for the visit and on
# the resident's account; the page cache keys on it (townhall.core.pagecache._key).
LOCALE_PATHS = [BASE_DIR / "townhall" / "locale"]
LANGUAGE_COOKIE_NAME = "th_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "townhall" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: uploads go through permission-checked views

# Uploads: photos and documents, checked by content (see townhall.eforms.uploads).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_FILES = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background work: Django's tasks API (DEP 14) with the database backend.
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default", "notifications", "workflow", "payments"],
    }
}

# Long-running processes (see townhall/core/workers.py and docs/deploy/). Each writes a
# heartbeat this often; /readyz wants one of each kind in READYZ_WORKER_KINDS no older than
# READYZ_HEARTBEAT_MAX_AGE seconds.
HEARTBEAT_SECONDS = float(env("HEARTBEAT_SECONDS", "10"))
READYZ_HEARTBEAT_MAX_AGE = float(env("READYZ_HEARTBEAT_MAX_AGE", "60"))
READYZ_WORKER_KINDS = env_list(
    "READYZ_WORKER_KINDS", ["tasks", "outbox", "workflow_clock", "payments_clock"]
)
# A task still RUNNING when its worker's heartbeat is this old is given to another worker.
TASKS_LEASE_SECONDS = float(env("TASKS_LEASE_SECONDS", "60"))
# Retries of failed tasks (transient errors, or any error for tasks that declare it).
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 10)
TASKS_RETRY_BASE_SECONDS = float(env("TASKS_RETRY_BASE_SECONDS", "2"))
TASKS_RETRY_CAP_SECONDS = float(env("TASKS_RETRY_CAP_SECONDS", "300"))
# The clock's sweep opens what was accepted but has had no case for this long.
RECONCILE_AFTER_SECONDS = float(env("RECONCILE_AFTER_SECONDS", "120"))

# Notifications: email through Django's backends, SMS through our channel abstraction.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "townhall.integrations.notify.backends.OneFilePerMessageEmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Kingsmead Borough Council <noreply@example.gov.uk>")
NOTIFY_CHANNEL = env("NOTIFY_CHANNEL", "django")  # "django" or "govuk_notify"
NOTIFY_API_KEY = env("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# The generic templates (one ((body)) placeholder) used when a service has none of its own.
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", "")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", "")
NOTIFY_LETTER_TEMPLATE_ID = env("NOTIFY_LETTER_TEMPLATE_ID", "")
# The bearer token GOV.UK Notify sends with delivery-status callbacks (set in Notify's settings).
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN", "")
LETTER_FILE_PATH = str(VAR_DIR / "letters")

# GOV.UK Pay: on when PAY_BASE_URL is set. The demo and the tests use the local sandbox
# (scripts/pay_sandbox.py) and its public key and secret; elsewhere Pay is off until it is
# configured, and then must have its own key and secret (townhall.integrations.checks).
PAY_SANDBOX_API_KEY = "api_test_townhall_sandbox_key"  # noqa: S105 (public, sandbox only)
PAY_SANDBOX_WEBHOOK_SECRET = "demo-pay-webhook-secret"  # noqa: S105 (public, sandbox only)
_PAY_SANDBOX = DEMO or TESTING
PAY_BASE_URL = env("PAY_BASE_URL", "http://127.0.0.1:8020" if _PAY_SANDBOX else "")
PAY_API_KEY = env("PAY_API_KEY", PAY_SANDBOX_API_KEY if _PAY_SANDBOX else "")
PAY_WEBHOOK_SECRET = env("PAY_WEBHOOK_SECRET", PAY_SANDBOX_WEBHOOK_SECRET if _PAY_SANDBOX else "")
PAY_EXPIRY_MINUTES = env_int("PAY_EXPIRY_MINUTES", 90)
SMS_BACKEND = env(
    "SMS_BACKEND",
    "townhall.integrations.notify.sms.FileSmsBackend"
    if DEMO or TESTING
    else "townhall.integrations.notify.sms.LogOnlySmsBackend",
)
SMS_FILE_PATH = str(VAR_DIR / "sms")

# Open311 rate limits a minute: a keyed client's requests by its key, others' by IP address;
# set from a FixMyStreet instance's peak with headroom (README, "Open311"; open311/throttle.py).
OPEN311_RATE_PER_KEY = env_int("OPEN311_RATE_PER_KEY", 1200)
OPEN311_RATE_PER_IP = env_int("OPEN311_RATE_PER_IP", 1200)
# The open waste API (bin days for third-party apps): no key, so counted per address.
WASTE_API_RATE_PER_MINUTE = env_int("WASTE_API_RATE_PER_MINUTE", 120)
# Public Open311 reads are shared by every client for this long (0: not kept).
OPEN311_CACHE_SECONDS = env_int("OPEN311_CACHE_SECONDS", 0 if TESTING else 30)
# A client found by its API key is kept per process this long: a revoked key stops working in
# every process within it.
OPEN311_KEY_SECONDS = env_int("OPEN311_KEY_SECONDS", 0 if TESTING else 5)
# The council's extent (for "is this report in our area?") kept per process; the gazetteer
# changes by import, rarely, and a new street at the edge is seen within this time.
PLACES_EXTENT_SECONDS = env_int("PLACES_EXTENT_SECONDS", 0 if TESTING else 300)
# Calendar overrides (extra holidays, closures) kept per process; every new case's due date
# reads them, and an edit reaches other processes within this time.
CALENDAR_KEEP_SECONDS = env_int("CALENDAR_KEEP_SECONDS", 0 if TESTING else 60)

# Outbox delivery (integrations): retries back off exponentially with jitter up to the cap.
OUTBOX_BACKOFF_BASE_SECONDS = float(env("OUTBOX_BACKOFF_BASE_SECONDS", "2"))
OUTBOX_BACKOFF_CAP_SECONDS = float(env("OUTBOX_BACKOFF_CAP_SECONDS", "3600"))
# A claim lapses this long after the partner's timeout (a worker killed mid-send).
OUTBOX_CLAIM_MARGIN_SECONDS = float(env("OUTBOX_CLAIM_MARGIN_SECONDS", "30"))
# Where the demo's contractors are reached: the local fake contractor (scripts/fake_contractor.py).
FAKE_CONTRACTOR_URL = env("FAKE_CONTRACTOR_URL", "http://127.0.0.1:8010")
# Where the demo's county takes reports handed on to it (scripts/fake_county.py; the demo
# pothole service's hand_on endpoint names this address).
FAKE_COUNTY_URL = env("FAKE_COUNTY_URL", "http://127.0.0.1:8030")
# Hosts (`host` or `host:port`) a partner address may name although they are local: the
# operator's own receivers. The demo's fake contractor and Pay sandbox, the test suite's local
# servers; empty in production, where every partner address must be public and https.
OUTBOUND_ALLOW_HOSTS = env_list(
    "OUTBOUND_ALLOW_HOSTS",
    [
        urlsplit(FAKE_CONTRACTOR_URL).netloc,
        urlsplit(PAY_BASE_URL).netloc,
        urlsplit(FAKE_COUNTY_URL).netloc,
    ]
    if DEMO
    else ["127.0.0.1"]
    if TESTING
    else [],
)

# The largest XML document (a BPMN or DMN file) Townhall parses; larger ones are refused whole.
XML_MAX_BYTES = env_int("XML_MAX_BYTES", 1_000_000)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Map tiles come from the council's own tile server when one is configured.
        "img-src": ["'self'", "data:", "blob:"] + env_list("MAP_TILE_HOSTS", []),
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"] + env_list("FORM_ACTION_HOSTS", []),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Map tiles: empty means the map draws the gazetteer's streets without a tile layer.
MAP_TILE_URL = env("MAP_TILE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
