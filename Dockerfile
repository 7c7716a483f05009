# CSC Performance: one image for the web, worker and beat services (see docker-compose.yml).
#
#   docker build -t csc-performance .
#
# Stage 1 builds the front-end assets (GOV.UK Frontend CSS, plotly.js) into config/static/dist/.
# Stage 2 builds the Welsh translation's .mo files from the .po files.
# Stage 3 installs the Django project, collects static files and runs gunicorn as a non-root user.

# ---- front-end assets ------------------------------------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets ./assets
RUN npm run build

# ---- translations ----------------------------------------------------------------------------
# The Welsh translation's .mo files, built from the committed .po files (docs/0026) by GNU
# gettext's msgfmt with the checks Django's compilemessages asks of it; gettext stays out of
# the image that runs.
FROM debian:bookworm-slim AS messages
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY config/locale ./config/locale
RUN find config/locale -name '*.po' -exec sh -c 'msgfmt --check-format -o "${1%.po}.mo" "$1"' _ {} \;

# ---- application -----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Debian's Chromium prints scrutiny packs to PDF (scrutiny/pdf.py, docs/0016), with fonts that
# have the metrics of Arial.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium

# Dependencies first, in their own layer, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (no dev extras). PYTHONPATH=/app makes the copy in /app, with its templates
# and static files, the one that is imported by gunicorn, manage.py and celery alike.
COPY . .
COPY --from=messages /build/config/locale ./config/locale
RUN pip install --no-deps .
COPY --from=assets /build/config/static/dist ./config/static/dist

# collectstatic needs the settings to load, and with DEBUG off they require a SECRET_KEY. This
# one exists only for this build step; the running container gets the real one from its
# environment and refuses to start without it.
# hadolint ignore=DL3064
ARG COLLECTSTATIC_SECRET_KEY=collectstatic-only-not-a-secret
RUN SECRET_KEY="$COLLECTSTATIC_SECRET_KEY" python manage.py collectstatic --no-input

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER 10001:10001

EXPOSE 8000

# /healthz (config/health.py) answers 503 when the database is unreachable, and 200 otherwise,
# naming in its JSON any optional part that is down (cache, broker, worker). The Host header is
# the first of ALLOWED_HOSTS so that Django accepts it; X-Forwarded-Proto says https so that
# SECURE_SSL_REDIRECT would not redirect the probe even without SECURE_REDIRECT_EXEMPT (the
# TLS-terminating proxy sets it for real requests). urlopen raises on a 503, so the probe fails.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('*.') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=9)"]

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
