"""What a pack's cover says about the pack itself: its version, as committee papers give it
("Draft version 2", "Version 2: published 19 June 2018"), counted from its workflow steps
(`PackEvent`), so that it cannot drift from what actually happened (docs/0016).

A version is what was put to a manager: every submission for review starts one. A draft is
the version being prepared, one more than those submitted so far (a new pack is "Draft version
1"; returned once and being corrected, "Draft version 2"). Submitting it keeps its number until
it is published, returned or approved; publishing names the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Pack, PackStatus


@dataclass(frozen=True)
class PackVersion:
    number: int
    published_on: date | None = None

    @property
    def label(self) -> str:
        """In the active language, with the date as it writes dates (docs/0026)."""
        published = self.published_on
        if published is not None:
            return gettext("Version %(number)s: published %(date)s") % {
                "number": self.number,
                "date": date_format(published, "j F Y"),
            }
        return gettext("Draft version %(number)s") % {"number": self.number}


def version_from(*, submissions: int, status: str, published_on: date | None) -> PackVersion:
    """The version of a pack submitted `submissions` times and now in `status`."""
    being_prepared = 1 if status == PackStatus.DRAFT else 0
    number = max(1, submissions + being_prepared)
    return PackVersion(
        number=number, published_on=published_on if status == PackStatus.PUBLISHED else None
    )


def pack_version(pack: Pack) -> PackVersion:
    submissions = pack.events.filter(to_status=PackStatus.IN_REVIEW).count()
    published_on = timezone.localdate(pack.published_at) if pack.published_at else None
    return version_from(submissions=submissions, status=pack.status, published_on=published_on)
