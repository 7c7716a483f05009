"""`manage.py load_catalogue`: load the shipped indicator catalogue (or other CSV files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.catalogue import CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Create or update the themes and indicators from the catalogue CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--themes", type=Path, help="themes CSV (default: the shipped one)")
        parser.add_argument(
            "--indicators", type=Path, help="indicators CSV (default: the shipped one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = catalogue_load(
                themes_csv=options["themes"], indicators_csv=options["indicators"]
            )
        except CatalogueError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(f"Themes: {result.themes}.")
        self.stdout.write(f"Indicators: {result.indicators}.")
        self.stdout.write(f"Reference areas: {result.areas}.")
        self.stdout.write(f"Pairs of alike measures: {result.pairings}.")
        self.stdout.write(self.style.SUCCESS("Catalogue loaded."))
