"""Every state-changing service of the audits app checks its actor itself.

Called directly, as a task, a command or a new view might call it, by someone who may not
record the authority's quality assurance (an officer of another authority, the authority's
councillor or manager, no user at all, a signed-out user), each service refuses with
PermissionDenied and writes nothing. The same call by the authority's officer goes through,
so every refusal is the rule's and not a broken call.

`audit_summaries_derive` is not here: it takes no actor, being the application's own
derivation, and writes only what the stored audits already say.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import access
from audits import services
from audits.logs import AuditRecord
from indicators.models import Area, Figure
from tests.audits.factories import QualityWorld, quality_world
from tests.conftest import Personas, World

pytestmark = pytest.mark.django_db

# (service, whether it is given a record of the authority, the call with valid arguments)
Call = Callable[[Any, QualityWorld, Area], object]
CALLS: list[tuple[str, bool, Call]] = [
    (
        "learning_theme_add",
        False,
        lambda user, q, a: services.learning_theme_add(user=user, authority=a, name="Neglect"),
    ),
    (
        "case_audit_save",
        False,
        lambda user, q, a: services.case_audit_save(
            user=user,
            authority=a,
            case_reference="CIN-0099",
            audit_date=date(2017, 6, 1),
            judgement="good",
        ),
    ),
    (
        "case_audit_save (a change)",
        True,
        lambda user, q, a: services.case_audit_save(
            user=user,
            authority=a,
            audit=q.audit,
            case_reference=q.audit.case_reference,
            audit_date=q.audit.audit_date,
            judgement="inadequate",
        ),
    ),
    (
        "case_audit_delete",
        True,
        lambda user, q, a: services.case_audit_delete(
            user=user, authority=a, audit=q.audit, reason="Entered twice"
        ),
    ),
    (
        "audit_log_commit",
        False,
        lambda user, q, a: services.audit_log_commit(
            user=user,
            authority=a,
            records=[
                AuditRecord(
                    row=2, case_reference="CIN-0100", audit_date=date(2017, 6, 2), judgement="good"
                )
            ],
        ),
    ),
    (
        "audit_log_rollback",
        False,
        lambda user, q, a: services.audit_log_rollback(
            user=user, authority=a, audit_ids=[q.audit.pk]
        ),
    ),
    (
        "programme_save",
        False,
        lambda user, q, a: services.programme_save(
            user=user, authority=a, values={"name": "Deep dive", "kind": "deep_dive"}
        ),
    ),
    (
        "programme_save (a change)",
        True,
        lambda user, q, a: services.programme_save(
            user=user, authority=a, programme=q.programme, values={"name": "Renamed"}
        ),
    ),
    (
        "finding_save",
        True,
        lambda user, q, a: services.finding_save(
            user=user,
            authority=a,
            finding=q.finding,
            values={"text": "Plans are not always clear", "audit": q.audit},
        ),
    ),
    (
        "finding_delete",
        True,
        lambda user, q, a: services.finding_delete(
            user=user, authority=a, finding=q.finding, reason="Entered twice"
        ),
    ),
    (
        "observation_save",
        True,
        lambda user, q, a: services.observation_save(
            user=user, authority=a, observation=q.observation, values={"setting": "Supervision"}
        ),
    ),
    (
        "observation_delete",
        True,
        lambda user, q, a: services.observation_delete(
            user=user, authority=a, observation=q.observation, reason="Entered twice"
        ),
    ),
    (
        "practice_week_save",
        True,
        lambda user, q, a: services.practice_week_save(
            user=user, authority=a, week=q.practice_week, values={"name": "Autumn week"}
        ),
    ),
    (
        "practice_week_delete",
        True,
        lambda user, q, a: services.practice_week_delete(
            user=user, authority=a, week=q.practice_week, reason="Entered twice"
        ),
    ),
    (
        "inspection_save",
        True,
        lambda user, q, a: services.inspection_save(
            user=user, authority=a, inspection=q.inspection, values={"focus": "Front door"}
        ),
    ),
    (
        "inspection_delete",
        True,
        lambda user, q, a: services.inspection_delete(
            user=user, authority=a, inspection=q.inspection, reason="Entered twice"
        ),
    ),
    (
        "plan_save",
        True,
        lambda user, q, a: services.plan_save(
            user=user, authority=a, plan=q.plan, values={"name": "Plan 2018"}
        ),
    ),
    (
        "priority_save",
        True,
        lambda user, q, a: services.priority_save(
            user=user, plan=q.plan, priority=q.priority, values={"title": "Early help"}
        ),
    ),
    (
        "action_save",
        True,
        lambda user, q, a: services.action_save(
            user=user, priority=q.priority, action=q.action, values={"rag": "green"}
        ),
    ),
    (
        "action_delete",
        True,
        lambda user, q, a: services.action_delete(
            user=user, authority=a, action=q.action, reason="Entered twice"
        ),
    ),
    (
        "action_update_add",
        True,
        lambda user, q, a: services.action_update_add(
            user=user,
            action=q.action,
            written_on=date(2017, 6, 1),
            note="Two posts filled",
            rag="green",
            completed=False,
        ),
    ),
]


def _stored() -> dict[str, list[dict[str, Any]]]:
    """Every row of every audits table (themes links included), and the figures."""
    models = [*apps.get_app_config("audits").get_models(include_auto_created=True), Figure]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def _refused(personas: Personas) -> dict[str, Any]:
    return {
        "officer of authority B": personas.officer_b,
        "councillor of authority A": personas.councillor_a,
        "manager of authority A": personas.manager_a,
        "no user": None,
        "a signed-out user": AnonymousUser(),
    }


@pytest.mark.parametrize(("name", "takes_record", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_the_service_refuses_whoever_may_not_record_and_writes_nothing(
    world: World, personas: Personas, name: str, takes_record: bool, call: Call
) -> None:
    quality = quality_world(world.authority_a)
    before = _stored()
    for who, user in _refused(personas).items():
        with pytest.raises(PermissionDenied, match="Your account does not let you record"):
            call(user, quality, world.authority_a)
        assert _stored() == before, f"{name} wrote something for the {who}"

    call(personas.officer_a, quality, world.authority_a)
    assert _stored() != before, f"{name} wrote nothing for authority A's officer"


@pytest.mark.parametrize(
    ("name", "call"),
    [(n, c) for n, record, c in CALLS if record],
    ids=[c[0] for c in CALLS if c[1]],
)
def test_a_record_of_another_authority_is_refused_though_its_own_authority_is_named(
    world: World, personas: Personas, name: str, call: Call
) -> None:
    """Authority B's officer names authority B (where they may record) and passes one of A's
    records: the record's own authority decides, so it is a refusal, not a write to A."""
    quality = quality_world(world.authority_a)
    before = _stored()
    with pytest.raises(PermissionDenied, match="Authority A"):
        call(personas.officer_b, quality, world.authority_b)
    assert _stored() == before


def test_the_system_passes_and_is_recorded_as_nobody(world: World) -> None:
    """The demo loader and tests' set-up act as the application itself: let through, and
    stored as no user rather than as a person."""
    audit = services.case_audit_save(
        user=access.SYSTEM,
        authority=world.authority_a,
        case_reference="CIN-0001",
        audit_date=date(2017, 5, 3),
        judgement="good",
    )
    assert audit.updated_by is None


def test_a_change_stores_the_person_who_made_it(world: World, personas: Personas) -> None:
    quality = quality_world(world.authority_a)
    services.case_audit_save(
        user=personas.officer_a,
        authority=world.authority_a,
        audit=quality.audit,
        case_reference=quality.audit.case_reference,
        audit_date=quality.audit.audit_date,
        judgement="inadequate",
    )
    update = services.action_update_add(
        user=personas.officer_a,
        action=quality.action,
        written_on=date(2017, 6, 1),
        note="Two posts filled",
        rag="green",
        completed=False,
    )
    quality.audit.refresh_from_db()
    assert quality.audit.updated_by == personas.officer_a
    assert update.written_by == personas.officer_a
