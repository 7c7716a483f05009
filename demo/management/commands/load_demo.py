"""`manage.py load_demo [--with-users]`: load the demo data, and optionally demo users.

Each app loads its own demo (`indicators.demo`, `audits.demo`, `complaints.demo`,
`scrutiny.demo`); this command, in the `demo` app above them all, runs them in the order the
apps build on one another, so that no app needs to know the demo of an app above it.

The demo users share one published password, so `--with-users` is refused when DEBUG is off
unless `--force-demo-users` is given as well: demo passwords must never reach production by
accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import access
from accounts.models import Role
from accounts.services import membership_set, user_set
from audits.demo import audits_demo_load
from complaints.demo import complaints_demo_load
from indicators.demo import DemoDataError, demo_load
from indicators.models import Area
from scrutiny.demo import packs_demo_load

DEMO_PASSWORD = "demo-csc-performance-2026"  # noqa: S105 - published on purpose, for the demo


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    authority: str = ""  # area slug; empty for the admin
    role: str = ""

    @property
    def description(self) -> str:
        if not self.authority:
            return "admin (superuser: Django admin, catalogue, areas, users)"
        return f"{Role(self.role).label}, {self.authority.title()}"


PERSONAS = (
    Persona("admin", "Demo", "Administrator"),
    Persona("wiltshire.officer", "Wiltshire", "Officer", "wiltshire", Role.OFFICER),
    Persona("wiltshire.manager", "Wiltshire", "Manager", "wiltshire", Role.MANAGER),
    Persona("wiltshire.councillor", "Wiltshire", "Councillor", "wiltshire", Role.COUNCILLOR),
    Persona("devon.officer", "Devon", "Officer", "devon", Role.OFFICER),
    Persona("devon.manager", "Devon", "Manager", "devon", Role.MANAGER),
    Persona("worcestershire.officer", "Worcestershire", "Officer", "worcestershire", Role.OFFICER),
)


class Command(BaseCommand):
    help = "Load the demo areas, figures and targets; with --with-users, demo users as well."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="also create demo users sharing one published password (DEBUG only)",
        )
        parser.add_argument(
            "--force-demo-users",
            action="store_true",
            help="allow --with-users when DEBUG is off (never on a real deployment)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_users = options["with_users"]
        if with_users and not settings.DEBUG and not options["force_demo_users"]:
            raise CommandError(
                "Refusing to create demo users while DEBUG is off: they share a published "
                "password and must never reach a real deployment. Run with DEBUG=true, or add "
                "--force-demo-users if this really is a throwaway demo machine."
            )
        try:
            with transaction.atomic():
                # The catalogue, areas and figures first: every other demo belongs to them.
                result = demo_load()
                # Quality assurance records from the same seeds (audits app; issue 6).
                quality = audits_demo_load()
                complaints_result = complaints_demo_load()
                pack_lines: list[str] = []
                if with_users:
                    self._users()
                    # Packs are made by the demo personas, through the pack services.
                    pack_lines = packs_demo_load()
        except DemoDataError as error:
            raise CommandError("\n".join(error.messages)) from error
        for line in [*result.lines(), *complaints_result.lines(), *pack_lines]:
            self.stdout.write(line)
        self.stdout.write(quality.line())
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if with_users:
            self._print_users()

    def _users(self) -> None:
        try:
            validate_password(DEMO_PASSWORD)
        except ValidationError as error:  # a guard for whoever edits the password above
            raise CommandError(" ".join(error.messages)) from error
        for persona in PERSONAS:
            user = user_set(
                actor=access.SYSTEM,
                username=persona.username,
                password=DEMO_PASSWORD,
                first_name=persona.first_name,
                last_name=persona.last_name,
                email=f"{persona.username}@example.org",
                is_admin=not persona.authority,
            )
            if persona.authority:
                authority = Area.objects.get(slug=persona.authority)
                membership_set(
                    actor=access.SYSTEM, user=user, authority=authority, role=persona.role
                )

    def _print_users(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo users (sign in at /accounts/sign-in/):")
        width = max(len(persona.username) for persona in PERSONAS)
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.username.ljust(width)}  {persona.description}")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        self.stdout.write(
            self.style.WARNING(
                "These are demo accounts with a published password: never use "
                "them on a real deployment."
            )
        )
