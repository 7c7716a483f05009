"""The pack templates, as data: each kind of pack's default sections, following the seeds.

(Named blueprints, not templates, so as not to be mistaken for Django's templates.) A
blueprint is a list of section specs; `EVERY_THEME` stands for one section per theme of the
catalogue, in the catalogue's order, expanded when the pack is created. Officers then add,
remove and reorder sections as the meeting needs (`services.section_*`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import SectionKind, TemplateKind


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

# Every pack opens with its scorecard: every indicator it shows, in one table, exceptions
# first (issue 16), so that the committee's attention goes first to what needs it.
SCORECARD = SectionSpec(SectionKind.SCORECARD, "Scorecard")

# Seed 000 (Wiltshire, annual report to the Children's Select Committee): purpose and
# background, the year's performance theme by theme, audits and observations of practice, the
# voice of children and families, complaints and compliments, and an appendix of figures.
ANNUAL_REPORT: tuple[SectionSpec | EveryTheme, ...] = (
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
SCRUTINY_PACK: tuple[SectionSpec | EveryTheme, ...] = (
    SCORECARD,
    SectionSpec(SectionKind.NARRATIVE, "Summary"),
    EVERY_THEME,
    SectionSpec(SectionKind.GLOSSARY, "Glossary"),
)

# Seed 004 (Worcestershire, improvement plan update to Cabinet): the inspection and monitoring
# visits, progress, the areas still to improve, and the key performance indicators.
IMPROVEMENT_UPDATE: tuple[SectionSpec | EveryTheme, ...] = (
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

BLUEPRINTS: dict[str, tuple[SectionSpec | EveryTheme, ...]] = {
    TemplateKind.ANNUAL_REPORT: ANNUAL_REPORT,
    TemplateKind.SCRUTINY_PACK: SCRUTINY_PACK,
    TemplateKind.IMPROVEMENT_UPDATE: IMPROVEMENT_UPDATE,
}

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
