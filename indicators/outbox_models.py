"""The outbox's model (docs/0020): tasks waiting for the broker. A model of the indicators
app (`indicators.models` imports it), in a module of its own as it belongs to the queueing
(`indicators/queue.py`) rather than to the figures."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """A task waiting to be sent to the broker (docs/0020). Written in the same transaction as
    the write that needs the task, so the task is queued if and only if the write commits;
    deleted once the broker has taken it. A row that stays is work the broker refused, sent
    again when it is back (`indicators.queue.outbox_drain`)."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    # Seconds the task waits after it is sent (a dashboard rebuild waits for more writes).
    countdown = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # The kind of the latest refusal (an exception's class name: no address, no password).
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
