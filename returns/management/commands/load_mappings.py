from typing import Any

from django.core.management.base import BaseCommand

from accounts import access
from returns.services import mappings_load


class Command(BaseCommand):
    help = (
        "Copy the shipped mappings of published DfE files (returns/mappings/dfe_published.csv) "
        "into the database, where admins can edit them. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # A set-up command: the system loads the shipped mappings.
        created, updated = mappings_load(user=access.SYSTEM)
        self.stdout.write(f"Mappings: {created} created, {updated} brought up to date.")
