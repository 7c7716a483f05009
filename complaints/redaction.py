"""Finding personal identifiers in quotes and comments, and replacing them with "XXXX". Pure.

`flag_identifiers` proposes spans; a person reviews them (accepts, removes a false flag, adds
one the rules missed) and only then is the text cleared for pages, packs and exports. The
rules lean towards flagging too much: a false flag costs a click, a missed name is a breach.

What is flagged:
- people's names: any word in the bundled list of common UK first names and surnames
  (`redaction_data/names.txt`) written with a capital or in capitals ("Jayden", "JAYDEN"),
  or in lower case when it is not also an ordinary English word; and any capitalised word that
  is neither an ordinary English word (`common_words.txt`) nor one of the service's own words,
  places and organisations (`SERVICE_WORDS`), wherever it stands in the sentence. Possessives
  ("Jayden's"), hyphenated names ("Smith-Jones") and apostrophes ("O'Neil") are one span;
- a title and the word after it ("Mr smith", "Dr. Patel");
- email addresses, UK telephone numbers, postcodes, dates (a date of birth looks like any other
  date), NHS numbers and case or reference numbers.

Limit: a name written in lower case that is not in the bundled list ("i saw jaxon today")
cannot be told from an ordinary word. That is what the person's review is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLACEHOLDER = "XXXX"
DATA_DIR = Path(__file__).resolve().parent / "redaction_data"


class Kind:
    NAME = "name"
    TITLE = "title and name"
    EMAIL = "email address"
    PHONE = "telephone number"
    POSTCODE = "postcode"
    DATE = "date"
    NHS_NUMBER = "NHS number"
    CASE_NUMBER = "case or reference number"
    MANUAL = "added by a person"


@dataclass(frozen=True, order=True)
class Span:
    """Characters text[start:end] that identify someone, and why they were flagged."""

    start: int
    end: int
    kind: str = Kind.NAME

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


# Capitalised words the service writes every day that are not names: its roles, teams,
# places and partner organisations. Lower case; matched against each hyphen-separated part.
SERVICE_WORDS = frozenset(
    [
        "social",
        "worker",
        "workers",
        "team",
        "teams",
        "manager",
        "managers",
        "service",
        "services",
        "children",
        "childrens",
        "child",
        "family",
        "families",
        "care",
        "carer",
        "carers",
        "foster",
        "fostering",
        "adoption",
        "council",
        "county",
        "wiltshire",
        "swindon",
        "bath",
        "somerset",
        "salisbury",
        "chippenham",
        "trowbridge",
        "devizes",
        "melksham",
        "england",
        "wales",
        "britain",
        "uk",
        "nhs",
        "ofsted",
        "cafcass",
        "mash",
        "iro",
        "iros",
        "asp",
        "cp",
        "cin",
        "lac",
        "cla",
        "cic",
        "sen",
        "send",
        "ehcp",
        "camhs",
        "gp",
        "police",
        "court",
        "school",
        "college",
        "academy",
        "nursery",
        "hospital",
        "youth",
        "offending",
        "panel",
        "conference",
        "conferences",
        "review",
        "reviews",
        "plan",
        "plans",
        "support",
        "project",
        "leaving",
        "leavers",
        "leaver",
        "independent",
        "visitor",
        "advocate",
        "advocacy",
        "barnardo",
        "barnardos",
        "nspcc",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "i",
        "ok",
        "xxxx",
        "principal",
        "officer",
        "director",
        "head",
        "assistant",
        "senior",
        "practitioner",
        "practitioners",
        "duty",
        "early",
        "help",
        "hub",
        "front",
        "door",
        "safeguarding",
        "board",
        "partnership",
        "local",
        "authority",
        "your",
        "voice",
    ]
)

TITLES = ("mr", "mrs", "miss", "ms", "mx", "dr", "sir", "dame", "prof")


def _word_list(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


@cache
def bundled_names() -> frozenset[str]:
    return _word_list("names.txt")


@cache
def common_words() -> frozenset[str]:
    return _word_list("common_words.txt")


LETTER = r"A-Za-z\u00C0-\u024F"
# A word: letters, with apostrophes or hyphens inside (O'Neil, Smith-Jones, Jayden's).
WORD = re.compile(rf"[{LETTER}]+(?:['\u2019\-][{LETTER}]+)*")
POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
CONTRACTION = re.compile(r"['\u2019](?:t|re|ve|ll|d|m)$", re.IGNORECASE)
# Written as titles are ("Mr", "MRS"), so that "I miss you" is not taken for a title.
TITLE_FORMS = "|".join(form for title in TITLES for form in (title.capitalize(), title.upper()))
TITLE_AND_WORD = re.compile(rf"\b(?:{TITLE_FORMS})\b\.?\s+[{LETTER}]+(?:['\u2019\-][{LETTER}]+)*")

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (Kind.EMAIL, re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+")),
    # UK numbers: 0 or +44 (optionally "(0)") then nine or ten more digits, spaced, hyphenated
    # or with the area code in brackets: 07700 900123, +44 (0)1225 713000, (01225) 713000.
    (
        Kind.PHONE,
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)44[\s\-]?(?:\(0\)[\s\-]?)?\(?|\(?0)"
            r"\d(?:[\s\-\)\(]{0,2}\d){8,9}(?!\d)"
        ),
    ),
    (
        Kind.POSTCODE,
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    (Kind.NHS_NUMBER, re.compile(r"(?<!\d)\d{3}[\s\-]?\d{3}[\s\-]?\d{4}(?!\d)")),
    (
        Kind.DATE,
        re.compile(
            r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"
            r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept"
            r"|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}\b",
            re.IGNORECASE,
        ),
    ),
    # A reference with letters and at least four digits (CS-123456, ABC1234), or any run of
    # five or more digits; a year such as 2017 is four digits and is left alone.
    (
        Kind.CASE_NUMBER,
        re.compile(r"\b[A-Za-z]{1,5}[\-/]?\d{4,}[A-Za-z\d]*\b|(?<![\d.])\d{5,}(?![\d.])"),
    ),
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _part_is_name(part: str) -> bool:
    lower = part.lower()
    if not lower or lower == PLACEHOLDER.lower():
        return False
    if lower in bundled_names():
        # "Hope", "May" and "Will" are names when written as names; "hope" is a word.
        return _is_capitalised(part) or lower not in common_words()
    if _is_capitalised(part):
        return lower not in common_words() and lower not in SERVICE_WORDS
    return False


def _word_is_name(word: str) -> bool:
    stem = POSSESSIVE.sub("", word)
    if CONTRACTION.search(stem):
        return False  # don't, I'm, we'll
    # An apostrophe or hyphen inside a name (O'Neil, Smith-Jones) keeps it one span; each part
    # is judged on its own, so "Smith-Jones" is caught by "Smith" and "Well-Being" is not.
    pieces = [piece for piece in re.split(r"[\-'\u2019]", stem) if piece]
    return any(_part_is_name(piece) for piece in pieces)


def flag_identifiers(text: str) -> list[Span]:
    """Every span of `text` that looks like a personal identifier, sorted, not overlapping."""
    spans: list[Span] = []
    for kind, pattern in PATTERNS:
        spans.extend(Span(m.start(), m.end(), kind) for m in pattern.finditer(text))
    spans.extend(Span(m.start(), m.end(), Kind.TITLE) for m in TITLE_AND_WORD.finditer(text))
    covered = merge(spans)
    for match in WORD.finditer(text):
        if any(s.start <= match.start() < s.end for s in covered):
            continue  # part of an email address or a postcode already flagged
        if _word_is_name(match.group()):
            spans.append(Span(match.start(), match.end(), Kind.NAME))
    return merge(spans)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans joined into one, sorted. The joined span keeps the kind of
    the longest span starting first (a phone number, not the digits inside it)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged


def redact(text: str, spans: Sequence[Span]) -> str:
    """The text with every span replaced by "XXXX"."""
    pieces: list[str] = []
    position = 0
    for span in merge(spans):
        if span.end <= position:
            continue
        pieces.append(text[position : max(span.start, position)])
        pieces.append(PLACEHOLDER)
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def spans_for_words(text: str, words: str) -> list[Span]:
    """Spans for every case-insensitive occurrence of `words` in `text`, as whole words: what
    a person types on the review page to add a name the rules missed ("jaxon")."""
    wanted = words.strip()
    if not wanted:
        return []
    pattern = re.compile(
        rf"(?<![{LETTER}]){re.escape(wanted)}(?:['\u2019]s)?(?![{LETTER}])", re.IGNORECASE
    )
    return [Span(m.start(), m.end(), Kind.MANUAL) for m in pattern.finditer(text)]
