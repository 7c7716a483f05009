"""Every state-changing service of the complaints app checks its actor itself.

Called directly, as a task, a command or a new view might call it, by someone who may not
change the authority's complaints, compliments and voice records (an officer of another
authority, the authority's councillor or manager, no user at all, a signed-out user), each
service refuses with PermissionDenied and writes nothing. The same call by the authority's
officer goes through, so every refusal is the rule's and not a broken call.

`complaints_summaries_derive` is not here: it takes no actor, being the application's own
derivation, and writes only what the stored records already say.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import access
from complaints import services
from complaints.logs import ComplaintRecord
from indicators.models import Area, Figure
from tests.conftest import Personas, World

pytestmark = pytest.mark.django_db

QUESTIONS = [services.QuestionInput("Do you feel safe?", Decimal(90), 40, "safe")]


def _records(authority: Area) -> dict[str, Any]:
    """One record of each kind, as the application's set-up makes them; the compliment and
    the comment are waiting for review, as new words are."""
    complaint = services.complaint_create(
        user=access.SYSTEM,
        authority=authority,
        reference="CMP-1",
        stage="1",
        received=date(2017, 4, 3),
    )
    compliment = services.compliment_create(
        user=access.SYSTEM, authority=authority, received=date(2017, 5, 1), quote="Thanks Jayden"
    )
    survey = services.survey_create(
        user=access.SYSTEM,
        authority=authority,
        title="Your Voice",
        audience="children",
        conducted_on=date(2017, 11, 30),
        questions=QUESTIONS,
    )
    comment = services.survey_comment_add(
        user=access.SYSTEM, survey=survey, text="Explain to me what is going on"
    )
    return {"complaint": complaint, "compliment": compliment, "survey": survey, "comment": comment}


# (service, whether it is given a record of the authority, the call with valid arguments)
Call = Callable[[Any, dict[str, Any], Area], object]
CALLS: list[tuple[str, bool, Call]] = [
    (
        "complaint_create",
        False,
        lambda user, r, a: services.complaint_create(
            user=user, authority=a, reference="CMP-2", stage="2", received=date(2017, 6, 1)
        ),
    ),
    (
        "complaint_respond",
        True,
        lambda user, r, a: services.complaint_respond(
            user=user, complaint=r["complaint"], responded=date(2017, 4, 10), outcome="upheld"
        ),
    ),
    (
        "complaint_update",
        True,
        lambda user, r, a: services.complaint_update(
            user=user,
            authority=a,
            complaint=r["complaint"],
            reference="CMP-1A",
            stage="1",
            received=date(2017, 4, 3),
        ),
    ),
    (
        "complaint_delete",
        True,
        lambda user, r, a: services.complaint_delete(
            user=user, authority=a, complaint=r["complaint"], reason="Entered twice"
        ),
    ),
    (
        "complaint_log_commit",
        False,
        lambda user, r, a: services.complaint_log_commit(
            user=user,
            authority=a,
            records=[
                ComplaintRecord(
                    reference="CMP-3",
                    stage="1",
                    received=date(2017, 7, 3),
                    responded=None,
                    outcome="",
                    extended=False,
                    team="",
                    themes=(),
                )
            ],
        ),
    ),
    (
        "complaint_log_rollback",
        False,
        lambda user, r, a: services.complaint_log_rollback(
            user=user, authority=a, complaint_ids=[r["complaint"].pk]
        ),
    ),
    (
        "compliment_create",
        False,
        lambda user, r, a: services.compliment_create(
            user=user, authority=a, received=date(2017, 6, 1)
        ),
    ),
    (
        "compliment_update",
        True,
        lambda user, r, a: services.compliment_update(
            user=user, authority=a, compliment=r["compliment"], received=date(2017, 5, 2)
        ),
    ),
    (
        "compliment_delete",
        True,
        lambda user, r, a: services.compliment_delete(
            user=user, authority=a, compliment=r["compliment"], reason="Entered twice"
        ),
    ),
    (
        "survey_create",
        False,
        lambda user, r, a: services.survey_create(
            user=user,
            authority=a,
            title="Parents' survey",
            audience="parents",
            conducted_on=date(2017, 12, 1),
            questions=QUESTIONS,
        ),
    ),
    (
        "survey_update",
        True,
        lambda user, r, a: services.survey_update(
            user=user,
            authority=a,
            survey=r["survey"],
            title="Your Voice 2017",
            audience="children",
            conducted_on=date(2017, 11, 30),
            questions=QUESTIONS,
        ),
    ),
    (
        "survey_delete",
        True,
        lambda user, r, a: services.survey_delete(
            user=user, authority=a, survey=r["survey"], reason="Entered twice"
        ),
    ),
    (
        "survey_comment_add",
        True,
        lambda user, r, a: services.survey_comment_add(
            user=user, survey=r["survey"], text="More activities please"
        ),
    ),
    (
        "survey_comment_delete",
        True,
        lambda user, r, a: services.survey_comment_delete(
            user=user, authority=a, comment=r["comment"], reason="Entered twice"
        ),
    ),
    (
        "redaction_flag_add",
        True,
        lambda user, r, a: services.redaction_flag_add(user=user, item=r["comment"], words="going"),
    ),
    (
        "redaction_confirm",
        True,
        lambda user, r, a: services.redaction_confirm(user=user, item=r["compliment"]),
    ),
]


def _stored() -> dict[str, list[dict[str, Any]]]:
    """Every row of every complaints table, and the figures."""
    models = [*apps.get_app_config("complaints").get_models(include_auto_created=True), Figure]
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
def test_the_service_refuses_whoever_may_not_change_records_and_writes_nothing(
    world: World, personas: Personas, name: str, takes_record: bool, call: Call
) -> None:
    records = _records(world.authority_a)
    before = _stored()
    for who, user in _refused(personas).items():
        with pytest.raises(PermissionDenied, match="Your account does not let you change"):
            call(user, records, world.authority_a)
        assert _stored() == before, f"{name} wrote something for the {who}"

    call(personas.officer_a, records, world.authority_a)
    assert _stored() != before, f"{name} wrote nothing for authority A's officer"


@pytest.mark.parametrize(
    ("name", "call"),
    [(n, c) for n, record, c in CALLS if record],
    ids=[c[0] for c in CALLS if c[1]],
)
def test_a_record_of_another_authority_is_refused_though_its_own_authority_is_named(
    world: World, personas: Personas, name: str, call: Call
) -> None:
    """Authority B's officer names authority B (where they may change records) and passes one
    of A's records: the record's own authority decides, so it is a refusal, not a write."""
    records = _records(world.authority_a)
    before = _stored()
    with pytest.raises(PermissionDenied, match="Authority A"):
        call(personas.officer_b, records, world.authority_b)
    assert _stored() == before


def test_only_a_person_confirms_a_redaction(world: World, personas: Personas) -> None:
    """What a quote may show is a person's judgement: the application itself is refused, and
    the officer who confirms is stored as the one who cleared it."""
    compliment = _records(world.authority_a)["compliment"]
    with pytest.raises(PermissionDenied, match="Only a person"):
        services.redaction_confirm(user=access.SYSTEM, item=compliment)
    compliment.refresh_from_db()
    assert not compliment.is_cleared

    services.redaction_confirm(user=personas.officer_a, item=compliment)
    compliment.refresh_from_db()
    assert compliment.is_cleared and compliment.cleared_by == personas.officer_a


def test_the_person_who_changed_a_complaint_is_stored(world: World, personas: Personas) -> None:
    complaint = _records(world.authority_a)["complaint"]
    assert complaint.updated_by is None  # the application's set-up: nobody
    services.complaint_respond(
        user=personas.officer_a, complaint=complaint, responded=date(2017, 4, 10), outcome="upheld"
    )
    complaint.refresh_from_db()
    assert complaint.updated_by == personas.officer_a
