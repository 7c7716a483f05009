"""Completeness, approval and return, targets with history, the figure history export, and
the audit trail of every path that writes (admin, roll-up, set-up; the entry form is tested
in test_entry.py)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts import access
from indicators import services
from indicators.models import (
    ChangeChannel,
    Figure,
    FigureChange,
    FigureStatus,
    PeriodKind,
    Target,
    TargetChange,
)
from tests import factories
from tests.conftest import Personas, World

SEPTEMBER = "2021-09"


@pytest.fixture
def month(world: World, personas: Personas):
    """Authority A's September 2021: two monthly measures, one submitted and one in draft."""
    september = factories.period(PeriodKind.MONTH, date(2021, 9, 1))
    visits = factories.IndicatorFactory(
        code="VISITS", title="% children seen within 4 weeks", frequency="monthly"
    )
    plans = factories.IndicatorFactory(
        code="PLANS",
        title="Children on plans",
        frequency="monthly",
        unit="count",
        roll_up="latest",
        polarity="none",
    )
    factories.IndicatorFactory(code="LEAVERS", title="Care leavers in touch", frequency="monthly")
    submitted = factories.figure(
        world.authority_a, visits, september, "77", status=FigureStatus.SUBMITTED
    )
    draft = factories.figure(world.authority_a, plans, september, "686", status="draft")
    return september, submitted, draft


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_completeness_page_counts_each_state(personas: Personas, month) -> None:
    body = client_for(personas.officer_a).get(f"/a/authority-a/review/{SEPTEMBER}/").content
    text = body.decode()
    assert "<strong>1</strong> missing" in text
    assert "<strong>1</strong> draft" in text
    assert "<strong>1</strong> submitted" in text
    assert "Approve all" not in text  # officers do not approve


@pytest.mark.django_db
def test_a_manager_approves_one_figure_and_it_is_locked(personas: Personas, month) -> None:
    _september, submitted, _draft = month
    response = client_for(personas.manager_a).post(
        f"/a/authority-a/review/{SEPTEMBER}/approve/",
        {"figure": submitted.pk, "version": submitted.version},
        follow=True,
    )
    assert "Approved 1 figure for September 2021" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.APPROVED
    change = submitted.changes.first()
    assert change is not None and change.changed_by == personas.manager_a
    assert (change.old_status, change.new_status) == ("submitted", "approved")
    with pytest.raises(services.ApprovedFigureError, match="give a reason"):
        services.figure_set(
            user=personas.officer_a,
            area=submitted.area,
            indicator=submitted.indicator,
            period=submitted.period,
            value=Decimal(80),
            reason="typed",
        )


@pytest.mark.django_db
def test_correcting_an_approved_figure_marks_it_revised_for_fresh_approval(
    personas: Personas, month
) -> None:
    _september, figure, _draft = month
    services.figure_approve(user=personas.manager_a, figure=figure)
    corrected = services.figure_set(
        user=personas.officer_a,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal(79),
        correction_reason="Two visits were recorded late",
        reason="typed",
    )
    assert corrected.is_revised
    assert corrected.status == FigureStatus.SUBMITTED
    page = client_for(personas.manager_a).get("/a/authority-a/indicators/VISITS/")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "79% in September 2021 (revised) (submitted)" in text
    assert corrected.changes.first().reason == "Correction: Two visits were recorded late"


@pytest.mark.django_db
def test_a_stale_approval_is_refused(personas: Personas, month) -> None:
    _september, submitted, _draft = month
    response = client_for(personas.manager_a).post(
        f"/a/authority-a/review/{SEPTEMBER}/approve/",
        {"figure": submitted.pk, "version": submitted.version - 1 or 99},
        follow=True,
    )
    assert "changed after you opened this page" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.SUBMITTED


@pytest.mark.django_db
def test_a_manager_returns_a_figure_with_a_comment(personas: Personas, month) -> None:
    _september, submitted, _draft = month
    path = f"/a/authority-a/review/{SEPTEMBER}/return/{submitted.pk}/"
    client = client_for(personas.manager_a)
    empty = client.post(path, {"comment": "", "version": submitted.version})
    assert "Say what needs to change" in empty.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.SUBMITTED
    client.post(path, {"comment": "North's visits look low", "version": submitted.version})
    submitted.refresh_from_db()
    assert submitted.status == FigureStatus.RETURNED
    assert submitted.review_comment == "North's visits look low"
    officer_view = client_for(personas.officer_a).get(f"/a/authority-a/review/{SEPTEMBER}/")
    assert "Returned: North&#x27;s visits look low" in officer_view.content.decode()


@pytest.mark.django_db
def test_approve_all_approves_every_submitted_figure(personas: Personas, month) -> None:
    _september, submitted, draft = month
    client_for(personas.manager_a).post(
        f"/a/authority-a/review/{SEPTEMBER}/approve/", {"all_submitted": "on"}
    )
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == FigureStatus.APPROVED
    assert draft.status == FigureStatus.DRAFT  # a draft is not the manager's to approve


@pytest.mark.django_db
def test_an_officer_sets_a_target_and_its_history_is_kept(personas: Personas, world: World):
    path = f"/a/authority-a/targets/{world.indicator.code}/fy-2017-18/"
    client = client_for(personas.officer_a)
    refused = client.post(path, {"lower": "95", "upper": "90", "tolerance": "2", "reason": "x"})
    assert "The upper bound must not be below the lower bound" in refused.content.decode()
    assert Target.objects.get(authority=world.authority_a).lower == 90  # unchanged
    client.post(path, {"lower": "88", "upper": "95", "tolerance": "1", "reason": "Agreed at DMT"})
    target = Target.objects.get(authority=world.authority_a)
    assert (target.lower, target.upper, target.tolerance) == (88, 95, 1)
    change = TargetChange.objects.get(target=target)
    assert (change.old_lower, change.new_lower, change.reason) == (90, 88, "Agreed at DMT")
    assert change.channel == ChangeChannel.FORM
    page = client.get(path).content.decode()
    assert "Agreed at DMT" in page
    assert client_for(personas.manager_a).get(path).status_code == 403


@pytest.mark.django_db
def test_the_history_export_escapes_formulae(personas: Personas, world: World) -> None:
    figure = Figure.objects.get(area=world.authority_a, period__start__year=2017)
    figure.status = "draft"
    figure.save()
    services.figure_set(
        user=personas.officer_a,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal(88),
        commentary='=HYPERLINK("http://example.com","click")',
        reason="typed",
    )
    response = client_for(personas.manager_a).get(
        f"/a/authority-a/indicators/{world.indicator.code}/history.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["period"] == "2017/18"
    assert rows[0]["changed by"] == str(personas.officer_a)
    assert not rows[0]["new_commentary"].startswith("=")


@pytest.mark.django_db
def test_the_indicator_page_shows_the_figures_history(personas: Personas, world: World):
    figure = Figure.objects.get(area=world.authority_a, period__start__year=2017)
    figure.status = "draft"
    figure.save()
    services.figure_set(
        user=personas.officer_a,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal(88),
        reason="Entered on the entry form",
    )
    page = client_for(personas.manager_a).get(f"/a/authority-a/indicators/{world.indicator.code}/")
    body = page.content.decode()
    assert "History of Authority A’s figures" in body
    assert "Entered on the entry form" in body
    assert "87%" in body and "88%" in body


# --- the audit trail of each path that writes ---------------------------------------------


@pytest.mark.django_db
def test_an_admin_edit_goes_through_the_service_with_a_reason(personas, world) -> None:
    figure = Figure.objects.get(area=world.authority_a, period__start__year=2017)
    client = client_for(personas.admin)
    path = f"/admin/indicators/figure/{figure.pk}/change/"
    form = {
        "area": figure.area_id,
        "indicator": figure.indicator_id,
        "period": figure.period_id,
        "value": "86",
        "status": "approved",
        "source": "typed",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    refused = client.post(path, form)  # no reason given
    assert refused.status_code == 200
    figure.refresh_from_db()
    assert figure.value == 87
    response = client.post(path, {**form, "change_reason": "Late recording corrected"})
    assert response.status_code == 302, response.content.decode()[:2000]
    figure.refresh_from_db()
    assert figure.value == 86 and figure.is_revised
    change = figure.changes.first()
    assert change.channel == ChangeChannel.ADMIN
    assert change.changed_by == personas.admin
    assert change.reason == "Correction: Late recording corrected"


@pytest.mark.django_db
def test_an_admin_target_change_is_kept_in_its_history(personas, world) -> None:
    target = Target.objects.get(authority=world.authority_a)
    response = client_for(personas.admin).post(
        f"/admin/indicators/target/{target.pk}/change/",
        {
            "authority": target.authority_id,
            "indicator": target.indicator_id,
            "financial_year": target.financial_year_id,
            "lower": "91",
            "upper": "95",
            "tolerance": "2",
            "change_reason": "Typo",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = TargetChange.objects.get(target=target)
    assert (change.channel, change.old_lower, change.new_lower) == ("admin", 90, 91)


@pytest.mark.django_db
def test_derived_figures_are_recorded_as_derived(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    indicator = factories.IndicatorFactory(
        code="M", frequency="monthly", unit="count", roll_up="sum"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for number in (4, 5, 6):
            services.figure_set(
                user=access.SYSTEM,
                area=world.authority_a,
                indicator=indicator,
                period=factories.period(PeriodKind.MONTH, date(2021, number, 1)),
                value=Decimal(10),
                reason="typed",
            )
    quarter = Figure.objects.get(indicator=indicator, period__kind=PeriodKind.QUARTER)
    assert quarter.changes.get().channel == ChangeChannel.DERIVED


@pytest.mark.django_db
def test_set_up_commands_record_their_changes(eager_tasks) -> None:
    from indicators.demo import demo_load

    demo_load()
    assert FigureChange.objects.exclude(channel__in=["system", "derived"]).count() == 0
    assert TargetChange.objects.filter(channel="system").count() == Target.objects.count()
