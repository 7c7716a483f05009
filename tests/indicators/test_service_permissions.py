"""Every figure and target service checks the acting user itself (issue 13, part 3).

Each service is called directly, as the views never would, by someone the views refuse: an
officer of another authority, the authority's councillor, a manager where only officers
enter figures, an officer where only managers approve, a non-admin where only admins may, a
missing user (None) and an anonymous one. Each is refused with PermissionDenied and nothing
is written: no figure, target or audit row changes and nothing is queued. The same call by
someone who may (an officer, a manager, an admin, the system) does write, so each refusal is
the actor's and nothing else's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.models import Role
from indicators import services
from indicators.models import (
    ChangeChannel,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    PeriodKind,
    Target,
    TargetChange,
)
from tests import factories
from tests.conftest import Personas, World


@dataclass
class Scene:
    world: World
    draft: Figure  # authority A, 2018/19: a draft, ready to submit
    submitted: Figure  # authority A, 2019/20: submitted for approval
    derived: Figure  # authority A, a quarter derived from its case audits
    monthly: Indicator  # with April to June 2021 typed for authority A, to roll up


@pytest.fixture
def scene(world: World, personas: Personas) -> Scene:
    a = world.authority_a
    draft = factories.figure(
        a, world.indicator, factories.financial_year(2018), "85", status=FigureStatus.DRAFT
    )
    submitted = factories.figure(
        a, world.indicator, factories.financial_year(2019), "86", status=FigureStatus.SUBMITTED
    )
    audits = factories.IndicatorFactory(code="AUDIT-GOOD", frequency="quarterly")
    derived = factories.figure(
        a,
        audits,
        factories.period(PeriodKind.QUARTER, date(2021, 4, 1)),
        "60",
        source=FigureSource.RECORDS,
    )
    monthly = factories.IndicatorFactory(
        code="REFERRALS", unit="count", frequency="monthly", roll_up="sum", polarity="none"
    )
    for number in (4, 5, 6):
        factories.figure(a, monthly, factories.period(PeriodKind.MONTH, date(2021, number, 1)), "9")
    # England's figure an import left submitted, for the comparator approval.
    factories.figure(
        world.england,
        world.indicator,
        factories.financial_year(2012),
        "81",
        status=FigureStatus.SUBMITTED,
    )
    return Scene(world, draft, submitted, derived, monthly)


@pytest.fixture
def actors(personas: Personas, world: World) -> dict[str, Any]:
    manager_b = factories.UserFactory(username="manager_b")
    factories.MembershipFactory(user=manager_b, authority=world.authority_b, role=Role.MANAGER)
    return {
        **personas.all(),
        "manager_b": manager_b,
        "system": access.SYSTEM,
        "none": None,
        "anonymous": AnonymousUser(),
    }


def _year_2020(scene: Scene) -> Any:
    return factories.financial_year(2020)


def _set_typed(actor: Any, scene: Scene) -> Any:
    return services.figure_set(
        user=actor,
        area=scene.world.authority_a,
        indicator=scene.world.indicator,
        period=_year_2020(scene),
        value=Decimal(88),
        reason="typed",
    )


def _set_england(actor: Any, scene: Scene) -> Any:
    return services.figure_set(
        user=actor,
        area=scene.world.england,
        indicator=scene.world.indicator,
        period=_year_2020(scene),
        value=Decimal(84),
        reason="typed",
    )


def _set_approved(actor: Any, scene: Scene) -> Any:
    return services.figure_set(
        user=actor,
        area=scene.world.authority_a,
        indicator=scene.world.indicator,
        period=_year_2020(scene),
        value=Decimal(88),
        status=FigureStatus.APPROVED,
        reason="typed as approved",
    )


def _set_published(actor: Any, scene: Scene) -> Any:
    return services.figure_set(
        user=actor,
        area=scene.world.authority_a,
        indicator=scene.world.indicator,
        period=_year_2020(scene),
        value=Decimal(88),
        source=FigureSource.PUBLISHED,
        reason="typed as published",
    )


def _set_derived(actor: Any, scene: Scene) -> Any:
    # The derived channel skips the lock on approved figures: the system's, not a person's.
    return services.figure_set(
        user=actor,
        area=scene.world.authority_a,
        indicator=scene.world.indicator,
        period=_year_2020(scene),
        value=Decimal(88),
        channel=ChangeChannel.DERIVED,
        reason="derived",
    )


def _entries_save(actor: Any, scene: Scene) -> Any:
    result = services.period_entries_save(
        user=actor,
        authority=scene.world.authority_a,
        period=_year_2020(scene),
        entries=[services.EntryInput(indicator=scene.world.indicator, value=Decimal(88))],
        confirm_warnings=True,
    )
    assert result.saved_ok
    return result


def _submit(actor: Any, scene: Scene) -> Any:
    return services.figures_submit(
        user=actor, authority=scene.world.authority_a, period=factories.financial_year(2018)
    )


def _approve(actor: Any, scene: Scene) -> Any:
    return services.figure_approve(user=actor, figure=scene.submitted)


def _approve_all(actor: Any, scene: Scene) -> Any:
    return services.figures_approve(user=actor, figures=[scene.submitted])


def _return(actor: Any, scene: Scene) -> Any:
    return services.figure_return(user=actor, figure=scene.submitted, comment="Check the count")


def _target(actor: Any, scene: Scene) -> Any:
    return services.target_set(
        user=actor,
        authority=scene.world.authority_a,
        indicator=scene.world.indicator,
        financial_year=factories.financial_year(2018),
        lower=Decimal(85),
        upper=Decimal(95),
    )


def _content(scene: Scene, **fields: Any) -> services.FigureContent:
    values: dict[str, Any] = {
        "area": scene.world.authority_a,
        "indicator": scene.world.indicator,
        "period": _year_2020(scene),
        "value": Decimal(88),
        "status": FigureStatus.SUBMITTED,
        "source": FigureSource.IMPORTED,
    } | fields
    return services.FigureContent(**values)


def _import_sheet(actor: Any, scene: Scene) -> Any:
    return services.figures_import(user=actor, contents=[_content(scene)], reason="Import 1")


def _import_published(actor: Any, scene: Scene) -> Any:
    published = _content(
        scene, status=FigureStatus.APPROVED, source=FigureSource.PUBLISHED, value=Decimal(87)
    )
    return services.figures_import(user=actor, contents=[published], reason="Import 2")


def _import_england(actor: Any, scene: Scene) -> Any:
    england = _content(
        scene,
        area=scene.world.england,
        status=FigureStatus.APPROVED,
        source=FigureSource.PUBLISHED,
    )
    return services.figures_import(user=actor, contents=[england], reason="Import 3")


def _restore_removing(actor: Any, scene: Scene) -> Any:
    return services.figures_restore(
        user=actor, figures=[(scene.draft.pk, None)], reason="Rollback of import 1"
    )


def _restore_changing(actor: Any, scene: Scene) -> Any:
    before = {
        "value": "70",
        "numerator": None,
        "denominator": None,
        "suppression": "",
        "status": FigureStatus.DRAFT,
        "source": FigureSource.TYPED,
        "source_note": "",
        "is_provisional": False,
        "is_estimated": False,
        "commentary": "",
    }
    return services.figures_restore(
        user=actor, figures=[(scene.draft.pk, before)], reason="Rollback of import 1"
    )


def _roll_up(actor: Any, scene: Scene) -> Any:
    derived = services.figures_roll_up(
        user=actor,
        area=scene.world.authority_a,
        indicator=scene.monthly,
        period=factories.period(PeriodKind.MONTH, date(2021, 4, 1)),
    )
    assert derived  # the quarter
    return derived


def _from_records_remove(actor: Any, scene: Scene) -> Any:
    return services.figures_from_records_remove(
        user=actor, figures=[scene.derived], reason="Its case audits were removed"
    )


def _approve_comparators(actor: Any, scene: Scene) -> Any:
    return services.comparator_figures_approve(
        user=actor, figures=Figure.objects.filter(area=scene.world.england)
    )


Call = Callable[[Any, Scene], Any]
OUTSIDERS = ["officer_b", "manager_b", "councillor_a", "none", "anonymous"]
NOT_ADMINS = ["officer_a", "manager_a", "officer_b", "councillor_a", "none", "anonymous"]

# service: (the call, who may, who may not)
RULES: dict[str, tuple[Call, list[str], list[str]]] = {
    # An authority's figures and targets: its performance officers, not its managers.
    "figure_set": (_set_typed, ["officer_a", "admin", "system"], ["manager_a", *OUTSIDERS]),
    "period_entries_save": (_entries_save, ["officer_a", "admin"], ["manager_a", *OUTSIDERS]),
    "figures_submit": (_submit, ["officer_a", "admin"], ["manager_a", *OUTSIDERS]),
    "target_set": (_target, ["officer_a", "admin", "system"], ["manager_a", *OUTSIDERS]),
    "figures_import (a spreadsheet)": (
        _import_sheet,
        ["officer_a", "admin"],
        ["manager_a", *OUTSIDERS],
    ),
    "figures_restore (removing)": (
        _restore_removing,
        ["officer_a", "admin", "system"],
        ["manager_a", *OUTSIDERS],
    ),
    "figures_restore (giving back)": (
        _restore_changing,
        ["officer_a", "admin"],
        ["manager_a", *OUTSIDERS],
    ),
    "figures_roll_up": (_roll_up, ["system", "officer_a"], ["manager_a", *OUTSIDERS]),
    "figures_from_records_remove": (
        _from_records_remove,
        ["system", "admin"],
        ["manager_a", *OUTSIDERS],
    ),
    # Approving and returning: the authority's managers, not its officers.
    "figure_approve": (_approve, ["manager_a", "admin"], ["officer_a", *OUTSIDERS]),
    "figures_approve": (_approve_all, ["manager_a", "admin"], ["officer_a", *OUTSIDERS]),
    "figure_return": (_return, ["manager_a", "admin"], ["officer_a", *OUTSIDERS]),
    # Admins (and the system) only: England's figures, published statistics, figures written
    # as approved, and the derived channel.
    "figure_set (England)": (_set_england, ["admin", "system"], NOT_ADMINS),
    "figure_set (as approved)": (_set_approved, ["admin", "system"], NOT_ADMINS),
    "figure_set (as published)": (_set_published, ["admin", "system"], NOT_ADMINS),
    "figure_set (derived channel)": (_set_derived, ["admin", "system"], NOT_ADMINS),
    "figures_import (published)": (_import_published, ["admin", "system"], NOT_ADMINS),
    "figures_import (England)": (_import_england, ["admin"], NOT_ADMINS),
    # Comparator figures (docs/0025): admins, and the system.
    "comparator_figures_approve": (_approve_comparators, ["admin", "system"], NOT_ADMINS),
}


def _cases(which: int) -> list[Any]:
    return [
        pytest.param(name, actor, id=f"{name}-{actor}")
        for name, rule in RULES.items()
        for actor in rule[which]
    ]


def _stored() -> tuple[Any, ...]:
    """Everything these services could write, as it stands."""
    return (
        sorted(
            Figure.objects.values_list(
                "id",
                "area_id",
                "period_id",
                "value",
                "status",
                "source",
                "version",
                "updated_by_id",
                "review_comment",
            )
        ),
        sorted(FigureChange.objects.values_list("id", flat=True)),
        sorted(
            Target.objects.values_list("id", "financial_year_id", "lower", "upper", "tolerance")
        ),
        sorted(TargetChange.objects.values_list("id", flat=True)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("service", list(RULES))
def test_a_service_refuses_whoever_the_views_refuse_and_writes_nothing(
    scene, actors, service, django_capture_on_commit_callbacks
) -> None:
    """Every refused actor in turn (one scene per service: a refusal writes nothing, so the
    next actor meets the same data)."""
    call, _may, refused = RULES[service]
    before = _stored()
    for actor in refused:
        with django_capture_on_commit_callbacks() as queued:
            try:
                call(actors[actor], scene)
            except PermissionDenied as refusal:
                # A message a person can act on.
                assert "administrator" in str(refusal), actor
            else:
                pytest.fail(f"{service} let {actor} through")
        assert _stored() == before, actor
        assert queued == [], actor  # no roll-up, no dashboard rebuild


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "actor"), _cases(1))
def test_the_same_call_by_someone_who_may_writes(scene, actors, service, actor) -> None:
    call = RULES[service][0]
    before = _stored()
    call(actors[actor], scene)
    assert _stored() != before


@pytest.mark.django_db
def test_the_audit_trail_names_the_person_and_nobody_for_the_system(scene, actors) -> None:
    figure = _set_typed(actors["officer_a"], scene)
    assert figure.changes.get().changed_by == actors["officer_a"]
    derived = services.figure_set(
        user=access.SYSTEM,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal(89),
        channel=ChangeChannel.DERIVED,
        reason="derived",
    )
    assert derived.updated_by is None
    assert [change.changed_by for change in derived.changes.all()] == [None, actors["officer_a"]]


@pytest.mark.django_db
def test_an_officer_may_correct_an_approved_figure_which_then_awaits_approval(
    scene, actors
) -> None:
    """Writing `status=approved` over an approved figure is a correction, not an approval:
    allowed to its officer, and sent back for a manager to approve."""
    approved = Figure.objects.get(
        area=scene.world.authority_a, period=factories.financial_year(2017)
    )
    corrected = services.figure_set(
        user=actors["officer_a"],
        area=approved.area,
        indicator=approved.indicator,
        period=approved.period,
        value=Decimal(88),
        status=FigureStatus.APPROVED,
        correction_reason="Late recording found",
        reason="Correction",
    )
    assert (corrected.status, corrected.is_revised) == (FigureStatus.SUBMITTED, True)


@pytest.mark.django_db
def test_approving_many_refuses_them_all_when_one_is_another_authoritys(
    scene, actors, world
) -> None:
    theirs = factories.figure(
        world.authority_b,
        world.indicator,
        factories.financial_year(2019),
        "71",
        status=FigureStatus.SUBMITTED,
    )
    before = _stored()
    with pytest.raises(PermissionDenied, match="approve Authority B's figures"):
        services.figures_approve(user=actors["manager_a"], figures=[scene.submitted, theirs])
    assert _stored() == before
