"""Demo packs, after the seed committee reports, made by the demo personas through the same
services an officer and a manager use (`load_demo --with-users`).

- Wiltshire's annual report to its Children's Select Committee (seed 000), published: what a
  councillor signs in to read, print and download.
- Devon's monthly scrutiny pack for September 2021 (seed 002), in review with the manager.
- Worcestershire's improvement plan update to Cabinet (seed 004), a draft with its officer.

The narrative is the seeds' own words where they state facts; the figures come from the demo
data, as any pack's do. Loading twice leaves one of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from indicators.models import Area, Period, PeriodKind

from . import services
from .curve_demo import curves_demo_load
from .models import Pack, PackStatus, SectionKind, SectionLayout, TemplateKind, TemplateRule
from .question_demo import questions_demo_load

WILTSHIRE_INTRODUCTION = """\
This report gives an overview of the performance and outcomes of children's social care.

The last inspection was in 2016: a Joint Targeted Inspection of how local partners work
together to protect children living with domestic abuse. In 2015 Ofsted's Single Inspection
Framework judged the service "requires improvement to be good".

Statistical neighbour (SN) and England (Eng) figures quoted in this report are the latest
available and relate to the financial year 2016/17.
"""

WILTSHIRE_SUMMARY = """\
- Since October 2017 the Safeguarding and Support Service also supports children and families
  just below the social care threshold: 422 support cases at the end of March 2018.
- 87% of assessments were completed within 45 working days during the year (SN 80%, Eng 83%).
- The appendix gives the full data set, with prior years, targets and comparators.
"""


@dataclass(frozen=True)
class DemoPack:
    slug: str
    title: str
    committee: str
    meeting_date: date
    period_kind: str
    period_start: date
    template: str
    officer: str
    approver: str  # who approves and publishes ("" to leave it in review or draft)
    status: str
    narrative: tuple[tuple[str, str], ...] = ()  # (section title, markdown)
    # How the theme pages show their indicators: the annual report's forty-odd measures as
    # cards ran to 78 A4 pages; as compact tables, with the scorecard first, it reads in ten
    # minutes and prints in under 30, every figure kept (issue 16).
    theme_layout: str = SectionLayout.CARDS
    # Whether the template's packs must explain every red or worsening measure before review
    # (docs/0023). The seed annual report explains them in its summary, not measure by
    # measure: its demo switches the rule off for annual reports, as an admin would.
    commentary_rule: bool = True


DEMO_PACKS = (
    DemoPack(
        slug="wiltshire",
        title="Performance & Outcomes for Families & Children's Services (Social Care)",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period_kind=PeriodKind.FINANCIAL_YEAR,
        period_start=date(2017, 4, 1),
        template=TemplateKind.ANNUAL_REPORT,
        officer="wiltshire.officer",
        approver="wiltshire.manager",
        status=PackStatus.PUBLISHED,
        narrative=(("Introduction", WILTSHIRE_INTRODUCTION), ("Summary", WILTSHIRE_SUMMARY)),
        theme_layout=SectionLayout.TABLE,
        commentary_rule=False,
    ),
    DemoPack(
        slug="devon",
        title="Children's Social Care Performance",
        committee="Children's Scrutiny Committee",
        meeting_date=date(2021, 11, 9),
        period_kind=PeriodKind.MONTH,
        period_start=date(2021, 9, 1),
        template=TemplateKind.SCRUTINY_PACK,
        officer="devon.officer",
        approver="",
        status=PackStatus.IN_REVIEW,
    ),
    DemoPack(
        slug="worcestershire",
        title="Children's Social Care Services Improvement Plan",
        committee="Cabinet",
        meeting_date=date(2018, 7, 12),
        period_kind=PeriodKind.QUARTER,
        period_start=date(2018, 1, 1),
        template=TemplateKind.IMPROVEMENT_UPDATE,
        officer="worcestershire.officer",
        approver="",
        status=PackStatus.DRAFT,
    ),
)


def _pack(spec: DemoPack) -> Pack | None:
    """Make one demo pack, or None when it is already there."""
    authority = Area.objects.get(slug=spec.slug)
    if Pack.objects.filter(
        authority=authority, title=spec.title, meeting_date=spec.meeting_date
    ).exists():
        return None
    users = get_user_model().objects
    officer = users.get(username=spec.officer)
    pack = services.pack_create(
        user=officer,
        authority=authority,
        title=spec.title,
        committee=spec.committee,
        meeting_date=spec.meeting_date,
        period=Period.objects.get(kind=spec.period_kind, start=spec.period_start),
        template=spec.template,
    )
    for title, narrative in spec.narrative:
        section = pack.sections.get(title=title)
        services.section_edit(user=officer, section=section, narrative=narrative)
    if spec.theme_layout != SectionLayout.CARDS:
        for section in pack.sections.filter(kind=SectionKind.THEME_PAGE):
            services.section_edit(user=officer, section=section, layout=spec.theme_layout)
    if not spec.commentary_rule:
        TemplateRule.objects.update_or_create(
            template=spec.template, defaults={"require_commentary_on_exceptions": False}
        )
    if spec.status != PackStatus.DRAFT:
        services.pack_submit(user=officer, pack=pack)
    if spec.status == PackStatus.PUBLISHED:
        approver = users.get(username=spec.approver)
        services.pack_approve(user=approver, pack=pack)
        services.pack_publish(user=approver, pack=pack)
    return pack


def packs_demo_load() -> list[str]:
    """The demo packs (the demo personas must exist): a line for each one made."""
    lines = questions_demo_load()  # before the packs: Wiltshire's has matters arising
    for spec in DEMO_PACKS:
        pack = _pack(spec)
        if pack is not None:
            pack.refresh_from_db()
            lines.append(
                f"Pack: {pack.authority.name}, {pack.title} ({pack.get_status_display().lower()})"
            )
    lines.extend(curves_demo_load())  # Turning the Curve (docs/0024)
    return lines
