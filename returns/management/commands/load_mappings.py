from typing import Any

from django.core.management.base import BaseCommand

from returns.services import mappings_load


class Command(BaseCommand):
    help = (
        "Copy the shipped mappings of published DfE files (returns/mappings/dfe_published.csv) "
        "into the database, where admins can edit them. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = mappings_load()
        self.stdout.write(f"Mappings: {created} created, {updated} brought up to date.")
