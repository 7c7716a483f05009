"""Writes to case audits keep the derived summary figures (AUDIT-GOOD, AUDIT-MODERATION) true."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts import access
from audits import services
from audits.models import ActionUpdate, CaseAudit
from indicators.models import Figure, FigureSource, FigureStatus, Period
from tests import factories as core
from tests.audits.factories import audit, quality_world, summary_indicators

pytestmark = pytest.mark.django_db

Q1_2017 = date(2017, 4, 1)


def _figure(authority, indicator, quarter_start=Q1_2017) -> Figure | None:
    return Figure.objects.filter(
        area=authority, indicator=indicator, period__kind="quarter", period__start=quarter_start
    ).first()


@pytest.fixture
def authority():
    return core.AreaFactory(name="Authority A", slug="authority-a")


def test_audits_derive_the_quarter_figures(authority, django_capture_on_commit_callbacks) -> None:
    good, moderation = summary_indicators()
    audit(authority, "CIN-0001", date(2017, 4, 10), "good")
    audit(authority, "CIN-0002", date(2017, 5, 10), "good", "requires_improvement")
    audit(authority, "CIN-0003", date(2017, 6, 10), "outstanding", "outstanding")
    audit(authority, "CIN-0004", date(2017, 6, 11), "inadequate")

    figure = _figure(authority, good)
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, Decimal("50.0000"))
    assert figure.source == FigureSource.RECORDS
    assert figure.status == FigureStatus.APPROVED
    assert figure.changes.first().reason == "Derived from case audits"
    agreed = _figure(authority, moderation)
    assert (agreed.numerator, agreed.denominator) == (1, 2)


def test_a_changed_judgement_updates_and_a_deleted_audit_removes(authority) -> None:
    good, moderation = summary_indicators()
    first = audit(authority, "CIN-0001", date(2017, 4, 10), "requires_improvement")
    assert _figure(authority, good).value == 0

    services.case_audit_save(
        user=access.SYSTEM,
        authority=authority,
        audit=first,
        case_reference="CIN-0001",
        audit_date=first.audit_date,
        judgement="requires_improvement",
        moderated_judgement="good",
    )
    figure = _figure(authority, good)
    assert figure.value == 100
    assert first.moderation_outcome == "changed"
    assert _figure(authority, moderation).value == 0

    services.case_audit_delete(
        reason="Entered for the wrong case",
        user=access.SYSTEM,
        authority=authority,
        audit=CaseAudit.objects.get(pk=first.pk),
    )
    assert _figure(authority, good) is None
    assert _figure(authority, moderation) is None


def test_moving_an_audit_to_another_quarter_moves_its_figure(authority) -> None:
    good, _ = summary_indicators()
    moved = audit(authority, "CIN-0001", date(2017, 4, 10))
    services.case_audit_save(
        user=access.SYSTEM,
        authority=authority,
        audit=moved,
        case_reference="CIN-0001",
        audit_date=date(2017, 7, 10),
        judgement="good",
    )
    assert _figure(authority, good) is None
    assert _figure(authority, good, date(2017, 7, 1)).value == 100


def test_a_typed_quarter_figure_is_left_alone(authority) -> None:
    good, _ = summary_indicators()
    quarter = Period.objects.get_or_create_for("quarter", Q1_2017)
    core.figure(authority, good, quarter, "80", source=FigureSource.TYPED)
    audit(authority, "CIN-0001", date(2017, 4, 10), "inadequate")
    assert _figure(authority, good).value == 80


def test_a_name_is_refused_as_a_case_reference(authority) -> None:
    with pytest.raises(ValidationError):
        audit(authority, "John Smith", date(2017, 4, 10))
    assert not CaseAudit.objects.exists()


def test_moderation_needs_a_judgement(authority) -> None:
    with pytest.raises(ValidationError):
        audit(authority, "CIN-0001", date(2017, 4, 10), "", "good")
    assert not CaseAudit.objects.exists()


def test_another_authoritys_programme_is_refused(authority) -> None:
    other = core.AreaFactory(name="Authority B", slug="authority-b")
    programme = quality_world(other).programme
    with pytest.raises(ValidationError, match="does not belong"):
        audit(authority, "CIN-0001", date(2017, 4, 10), programme=programme)


def test_an_action_update_sets_the_actions_rag(authority) -> None:
    world = quality_world(authority)
    services.action_update_add(
        user=access.SYSTEM,
        action=world.action,
        written_on=date(2018, 1, 5),
        note="Two posts filled",
        rag="green",
        completed=True,
    )
    world.action.refresh_from_db()
    assert (world.action.rag, world.action.completed) == ("green", True)
    assert ActionUpdate.objects.get().rag == "green"


def test_the_nightly_run_derives_a_quarter_once_it_has_ended(monkeypatch) -> None:
    from datetime import date as real_date

    from audits import services as audit_services
    from audits.tasks import derive_audit_summaries
    from indicators.models import Figure
    from tests import factories as core
    from tests.audits.factories import audit, summary_indicators

    summary_indicators()
    authority = core.AreaFactory(name="Nightshire", slug="nightshire")
    # Entered during the quarter: no figure yet, since the quarter has not ended.
    monkeypatch.setattr(audit_services.timezone, "localdate", lambda: real_date(2024, 5, 20))
    audit(authority, "CIN-0500", real_date(2024, 5, 2), judgement="good")
    audit(authority, "CIN-0501", real_date(2024, 5, 9), judgement="inadequate")
    assert not Figure.objects.filter(area=authority, indicator__code="AUDIT-GOOD").exists()

    # The night after the quarter ends, the run derives it.
    monkeypatch.setattr(audit_services.timezone, "localdate", lambda: real_date(2024, 7, 1))
    assert derive_audit_summaries() == 1
    figure = Figure.objects.get(area=authority, indicator__code="AUDIT-GOOD")
    assert (figure.numerator, figure.denominator, figure.period.start) == (
        1,
        2,
        real_date(2024, 4, 1),
    )
