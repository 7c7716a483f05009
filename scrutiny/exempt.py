"""Exempt information: a pack section that may not be published (docs/0023).

A council may exclude the public from a meeting while it discusses "exempt information", as
Part 1 of Schedule 12A to the Local Government Act 1972 describes it, paragraph by paragraph
(as substituted in England by the Local Government (Access to Information) (Variation) Order
2006, SI 2006/88). Part 2 of the Schedule qualifies those descriptions (what is never exempt,
and the public interest test); the officer marking a section applies it, and the pack records
the paragraph. Committee papers say: "Not for publication by virtue of paragraph 3 of Part 1 of
Schedule 12A of the Local Government Act 1972".

Pure: no database. The section's paragraph is `PackSection.exempt_paragraph` (checked 1-7 by
the database too); its content carries `exempt` (see `content.section_content`), so that the
frozen content of a published pack says so whatever happens later.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# Part 1 of Schedule 12A, England: the descriptions of exempt information, word for word.
SCHEDULE_12A: dict[int, str] = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: (
        "Information relating to the financial or business affairs of any particular person "
        "(including the authority holding that information)."
    ),
    4: (
        "Information relating to any consultations or negotiations, or contemplated "
        "consultations or negotiations, in connection with any labour relations matter arising "
        "between the authority or a Minister of the Crown and employees of, or office holders "
        "under, the authority."
    ),
    5: (
        "Information in respect of which a claim to legal professional privilege could be "
        "maintained in legal proceedings."
    ),
    6: (
        "Information which reveals that the authority proposes (a) to give under any enactment "
        "a notice under or by virtue of which requirements are imposed on a person; or (b) to "
        "make an order or direction under any enactment."
    ),
    7: (
        "Information relating to any action taken or to be taken in connection with the "
        "prevention, investigation or prosecution of crime."
    ),
}

NOT_FOR_PUBLICATION = "Not for publication"


def check_paragraph(paragraph: int | None) -> int | None:
    """The paragraph to store: None (not exempt) or 1-7; anything else is refused."""
    if paragraph is None:
        return None
    if isinstance(paragraph, bool) or not isinstance(paragraph, int):
        raise ValidationError("Choose the paragraph of Schedule 12A as a number from 1 to 7.")
    if paragraph not in SCHEDULE_12A:
        raise ValidationError(
            f"There is no paragraph {paragraph} in Part 1 of Schedule 12A: choose 1 to 7."
        )
    return paragraph


def citation(paragraph: int) -> str:
    """The words committee papers use, for example "Paragraph 1 of Part 1 of Schedule 12A to
    the Local Government Act 1972"."""
    return f"Paragraph {paragraph} of Part 1 of Schedule 12A to the Local Government Act 1972"


def exempt_content(paragraph: int | None) -> dict[str, Any] | None:
    """What a section's content says about its exemption: None, or the paragraph, its
    citation and its description, for the reading view, the PDF and the frozen content."""
    if paragraph is None:
        return None
    return {
        "paragraph": paragraph,
        "citation": citation(paragraph),
        "description": SCHEDULE_12A[paragraph],
    }


def is_exempt(content: dict[str, Any]) -> bool:
    return bool(content.get("exempt"))


def choices() -> list[tuple[str, str]]:
    """The section form's choices: not exempt, or each paragraph with its description."""
    return [("0", "Not exempt: may be published")] + [
        (str(number), f"Paragraph {number}: {description}")
        for number, description in SCHEDULE_12A.items()
    ]
