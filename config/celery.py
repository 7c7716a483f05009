"""The Celery application. Workers and beat run `celery -A config worker|beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("csc_performance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker's heartbeat and its drain of the outbox at start (docs/0020).
from . import worker_signals  # noqa: E402, F401
