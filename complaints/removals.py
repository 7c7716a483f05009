"""What the record of removals says about a removed complaint, compliment, survey or comment.

A removed record is gone: its entry on the record of removals is all that is left of it, and
the authority's managers read it. So each summary says which record it was without repeating
anything a person wrote: a complaint's reference (the case system's number, never a name:
`logs.reference_problem`), stage, dates and outcome; a compliment's date and whether it had a
quote; a survey's title, audience, closing date and counts; a comment's survey and the day it
was entered. Never a quote, a comment or a team or theme typed in as free text.

Plain functions of records already read: the services pass in the counts they know.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone

from .models import Complaint, Compliment, SurveyComment, VoiceSurvey


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def complaint(record: Complaint) -> str:
    """ "Complaint CMP-1, Stage 1 (local resolution), received 3 April 2017, answered 10 April
    2017: upheld"."""
    text = f"Complaint {record.reference}, {record.get_stage_display()}, received "
    text += _day(record.received)
    if record.responded is None:
        return f"{text}, not answered"
    return f"{text}, answered {_day(record.responded)}: {record.get_outcome_display().lower()}"


def compliment(record: Compliment) -> str:
    quote = "with a quote" if record.text else "with no quote"
    return f"Compliment received {_day(record.received)}, {quote}"


def survey(record: VoiceSurvey, *, questions: int, comments: int) -> str:
    return (
        f"Survey “{record.title}” of {record.get_audience_display().lower()}, closed "
        f"{_day(record.conducted_on)}, with its {_count(questions, 'question')} and "
        f"{_count(comments, 'comment')}"
    )


def comment(record: SurveyComment) -> str:
    survey = record.survey
    return (
        f"Survey comment on “{survey.title}” (closed {_day(survey.conducted_on)}), entered "
        f"{_day(timezone.localdate(record.created_at))}"
    )


def complaints_log(received: Sequence[date], *, file_name: str) -> str:
    """One entry for a rolled-back import: how many complaints, from which log, received when."""
    source = f"a complaints log ({file_name})" if file_name else "a complaints log"
    return (
        f"{_count(len(received), 'complaint')} imported from {source}, received "
        f"{_day(min(received))} to {_day(max(received))}"
    )
