"""The pack templates, as data: each kind of pack's default sections, following the seeds.

(Named blueprints, not templates, so as not to be mistaken for Django's templates.) A
blueprint is a list of section specs; `EVERY_THEME` stands for one section per theme of the
catalogue, in the catalogue's order, expanded when the pack is created. Officers then add,
remove and reorder sections as the meeting needs (`services.section_*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import SectionKind, SectionLayout, TemplateKind


@dataclass(frozen=True)
class SectionSpec:
    kind: str
    title: str
    narrative: str = ""  # a prompt for the officer, in markdown; theirs to replace


# Stands in a blueprint for "a section of this kind per theme".
@dataclass(frozen=True)
class EveryTheme:
    kind: str


EVERY_THEME = EveryTheme(SectionKind.THEME_PAGE)


# Stands for "an indicator set per group of a nation's national framework": the measures due
# only from authorities of `nation` that come from the framework's `source`, grouped by their
# `Indicator.framework_group`, a set per group in the framework's order (`group_order`), each
# titled with its group and shown in `layout`.
@dataclass(frozen=True)
class EveryFrameworkGroup:
    nation: str
    source: str
    layout: str
    kind: str = SectionKind.INDICATOR_SET


# Stands for "an indicator set per theme of the measures kept in both nations" (local
# measures: complaints, audits, workforce...), titled `title` with the theme's name, shown in
# `layout`; only the themes with such a measure the authority has a figure for by the end of
# the pack's period, so that the pack does not open with empty sections.
@dataclass(frozen=True)
class EveryLocalTheme:
    layout: str
    title: str = "Local measures: {theme}"
    nations: str = "both"
    kind: str = SectionKind.INDICATOR_SET


Spec = SectionSpec | EveryTheme | EveryFrameworkGroup | EveryLocalTheme


def group_order(group: str) -> tuple[tuple[int, ...], str]:
    """Framework groups in their framework's order: by the numbers in their names ("Quality
    standard 2" before "Quality standard 10"), then by name; a blank group last."""
    numbers = tuple(int(part) for part in re.findall(r"\d+", group))
    return (numbers or (10**6,), group) if group else ((10**9,), "")


# Every pack opens with its scorecard: every indicator it shows, in one table, exceptions
# first (issue 16), so that the committee's attention goes first to what needs it.
SCORECARD = SectionSpec(SectionKind.SCORECARD, "Scorecard")

# Seed 000 (Wiltshire, annual report to the Children's Select Committee): purpose and
# background, the year's performance theme by theme, audits and observations of practice, the
# voice of children and families, complaints and compliments, and an appendix of figures.
ANNUAL_REPORT: tuple[Spec, ...] = (
    SCORECARD,
    SectionSpec(
        SectionKind.NARRATIVE,
        "Introduction",
        "The purpose of this report, and the last inspection of children's social care.",
    ),
    SectionSpec(
        SectionKind.NARRATIVE,
        "Summary",
        "The year's main messages: what is working well, what worries us, what we are doing.",
    ),
    EVERY_THEME,
    SectionSpec(SectionKind.QUALITY_ASSURANCE, "Quality assurance"),
    SectionSpec(SectionKind.VOICE, "Voice of children and families, complaints and compliments"),
    SectionSpec(SectionKind.APPENDIX, "Appendix: data set"),
    SectionSpec(SectionKind.GLOSSARY, "Glossary"),
)

# Seed 002 (Devon, monthly report to the Children's Scrutiny Committee): a page per theme with
# its definition, figures and chart, and bullets of commentary.
SCRUTINY_PACK: tuple[Spec, ...] = (
    SCORECARD,
    SectionSpec(SectionKind.NARRATIVE, "Summary"),
    EVERY_THEME,
    SectionSpec(SectionKind.GLOSSARY, "Glossary"),
)

# Seed 004 (Worcestershire, improvement plan update to Cabinet): the inspection and monitoring
# visits, progress, the areas still to improve, and the key performance indicators.
IMPROVEMENT_UPDATE: tuple[Spec, ...] = (
    SCORECARD,
    SectionSpec(SectionKind.NARRATIVE, "Recommendation"),
    SectionSpec(SectionKind.INSPECTIONS, "Inspection history"),
    SectionSpec(
        SectionKind.NARRATIVE,
        "Progress against priorities",
        "What inspectors have commented on positively since the last update.",
    ),
    SectionSpec(
        SectionKind.NARRATIVE,
        "Areas for development",
        "Where performance is not yet as good as it needs to be.",
    ),
    SectionSpec(SectionKind.INDICATOR_SET, "Key performance indicators"),
    SectionSpec(SectionKind.GLOSSARY, "Glossary"),
)

# Issue 17: the half-year report a Welsh council's scrutiny committee reads. The Welsh
# national performance measures (the code of practice's PM24-PM35), a set per national quality
# standard, each measure quarter by quarter for the year so far beside last year's year-end
# outturn, the Welsh average and a comment (the period grid); then the measures the council
# keeps for itself, theme by theme, as compact tables. A set per quality standard, rather than
# one section with a sub-heading per standard: each standard is then an entry in the contents
# and a bookmark in the PDF, a councillor goes straight to (say) safeguarding, and the officer
# can write on each standard as a whole in its section's narrative.
WELSH_HALF_YEAR: tuple[Spec, ...] = (
    SCORECARD,
    SectionSpec(
        SectionKind.NARRATIVE,
        "Introduction",
        "The purpose of this report: how children's services performed in the first half of "
        "the year against the national performance measures and our own, and what we are doing "
        "where performance is not where it needs to be.",
    ),
    SectionSpec(
        SectionKind.NARRATIVE,
        "National performance measures",
        "Welsh Government's national performance measures for children's services, grouped by "
        "the national quality standard each measures. Each measure is shown quarter by quarter "
        "for the year so far, beside last year's year-end outturn, the Welsh average and a "
        "comment.",
    ),
    EveryFrameworkGroup(nation="wales", source="welsh", layout=SectionLayout.GRID),
    SectionSpec(
        SectionKind.NARRATIVE,
        "Local measures",
        "The measures we keep for ourselves, theme by theme.",
    ),
    EveryLocalTheme(layout=SectionLayout.TABLE),
    SectionSpec(SectionKind.GLOSSARY, "Glossary"),
)

BLUEPRINTS: dict[str, tuple[Spec, ...]] = {
    TemplateKind.ANNUAL_REPORT: ANNUAL_REPORT,
    TemplateKind.SCRUTINY_PACK: SCRUTINY_PACK,
    TemplateKind.IMPROVEMENT_UPDATE: IMPROVEMENT_UPDATE,
    TemplateKind.WELSH_HALF_YEAR: WELSH_HALF_YEAR,
}

# The templates only some nations' authorities are offered ("england", "wales"); the rest are
# offered to all. The annual report, the scrutiny pack and the improvement update are not
# English in content (theme pages, indicator sets, narrative, audits, voice, inspections):
# Welsh councils write annual reports and improvement updates too, and their theme pages and
# scorecards show only the measures that apply in Wales, against Wales. The Welsh half-year
# report is built on the Welsh framework, which no English authority reports.
TEMPLATE_NATIONS: dict[str, tuple[str, ...]] = {TemplateKind.WELSH_HALF_YEAR: ("wales",)}

# The period kinds a template's pack may report on, where it is narrower than the create
# form's years and quarters: a half-year report reports on a quarter (Q2 is the half year;
# the same template serves Q4 and the year end).
TEMPLATE_PERIOD_KINDS: dict[str, tuple[str, ...]] = {TemplateKind.WELSH_HALF_YEAR: ("quarter",)}


def templates_for(nation: str) -> list[str]:
    """The templates offered to an authority of `nation`, in `TemplateKind`'s order."""
    return [
        template
        for template in TemplateKind.values
        if nation in TEMPLATE_NATIONS.get(template, (nation,))
    ]


# The title a new section of each kind gets when an officer adds one and gives none.
DEFAULT_TITLES: dict[str, str] = {
    SectionKind.NARRATIVE: "Narrative",
    SectionKind.THEME_PAGE: "Theme",
    SectionKind.INDICATOR_SET: "Indicators",
    SectionKind.QUALITY_ASSURANCE: "Quality assurance",
    SectionKind.VOICE: "Voice of children and families, complaints and compliments",
    SectionKind.INSPECTIONS: "Inspections and improvement plan",
    SectionKind.APPENDIX: "Appendix: data set",
    SectionKind.GLOSSARY: "Glossary",
    SectionKind.TURNING_THE_CURVE: "Turning the Curve",
    SectionKind.MATTERS_ARISING: "Matters arising from the last meeting",
    SectionKind.SCORECARD: "Scorecard",
}
