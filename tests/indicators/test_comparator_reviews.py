"""The admin's approval of comparator figures (docs/0025): who may, what it approves (and what
it refuses, writing nothing), the audit trail it leaves, and the page's reads of what waits."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access
from accounts.models import Role
from indicators import selectors, services
from indicators.models import (
    AreaKind,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureStatus,
    PeriodKind,
)
from tests import factories
from tests.conftest import Personas, World


@pytest.fixture
def wales(world: World):
    """Wales with submitted figures of three years (an old one among them), an authority
    nobody works for here with a submitted figure, and authority A's own submitted figure."""
    wales = factories.AreaFactory(name="Wales", slug="wales", kind=AreaKind.NATION)
    lonely = factories.AreaFactory(name="Authority C", slug="authority-c")
    measure = factories.IndicatorFactory(code="PM24", frequency="quarterly")
    figures = [
        factories.figure(
            wales, measure, factories.financial_year(year), "70", status=FigureStatus.SUBMITTED
        )
        for year in (2012, 2016, 2017)
    ]
    quarter = factories.period(PeriodKind.QUARTER, date(2017, 4, 1))
    figures.append(factories.figure(wales, measure, quarter, "71", status=FigureStatus.SUBMITTED))
    others = factories.figure(
        lonely, measure, factories.financial_year(2016), "60", status=FigureStatus.SUBMITTED
    )
    own = factories.figure(
        world.authority_a, measure, factories.financial_year(2016), "65", status="submitted"
    )
    return wales, lonely, measure, figures, others, own


@pytest.mark.django_db
def test_waiting_holds_nations_and_authorities_no_one_reviews_of_every_year(
    personas: Personas, wales
):
    _wales, _lonely, _measure, figures, others, own = wales
    waiting = set(selectors.comparator_figures_waiting(personas.admin))
    assert waiting == {*figures, others}
    assert own not in waiting  # authority A has its own officers and managers


@pytest.mark.django_db
def test_waiting_narrows_to_an_area_and_a_financial_year(personas: Personas, wales):
    wales_area, _lonely, _measure, figures, _others, _own = wales
    chosen = selectors.comparator_figures_waiting(
        personas.admin, area_id=wales_area.pk, year_start=date(2017, 6, 1)
    )
    assert set(chosen) == {figures[2], figures[3]}  # the year 2017/18 and its first quarter


@pytest.mark.django_db
def test_only_admins_see_what_waits(personas: Personas, wales):
    for user in (personas.officer_a, personas.manager_a, personas.councillor_a):
        with pytest.raises(PermissionDenied):
            selectors.comparator_figures_waiting(user)


@pytest.mark.django_db
def test_approval_approves_every_year_writes_the_audit_trail_and_counts(personas: Personas, wales):
    _wales_area, _lonely, _measure, figures, others, own = wales
    versions = {figure.pk: figure.version for figure in [*figures, others]}
    approval = services.comparator_figures_approve(
        user=personas.admin,
        figures=selectors.comparator_figures_waiting(personas.admin),
        expected=5,
    )
    assert approval.approved == 5
    assert approval.areas == ("Authority C", "Wales")
    assert approval.message == "Approved 5 figures of Authority C and Wales."
    for figure in Figure.objects.filter(pk__in=versions):
        assert figure.status == FigureStatus.APPROVED
        assert figure.version == versions[figure.pk] + 1
        assert figure.updated_by == personas.admin
    own.refresh_from_db()
    assert own.status == FigureStatus.SUBMITTED  # its managers approve it, not this
    changes = FigureChange.objects.filter(figure_id__in=versions)
    assert changes.count() == 5
    for change in changes:
        assert change.channel == ChangeChannel.ADMIN
        assert change.changed_by == personas.admin
        assert (change.old_status, change.new_status) == ("submitted", "approved")
        assert change.old_value == change.new_value == change.figure.value
        assert change.reason == "Approved"
    assert not FigureChange.objects.filter(figure=own).exists()


@pytest.mark.django_db
def test_one_figure_approved_says_so_in_the_singular(personas: Personas, wales):
    _wales, _lonely, _measure, _figures, others, _own = wales
    approval = services.comparator_figures_approve(
        user=personas.admin, figures=Figure.objects.filter(pk=others.pk)
    )
    assert approval.message == "Approved 1 figure of Authority C."


@pytest.mark.django_db
def test_non_admins_are_refused_and_nothing_is_written(personas: Personas, wales):
    for user in (personas.officer_a, personas.manager_a, personas.councillor_a):
        with pytest.raises(PermissionDenied, match="Only administrators"):
            services.comparator_figures_approve(user=user, figures=Figure.objects.all())
    assert not FigureChange.objects.exists()
    assert Figure.objects.filter(status=FigureStatus.SUBMITTED).count() == 6


@pytest.mark.django_db
def test_the_system_may_approve(wales):
    _wales, _lonely, _measure, figures, _others, _own = wales
    approval = services.comparator_figures_approve(
        user=access.SYSTEM, figures=Figure.objects.filter(pk=figures[0].pk)
    )
    assert approval.approved == 1
    assert FigureChange.objects.get().changed_by is None


@pytest.mark.django_db
def test_an_authority_with_its_own_reviewers_is_refused_all_or_nothing(personas: Personas, wales):
    _wales, _lonely, _measure, _figures, _others, _own = wales
    with pytest.raises(ValidationError, match="Authority A has officers or managers of its own"):
        services.comparator_figures_approve(user=personas.admin, figures=Figure.objects.all())
    # Nothing at all was approved: not even Wales's.
    assert not FigureChange.objects.exists()
    assert Figure.objects.filter(status=FigureStatus.SUBMITTED).count() == 6


@pytest.mark.django_db
def test_an_authority_gaining_an_officer_leaves_the_comparator_approval(personas: Personas, wales):
    _wales, lonely, _measure, _figures, others, _own = wales
    factories.MembershipFactory(authority=lonely, role=Role.OFFICER)
    assert others not in set(selectors.comparator_figures_waiting(personas.admin))
    with pytest.raises(ValidationError, match="Authority C has officers"):
        services.comparator_figures_approve(
            user=personas.admin, figures=Figure.objects.filter(pk=others.pk)
        )


@pytest.mark.django_db
def test_a_councillor_alone_does_not_make_an_authority_review_its_own(personas: Personas, wales):
    _wales, lonely, _measure, _figures, others, _own = wales
    factories.MembershipFactory(authority=lonely, role=Role.COUNCILLOR)
    assert others in set(selectors.comparator_figures_waiting(personas.admin))


@pytest.mark.django_db
def test_a_changed_count_is_refused(personas: Personas, wales):
    wales_area, *_rest = wales
    with pytest.raises(ValidationError, match="4 now match, not 3"):
        services.comparator_figures_approve(
            user=personas.admin, figures=Figure.objects.filter(area=wales_area), expected=3
        )
    assert not FigureChange.objects.exists()


@pytest.mark.django_db
def test_nothing_submitted_is_refused_and_other_statuses_stay(personas: Personas, world: World):
    england_figure = Figure.objects.get(area=world.england)
    with pytest.raises(ValidationError, match="No submitted comparator figure"):
        services.comparator_figures_approve(
            user=personas.admin, figures=Figure.objects.filter(pk=england_figure.pk)
        )
    england_figure.refresh_from_db()
    assert england_figure.status == FigureStatus.APPROVED
    assert england_figure.version == 1


@pytest.mark.django_db
def test_elsewhere_than_postgresql_figures_are_approved_in_chunks(
    personas: Personas, wales, monkeypatch
):
    from types import SimpleNamespace

    from indicators.services import comparator_reviews

    # The portable path (SQLite, the embedded default), in chunks of two.
    monkeypatch.setattr(comparator_reviews, "connection", SimpleNamespace(vendor="sqlite"))
    monkeypatch.setattr(comparator_reviews, "APPROVE_CHUNK", 2)
    wales_area, *_rest = wales
    approval = services.comparator_figures_approve(
        user=personas.admin, figures=Figure.objects.filter(area=wales_area)
    )
    assert approval.approved == 4
    assert not Figure.objects.filter(area=wales_area, status="submitted").exists()
    assert set(Figure.objects.filter(area=wales_area).values_list("version", flat=True)) == {2}
    assert FigureChange.objects.count() == 4


@pytest.mark.django_db
def test_a_revised_figure_stays_marked_revised(personas: Personas, wales):
    _wales_area, _lonely, _measure, figures, _others, _own = wales
    Figure.objects.filter(pk=figures[0].pk).update(is_revised=True)
    services.comparator_figures_approve(
        user=personas.admin, figures=Figure.objects.filter(pk=figures[0].pk)
    )
    figures[0].refresh_from_db()
    assert figures[0].is_revised
    assert figures[0].status == FigureStatus.APPROVED
