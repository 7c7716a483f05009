"""State changes for complaints, compliments, surveys and redaction. Each runs in a transaction,
checks that the acting user may change the authority's complaints and voice records (views
check first; the service checks again, so that no new caller can skip the rule) and, where it
changes what the summaries count, re-derives the authority's figures. Every removal leaves an
entry on the record of removals (`Removal`): who, when, what (`removals.py`) and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.access import Permission, SystemActor
from indicators.models import (
    Area,
    ChangeChannel,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
)
from indicators.removals import reason_given, removal_record
from indicators.services import figure_set, figures_from_records_remove

from . import metrics, redaction, removals
from .logs import ComplaintRecord, reference_problem
from .models import (
    Complaint,
    Compliment,
    Outcome,
    RedactableText,
    RedactionState,
    Removal,
    RemovalKind,
    Stage,
    SurveyComment,
    SurveyQuestion,
    VoiceSurvey,
)

if TYPE_CHECKING:
    from accounts.models import User


DERIVED_REASON = "Derived from the complaints log"
# What a rolled-back import's removal says when the import machinery gives no other reason.
LOG_ROLLBACK_REASON = "The import that added them was rolled back."


def _require_editor(user: User | SystemActor, *authorities: Area) -> None:
    """The acting user may change the complaints and voice records of each authority given:
    the one the service was asked to write to and, for a record passed in, the record's own."""
    for authority in dict.fromkeys(authorities):
        access.require_actor(
            user,
            Permission.EDIT_FIGURES,
            authority,
            doing=f"change {authority.name}'s complaints, compliments or voice records",
        )


def _record_removal(
    *, user: User | SystemActor, authority: Area, kind: RemovalKind, summary: str, reason: str
) -> Removal:
    return removal_record(
        Removal, user=user, authority=authority, kind=kind, summary=summary, reason=reason
    )


# --- derived figures ----------------------------------------------------------------------


def complaints_summaries_derive(*, authority: Area) -> None:
    """Write the authority's quarterly summaries as figures, and remove a derived figure whose
    quarter has nothing to count any more. Call inside the writing transaction."""
    complaints = [
        metrics.ComplaintFacts(stage, received, responded, outcome, within)
        for stage, received, responded, outcome, within in Complaint.objects.filter(
            authority=authority
        ).values_list("stage", "received", "responded", "outcome", "within_timescale")
    ]
    compliment_dates = list(
        Compliment.objects.filter(authority=authority).values_list("received", flat=True)
    )
    questions = [
        metrics.QuestionFacts(conducted_on, percent, respondents, measure)
        for conducted_on, percent, respondents, measure in SurveyQuestion.objects.filter(
            survey__authority=authority
        ).values_list("survey__conducted_on", "percent_positive", "respondents", "measure")
    ]
    wanted = metrics.summarise(
        complaints=complaints,
        compliment_dates=compliment_dates,
        questions=questions,
        today=timezone.localdate(),
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=metrics.DERIVED_CODES)}
    periods = {
        period.start: period
        for period in Period.objects.filter(
            kind=PeriodKind.QUARTER, start__in={start for _code, start in wanted}
        )
    }
    for (code, start), derived in sorted(wanted.items()):
        indicator = indicators.get(code)
        if indicator is None:
            continue  # the catalogue is not loaded (a bare test database)
        period = periods.get(start) or Period.objects.get_or_create_for(PeriodKind.QUARTER, start)
        figure_set(
            user=access.SYSTEM,
            area=authority,
            indicator=indicator,
            period=period,
            value=derived.value,
            numerator=derived.numerator,
            denominator=derived.denominator,
            source=FigureSource.RECORDS,
            status=FigureStatus.APPROVED,
            channel=ChangeChannel.DERIVED,
            reason=DERIVED_REASON,
        )
    stale = [
        figure
        for figure in Figure.objects.filter(
            area=authority,
            indicator__code__in=metrics.DERIVED_CODES,
            period__kind=PeriodKind.QUARTER,
            breakdown__isnull=True,
            source=FigureSource.RECORDS,
        ).select_related("indicator", "period")
        if (figure.indicator.code, figure.period.start) not in wanted
    ]
    if stale:
        figures_from_records_remove(
            user=access.SYSTEM,
            figures=stale,
            reason="Its records were removed from the complaints log",
        )


# --- complaints -------------------------------------------------------------------------------


def _check_complaint(
    *, stage: str, received: date, responded: date | None, outcome: str, today: date
) -> None:
    if stage not in Stage.values:
        raise ValidationError({"stage": "Choose the stage."})
    if received > today:
        raise ValidationError({"received": "The date received cannot be in the future."})
    if responded is not None:
        if responded < received:
            raise ValidationError(
                {"responded": "The response cannot be dated before the complaint was received."}
            )
        if responded > today:
            raise ValidationError({"responded": "The response date cannot be in the future."})
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": "Choose the outcome of the answered complaint."})
    elif outcome:
        raise ValidationError({"responded": "Give the date of the response with its outcome."})


def _apply_timeliness(complaint: Complaint) -> None:
    result = metrics.timeliness(
        stage=complaint.stage,
        received=complaint.received,
        responded=complaint.responded,
        extended=complaint.extended,
    )
    complaint.working_days = result.working_days
    complaint.within_timescale = result.within_timescale


@transaction.atomic
def complaint_create(
    *,
    user: User | SystemActor,
    authority: Area,
    reference: str,
    stage: str,
    received: date,
    responded: date | None = None,
    outcome: str = "",
    extended: bool = False,
    team: str = "",
    themes: Sequence[str] = (),
) -> Complaint:
    _require_editor(user, authority)
    complaint = _complaint_add(
        user=user,
        authority=authority,
        reference=reference,
        stage=stage,
        received=received,
        responded=responded,
        outcome=outcome,
        extended=extended,
        team=team,
        themes=themes,
    )
    complaints_summaries_derive(authority=authority)
    return complaint


def _complaint_add(
    *,
    user: User | SystemActor,
    authority: Area,
    reference: str,
    stage: str,
    received: date,
    responded: date | None,
    outcome: str,
    extended: bool,
    team: str,
    themes: Sequence[str],
) -> Complaint:
    """One complaint, checked and stored, for an actor already checked; the caller derives."""
    reference = reference.strip()
    problem = reference_problem(reference)
    if problem:
        raise ValidationError({"reference": problem})
    if Complaint.objects.filter(authority=authority, reference__iexact=reference).exists():
        raise ValidationError({"reference": f"{reference} is already in the complaints log."})
    _check_complaint(
        stage=stage,
        received=received,
        responded=responded,
        outcome=outcome,
        today=timezone.localdate(),
    )
    complaint = Complaint(
        authority=authority,
        reference=reference,
        stage=stage,
        received=received,
        responded=responded,
        outcome=outcome,
        extended=extended,
        team=team.strip(),
        themes=[theme.strip() for theme in themes if theme.strip()],
        updated_by=access.person(user),
    )
    _apply_timeliness(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def complaint_respond(
    *,
    user: User | SystemActor,
    complaint: Complaint,
    responded: date,
    outcome: str,
    extended: bool = False,
) -> Complaint:
    """Record the response and outcome of a complaint (or correct them)."""
    _require_editor(user, complaint.authority)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_complaint(
        stage=complaint.stage,
        received=complaint.received,
        responded=responded,
        outcome=outcome,
        today=timezone.localdate(),
    )
    complaint.responded = responded
    complaint.outcome = outcome
    complaint.extended = extended
    complaint.updated_by = access.person(user)
    _apply_timeliness(complaint)
    complaint.save()
    complaints_summaries_derive(authority=complaint.authority)
    return complaint


# A record of the authority's own: a complaint, a compliment or a survey.
R = TypeVar("R", Complaint, Compliment, VoiceSurvey)


def _owned(record: R, authority: Area, refusal: str) -> R:
    """The record, locked for the change, when it is the authority's; refused otherwise (a
    record of another authority named in a request)."""
    locked = (
        type(record)
        ._default_manager.select_for_update()
        .filter(pk=record.pk, authority=authority)
        .first()
    )
    if locked is None:
        raise ValidationError(refusal.format(authority=authority.name))
    return locked


@transaction.atomic
def complaint_update(
    *,
    user: User | SystemActor,
    authority: Area,
    complaint: Complaint,
    reference: str,
    stage: str,
    received: date,
    responded: date | None = None,
    outcome: str = "",
    extended: bool = False,
    team: str = "",
    themes: Sequence[str] = (),
) -> Complaint:
    """Correct any of a complaint's fields; working days and "within timescale" are derived
    again from the dates, and the quarter summaries with them."""
    _require_editor(user, complaint.authority, authority)
    complaint = _owned(
        complaint, authority, "This complaint is not in {authority}'s complaints log."
    )
    reference = reference.strip()
    problem = reference_problem(reference)
    if problem:
        raise ValidationError({"reference": problem})
    if (
        Complaint.objects.filter(authority=authority, reference__iexact=reference)
        .exclude(pk=complaint.pk)
        .exists()
    ):
        raise ValidationError({"reference": f"{reference} is already in the complaints log."})
    _check_complaint(
        stage=stage,
        received=received,
        responded=responded,
        outcome=outcome,
        today=timezone.localdate(),
    )
    complaint.reference = reference
    complaint.stage = stage
    complaint.received = received
    complaint.responded = responded
    complaint.outcome = outcome
    complaint.extended = extended
    complaint.team = team.strip()
    complaint.themes = [theme.strip() for theme in themes if theme.strip()]
    complaint.updated_by = access.person(user)
    _apply_timeliness(complaint)
    complaint.save()
    complaints_summaries_derive(authority=authority)
    return complaint


@transaction.atomic
def complaint_delete(
    *, user: User | SystemActor, authority: Area, complaint: Complaint, reason: str
) -> Removal:
    """Remove a complaint entered by mistake, say so on the record of removals, and derive its
    quarter's summaries again."""
    _require_editor(user, complaint.authority, authority)
    complaint = _owned(
        complaint, authority, "This complaint is not in {authority}'s complaints log."
    )
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.COMPLAINT,
        summary=removals.complaint(complaint),
        reason=reason_given(reason),
    )
    complaint.delete()
    complaints_summaries_derive(authority=authority)
    return removal


def complaint_log_commit(
    *, user: User | SystemActor, authority: Area, records: Sequence[ComplaintRecord]
) -> list[int]:
    """Store the parsed rows of a complaints log (logs.parse_complaints_log, no errors) and
    re-derive the summaries once. Runs inside the caller's transaction (the import batch's):
    a refusal raises ValidationError and the caller's rollback leaves nothing written."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("complaint_log_commit runs inside the import batch's transaction.")
    _require_editor(user, authority)  # once for the batch, not once a row
    ids = [
        _complaint_add(
            user=user,
            authority=authority,
            reference=record.reference,
            stage=record.stage,
            received=record.received,
            responded=record.responded,
            outcome=record.outcome,
            extended=record.extended,
            team=record.team,
            themes=record.themes,
        ).pk
        for record in records
    ]
    complaints_summaries_derive(authority=authority)
    return ids


def complaint_log_rollback(
    *,
    user: User | SystemActor,
    authority: Area,
    complaint_ids: Sequence[int],
    reason: str = LOG_ROLLBACK_REASON,
    file_name: str = "",
) -> None:
    """Remove the complaints a log import created, and re-derive the summaries without them.
    The record of removals gets one entry for the batch (how many, from which file, received
    when), not one per complaint; none when they had all been removed already."""
    _require_editor(user, authority)
    reason = reason_given(reason)
    with transaction.atomic():
        complaints = Complaint.objects.filter(authority=authority, pk__in=complaint_ids)
        received = list(complaints.values_list("received", flat=True))
        if received:
            _record_removal(
                user=user,
                authority=authority,
                kind=RemovalKind.COMPLAINTS_LOG,
                summary=removals.complaints_log(received, file_name=file_name),
                reason=reason,
            )
        complaints.delete()
        complaints_summaries_derive(authority=authority)


# --- compliments and surveys --------------------------------------------------------------


def _flag(item: RedactableText) -> None:
    """Propose the flags for new words; words with nothing to hide still wait for a person."""
    item.flags = [
        [span.start, span.end, span.kind] for span in redaction.flag_identifiers(item.text)
    ]
    item.redaction_state = RedactionState.FLAGGED
    item.redacted_text = ""


@transaction.atomic
def compliment_create(
    *,
    user: User | SystemActor,
    authority: Area,
    received: date,
    team: str = "",
    themes: Sequence[str] = (),
    quote: str = "",
) -> Compliment:
    _require_editor(user, authority)
    if received > timezone.localdate():
        raise ValidationError({"received": "The date received cannot be in the future."})
    compliment = Compliment(
        authority=authority,
        received=received,
        team=team.strip(),
        themes=[theme.strip() for theme in themes if theme.strip()],
        text=quote.strip(),
    )
    _flag(compliment)
    if not compliment.text:
        # Nothing was quoted, so nothing can identify anyone.
        compliment.redaction_state = RedactionState.CLEARED
        compliment.cleared_at = timezone.now()
        compliment.cleared_by = access.person(user)
    compliment.save()
    complaints_summaries_derive(authority=authority)
    return compliment


@transaction.atomic
def compliment_update(
    *,
    user: User | SystemActor,
    authority: Area,
    compliment: Compliment,
    received: date,
    team: str = "",
    themes: Sequence[str] = (),
    quote: str = "",
) -> Compliment:
    """Correct a compliment. New words in its quote go back through redaction: flagged again,
    and shown nowhere until a person confirms them (an empty quote has nothing to hide)."""
    _require_editor(user, compliment.authority, authority)
    compliment = _owned(compliment, authority, "This compliment is not one of {authority}'s.")
    if received > timezone.localdate():
        raise ValidationError({"received": "The date received cannot be in the future."})
    compliment.received = received
    compliment.team = team.strip()
    compliment.themes = [theme.strip() for theme in themes if theme.strip()]
    quote = quote.strip()
    if quote != compliment.text:
        compliment.text = quote
        _flag(compliment)
        compliment.cleared_at = None
        compliment.cleared_by = None
        if not compliment.text:
            compliment.redaction_state = RedactionState.CLEARED
            compliment.cleared_at = timezone.now()
            compliment.cleared_by = access.person(user)
    compliment.save()
    complaints_summaries_derive(authority=authority)
    return compliment


@transaction.atomic
def compliment_delete(
    *, user: User | SystemActor, authority: Area, compliment: Compliment, reason: str
) -> Removal:
    """Remove a compliment entered by mistake, say so on the record of removals, and derive
    its quarter's count again."""
    _require_editor(user, compliment.authority, authority)
    compliment = _owned(compliment, authority, "This compliment is not one of {authority}'s.")
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.COMPLIMENT,
        summary=removals.compliment(compliment),
        reason=reason_given(reason),
    )
    compliment.delete()
    complaints_summaries_derive(authority=authority)
    return removal


@dataclass(frozen=True)
class QuestionInput:
    text: str
    percent_positive: Decimal
    respondents: int | None = None
    measure: str = ""


@transaction.atomic
def survey_create(
    *,
    user: User | SystemActor,
    authority: Area,
    title: str,
    audience: str,
    conducted_on: date,
    questions: Sequence[QuestionInput],
) -> VoiceSurvey:
    _require_editor(user, authority)
    _check_survey(title=title, conducted_on=conducted_on, questions=questions)
    survey = VoiceSurvey.objects.create(
        authority=authority, title=title.strip(), audience=audience, conducted_on=conducted_on
    )
    _store_questions(survey, questions)
    complaints_summaries_derive(authority=authority)
    return survey


def _check_survey(*, title: str, conducted_on: date, questions: Sequence[QuestionInput]) -> None:
    if not title.strip():
        raise ValidationError({"title": "Give the survey a title."})
    if conducted_on > timezone.localdate():
        raise ValidationError(
            {"conducted_on": "The survey's closing date cannot be in the future."}
        )
    if not questions:
        raise ValidationError("Give at least one question with its % positive.")
    for question in questions:
        if not (Decimal(0) <= question.percent_positive <= Decimal(100)):
            raise ValidationError(f"{question.text}: % positive must be from 0 to 100.")


def _store_questions(survey: VoiceSurvey, questions: Sequence[QuestionInput]) -> None:
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            text=question.text.strip(),
            percent_positive=question.percent_positive,
            respondents=question.respondents,
            measure=question.measure,
            order=index,
        )
        for index, question in enumerate(questions)
    )


@transaction.atomic
def survey_update(
    *,
    user: User | SystemActor,
    authority: Area,
    survey: VoiceSurvey,
    title: str,
    audience: str,
    conducted_on: date,
    questions: Sequence[QuestionInput],
) -> VoiceSurvey:
    """Correct a survey and replace its questions with those given (in that order); its
    comments stay as they are."""
    _require_editor(user, survey.authority, authority)
    survey = _owned(survey, authority, "This survey is not one of {authority}'s.")
    _check_survey(title=title, conducted_on=conducted_on, questions=questions)
    survey.title = title.strip()
    survey.audience = audience
    survey.conducted_on = conducted_on
    survey.save()
    survey.questions.all().delete()
    _store_questions(survey, questions)
    complaints_summaries_derive(authority=authority)
    return survey


@transaction.atomic
def survey_delete(
    *, user: User | SystemActor, authority: Area, survey: VoiceSurvey, reason: str
) -> Removal:
    """Remove a survey with its questions and comments, say so on the record of removals, and
    derive the summaries again."""
    _require_editor(user, survey.authority, authority)
    survey = _owned(survey, authority, "This survey is not one of {authority}'s.")
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.SURVEY,
        summary=removals.survey(
            survey, questions=survey.questions.count(), comments=survey.comments.count()
        ),
        reason=reason_given(reason),
    )
    survey.delete()
    complaints_summaries_derive(authority=authority)
    return removal


@transaction.atomic
def survey_comment_add(
    *, user: User | SystemActor, survey: VoiceSurvey, text: str
) -> SurveyComment:
    _require_editor(user, survey.authority)
    if not text.strip():
        raise ValidationError({"text": "Enter the comment."})
    comment = SurveyComment(survey=survey, text=text.strip())
    _flag(comment)
    comment.save()
    return comment


@transaction.atomic
def survey_comment_delete(
    *, user: User | SystemActor, authority: Area, comment: SurveyComment, reason: str
) -> Removal:
    """Remove a comment entered by mistake and say so on the record of removals. Comments are
    not counted in any summary, but the summaries are derived again all the same, as after
    every removal (it costs one pass)."""
    _require_editor(user, comment.survey.authority, authority)
    locked = (
        SurveyComment.objects.select_for_update()
        .select_related("survey")
        .filter(pk=comment.pk, survey__authority=authority)
        .first()
    )
    if locked is None:
        raise ValidationError(f"This comment is not one of {authority.name}'s.")
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.COMMENT,
        summary=removals.comment(locked),
        reason=reason_given(reason),
    )
    locked.delete()
    complaints_summaries_derive(authority=authority)
    return removal


# --- redaction ------------------------------------------------------------------------------


def _authority_of(item: RedactableText) -> Area:
    """The authority a quote or comment belongs to: a compliment's own, a comment's survey's."""
    if isinstance(item, SurveyComment):
        return item.survey.authority
    if isinstance(item, Compliment):
        return item.authority
    raise TypeError(f"{type(item).__name__} is not a quote or comment.")


def _locked(item: RedactableText) -> RedactableText:
    locked: RedactableText = type(item).objects.select_for_update().get(pk=item.pk)  # type: ignore[attr-defined]
    if locked.is_cleared:
        raise ValidationError("This has already been cleared: its flags cannot change.")
    return locked


@transaction.atomic
def redaction_flag_add(
    *, user: User | SystemActor, item: RedactableText, words: str
) -> RedactableText:
    """Flag every occurrence of words a person spotted (a name in lower case, a nickname)."""
    _require_editor(user, _authority_of(item))
    item = _locked(item)
    spans = redaction.spans_for_words(item.text, words)
    if not spans:
        raise ValidationError({"words": f"{words.strip()!r} does not appear in the text."})
    current = [redaction.Span(start, end, kind) for start, end, kind in item.flags]
    item.flags = [[s.start, s.end, s.kind] for s in redaction.merge([*current, *spans])]
    item.save(update_fields=["flags"])
    return item


@transaction.atomic
def redaction_confirm(
    *, user: User, item: RedactableText, keep: Sequence[int] | None = None
) -> RedactableText:
    """A person confirms the flags: those in `keep` (indexes into the flags; all when None) are
    replaced with "XXXX", the others were false flags and are dropped. Only now is the text
    cleared for pages, packs and exports. A person's judgement, so never the system's: the
    actor is typed as a user, and the system actor is refused all the same."""
    _require_editor(user, _authority_of(item))
    user = access.require_person(user, doing="confirm what a quote or comment may show")
    item = _locked(item)
    flags = [redaction.Span(start, end, kind) for start, end, kind in item.flags]
    if keep is not None:
        if any(index < 0 or index >= len(flags) for index in keep):
            raise ValidationError("The flags changed while you were reviewing: look again.")
        flags = [flags[index] for index in sorted(set(keep))]
    item.flags = [[s.start, s.end, s.kind] for s in flags]
    item.redacted_text = redaction.redact(item.text, flags)
    item.redaction_state = RedactionState.CLEARED
    item.cleared_at = timezone.now()
    item.cleared_by = user
    item.save(
        update_fields=["flags", "redacted_text", "redaction_state", "cleared_at", "cleared_by"]
    )
    return item
