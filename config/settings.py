"""Settings for CSC Performance, read from the environment.

One settings module for every deployment. With nothing set it is the embedded default for
`make run` only if DEBUG is switched on; with DEBUG off (the default) it refuses to start
without a SECRET_KEY and turns on the secure defaults that `manage.py check --deploy` asks for.
"""

from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

# Lets generic Django classes be subscripted at run time (`admin.ModelAdmin[Area]`), as the type
# checker wants them written under `mypy --strict`.
django_stubs_ext.monkeypatch()

# The checkout (or, once installed, the site-packages folder): the default home of what the
# app writes (the SQLite file, collected static files, uploads), each settable below.
BASE_DIR = Path(__file__).resolve().parent.parent
# What the app reads ships inside its packages (docs/0018): each app's own templates and data
# beside its code, and the site-wide templates and static files (base.html, the error pages,
# includes/, the built CSS and scripts) here in `config`, so an installed wheel has them too.
CONFIG_DIR = Path(__file__).resolve().parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    # A fresh key per process is fine for local development: sessions just do not survive a
    # restart of the development server.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "axes",
    "csp",
    "accounts",
    "indicators",
    "returns",
    "audits",
    "complaints",
    "scrutiny",
    # Last: the demo loader (`manage.py load_demo`) builds on every app above.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # With the database unreachable, a page is a plain 503 that needs no database.
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the page (docs/0026): after the session, before CommonMiddleware (as
    # Django asks); from the language cookie the switch sets, else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own choice of language wins over the cookie and the browser.
    "accounts.middleware.UserLanguageMiddleware",
    # A signed-in user's pages are never kept by a browser or a proxy cache.
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# A form refused for its CSRF token says, in the site's look, what to do next.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CONFIG_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is only the zero-set-up default for `make run`; production and CI use PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database host that does not answer fails a request (a 503, config/errors.py) within
    # seconds, rather than holding it until the health check's own timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# Connections kept open for a minute in a deployment: opening one for every request and task
# cost more than many pages themselves (bench/load.py: read p95 0.97 s with 0, 0.4 s with
# 60). Checked before reuse, so a database restarted meanwhile costs no request. Not with
# DEBUG on: the development server runs each request in a thread of its own, which would
# leave its connection behind.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in rate limiting. Council staff share outbound addresses, so lock on the username and
# the address together: one person mistyping cannot lock out the whole office.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# English and Welsh: councils in Wales work under the Welsh Language Standards (docs/0026).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The Welsh translation ships in `config`, so an installed wheel has it too (docs/0018); the
# .mo files are built from the .po files by `manage.py compilemessages` (make install).
LOCALE_PATHS = [CONFIG_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [CONFIG_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
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
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Celery. With no broker configured (the embedded default) tasks run in-process, eagerly.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task whose worker process died (killed, or out of memory) is sent again, as a retry, up to
# the task's max_retries, then dropped: never redelivered for ever (docs/operations.md).
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker processes: Celery's default is one per core. On a host shared with the web, fewer
# leave the pages the processor while roll-ups and rebuilds run (docs/operations.md).
CELERY_WORKER_CONCURRENCY = env.int("WORKER_CONCURRENCY", default=0) or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True


def task_time_limits(variable: str, soft_minutes: int) -> dict[str, int]:
    """A kind of task's time limits, in seconds: the soft one raises SoftTimeLimitExceeded in
    the task, which gives its work up cleanly; the hard one kills the worker process running
    it. `variable` overrides both as "soft,hard" (seconds); the default is `soft_minutes` and
    a minute more."""
    soft, hard = env.list(variable, cast=int, default=[soft_minutes * 60, soft_minutes * 60 + 60])
    return {"soft_time_limit": soft, "time_limit": hard}


# Time limits per kind of task (docs/operations.md, "Limits"). Keep them below the broker's
# visibility timeout (an hour with Redis), after which a running task is delivered again.
CELERY_TASK_ANNOTATIONS = {
    "returns.tasks.validate_batch": task_time_limits("IMPORT_VALIDATE_TIME_LIMITS", 20),
    "returns.tasks.commit_batch": task_time_limits("IMPORT_COMMIT_TIME_LIMITS", 30),
    "returns.tasks.rollback_batch": task_time_limits("IMPORT_ROLLBACK_TIME_LIMITS", 30),
    "returns.tasks.roll_up_figures_of": task_time_limits("ROLL_UP_TIME_LIMITS", 10),
    "indicators.tasks.roll_up_figures": task_time_limits("ROLL_UP_TIME_LIMITS", 10),
    "indicators.tasks.roll_up_figures_many": task_time_limits("ROLL_UP_TIME_LIMITS", 10),
    "audits.tasks.derive_audit_summaries": task_time_limits("ROLL_UP_TIME_LIMITS", 10),
    "indicators.tasks.rebuild_dashboard": task_time_limits("DASHBOARD_REBUILD_TIME_LIMITS", 5),
    "indicators.tasks.rebuild_all_dashboards": task_time_limits("DASHBOARD_REBUILD_TIME_LIMITS", 5),
}
# Any other task.
_OTHER_TASKS = task_time_limits("TASK_TIME_LIMITS", 10)
CELERY_TASK_SOFT_TIME_LIMIT = _OTHER_TASKS["soft_time_limit"]
CELERY_TASK_TIME_LIMIT = _OTHER_TASKS["time_limit"]
# A worker process whose resident memory has passed this after a task is replaced by a fresh
# one (Celery counts in KiB), so memory a big import left behind is given back.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("WORKER_MAX_MEMORY_PER_CHILD_MB", default=1024) * 1024
# The most address space a worker process may take (config/celery.py sets it as it starts),
# so that a runaway task meets MemoryError, which gives its batch up with a message, rather
# than eating the machine; 0 leaves it unlimited.
WORKER_MEMORY_LIMIT_MB = env.int("WORKER_MEMORY_LIMIT_MB", default=4096)
# Deliveries of one batch's work that may begin without finishing (each a worker that died on
# it) before the batch is given up rather than worked again.
IMPORT_WORK_ATTEMPTS = env.int("IMPORT_WORK_ATTEMPTS", default=2)
# A batch waiting for a worker this long, and held by none, is given up as lost.
IMPORT_STALLED_MINUTES = env.int("IMPORT_STALLED_MINUTES", default=15)
# A statutory return's file, kept while it is in review for its DfE rules' error report
# (child-level data), is deleted this many days after upload whatever became of the batch.
IMPORT_RETURN_FILE_DAYS = env.int("IMPORT_RETURN_FILE_DAYS", default=14)
# Every dashboard is rebuilt each night, whatever was written (catalogue edits by spreadsheet
# in the admin, say, which queue no rebuild of their own). Beat runs in docker-compose.
CELERY_BEAT_SCHEDULE = {
    # Statutory returns' files past IMPORT_RETURN_FILE_DAYS (returns.services).
    "expire-return-files": {
        "task": "returns.tasks.expire_return_files",
        "schedule": crontab(hour=3, minute=15),
    },
    # Summaries of the quarter that has just ended, from the audits entered during it.
    "derive-audit-summaries": {
        "task": "audits.tasks.derive_audit_summaries",
        "schedule": crontab(hour=1, minute=45),
    },
    # Tasks the broker refused while it was down wait in the outbox until it is back: this
    # sends them within a minute of its return (indicators/queue.py, docs/0020).
    "drain-outbox": {
        "task": "indicators.tasks.drain_outbox",
        "schedule": 60.0,
        # A drain left unrun (no worker) is overtaken by the next: they do not pile up.
        "options": {"expires": 55},
    },
    "rebuild-every-dashboard": {
        "task": "indicators.tasks.rebuild_all_dashboards",
        "schedule": crontab(
            hour=env.int("DASHBOARD_REBUILD_HOUR", default=2),
            minute=env.int("DASHBOARD_REBUILD_MINUTE", default=30),
        ),
    },
    # Batches whose worker died are given up, so an admin can retry or reject them.
    "sweep-stalled-batches": {
        "task": "returns.tasks.sweep_stalled_batches",
        "schedule": 5 * 60.0,
    },
}

# The cache carries what the web and the workers share while work is under way (an import's
# progress). Redis in a deployment: CACHE_URL, else the broker's Redis. With neither, each
# process has its own memory cache, which is all the embedded default needs.
CACHE_URL = env.str(
    "CACHE_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES = {
    "default": (
        {
            # Django's Redis cache, but a read misses and a write is dropped while Redis is
            # down, so that pages that only read still work (config/cache.py, docs/0020).
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "csc",
            # A server that does not answer costs a page a second at most, not a hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Spreadsheet exports: a cell beginning with = + - @ is escaped so that it is never a formula.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Content Security Policy: every script and style comes from this site (there is no internet at
# run time, and no inline script: chart data travels as inert JSON, drawn by a static file).
# plotly.js sets inline styles on the elements it draws, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security. The secure defaults apply whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# The language cookie (the switch in the header) is read by the server only; a year, as a
# choice of language is not something to ask again.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The health check is probed over plain HTTP inside the container and by orchestrators.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits a whole domain (and its subdomains) to HTTPS in browsers for
        # good: a council's web team opts in deliberately, so it stays off by default and its
        # reminder is silenced.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Scrutiny packs are printed to PDF by headless Chromium (scrutiny/pdf.py, docs/0016): Debian's
# package puts it here; without it, the PDF download says so and the rest of the app works.
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default="/usr/bin/chromium")

# Imports: files larger than this are refused before they are read; past it, the rest of an
# upload is not even stored (returns/uploads.py).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=250 * 1024 * 1024)
# What one import may hold once read, far above any council's file (returns/limits.py and
# docs/0019 say why each); a file past one is refused with a finding naming the setting.
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=1024 * 1024 * 1024)
IMPORT_MAX_RETURN_ROWS = env.int("IMPORT_MAX_RETURN_ROWS", default=300_000)
IMPORT_MAX_CIN_CHILDREN = env.int("IMPORT_MAX_CIN_CHILDREN", default=200_000)
IMPORT_MAX_SHEET_ROWS = env.int("IMPORT_MAX_SHEET_ROWS", default=200_000)
IMPORT_MAX_SHEET_CELLS = env.int("IMPORT_MAX_SHEET_CELLS", default=3_000_000)
FILE_UPLOAD_HANDLERS = [
    "returns.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
