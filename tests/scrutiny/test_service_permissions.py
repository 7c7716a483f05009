"""Every pack service checks the acting user itself (issue 13, part 3).

The pack rules (`accounts.access`): an authority's performance officers (and admins) compose
its packs and submit them; its managers (and admins) return, approve and publish them, and
approval takes someone other than whoever created the pack. Each service is called directly
by someone those rules refuse (an officer of another authority, the authority's councillor,
its manager where only officers compose, its officer where only managers review, None, an
anonymous user, and the system, since packs are people's work) and must refuse with
PermissionDenied having written nothing: no pack, section, choice of indicators or workflow
event changes. The same call by someone who may writes, so each refusal is the actor's.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import access
from indicators.models import Indicator
from scrutiny import services
from scrutiny.models import Pack, PackEvent, PackSection, SectionKind, TemplateKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(personas) -> dict[str, Any]:
    return {
        **personas.all(),
        "system": access.SYSTEM,
        "none": None,
        "anonymous": AnonymousUser(),
    }


# --- what each call acts on, made by those who may --------------------------------------------


def _draft(pack: Pack, personas: Any) -> Pack:
    return pack


def _in_review(pack: Pack, personas: Any) -> Pack:
    return services.pack_submit(user=personas.officer_a, pack=pack)


def _approved(pack: Pack, personas: Any) -> Pack:
    services.pack_submit(user=personas.officer_a, pack=pack)
    return services.pack_approve(user=personas.manager_a, pack=pack)


def _admins_in_review(pack: Pack, personas: Any) -> Pack:
    """A pack the admin created and submitted: someone else must approve it."""
    theirs = services.pack_create(
        user=personas.admin,
        authority=pack.authority,
        title="The admin's pack",
        committee="Scrutiny",
        meeting_date=date(2018, 6, 19),
        period=pack.period,
        template=TemplateKind.SCRUTINY_PACK,
    )
    return services.pack_submit(user=personas.admin, pack=theirs)


# --- the calls ---------------------------------------------------------------------------------


def _create(actor: Any, pack: Pack) -> Any:
    return services.pack_create(
        user=actor,
        authority=pack.authority,
        title="Performance 2017/18, second edition",
        committee="Children's Select Committee",
        meeting_date=date(2018, 9, 18),
        period=factories.financial_year(2017),
        template=TemplateKind.SCRUTINY_PACK,
    )


def _add(actor: Any, pack: Pack) -> Any:
    return services.section_add(
        user=actor, pack=pack, kind=SectionKind.NARRATIVE, title="Recommendations"
    )


def _remove(actor: Any, pack: Pack) -> Any:
    return services.section_remove(user=actor, section=pack.sections.order_by("order").first())


def _move(actor: Any, pack: Pack) -> Any:
    first = pack.sections.order_by("order").first()
    return services.section_move(user=actor, section=first, direction="down")


def _edit(actor: Any, pack: Pack) -> Any:
    section = pack.sections.order_by("order").first()
    return services.section_edit(user=actor, section=section, narrative="Rewritten.")


def _choose_indicators(actor: Any, pack: Pack) -> Any:
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    indicator = Indicator.objects.get(code="ASMT-T")
    return services.section_edit(user=actor, section=appendix, indicators=[indicator])


def _submit(actor: Any, pack: Pack) -> Any:
    return services.pack_submit(user=actor, pack=pack)


def _return(actor: Any, pack: Pack) -> Any:
    return services.pack_return(user=actor, pack=pack, comment="Add the workforce figures.")


def _approve(actor: Any, pack: Pack) -> Any:
    return services.pack_approve(user=actor, pack=pack)


def _publish(actor: Any, pack: Pack) -> Any:
    return services.pack_publish(user=actor, pack=pack)


Prepare = Callable[[Pack, Any], Pack]
Call = Callable[[Any, Pack], Any]
# Never: another authority's officer, the councillor, nobody, and the application itself.
STRANGERS = ["officer_b", "councillor_a", "none", "anonymous", "system"]
COMPOSE = (["officer_a", "admin"], ["manager_a", *STRANGERS])
REVIEW = (["manager_a", "admin"], ["officer_a", *STRANGERS])

# service: (what it acts on, the call, who may, who may not)
RULES: dict[str, tuple[Prepare, Call, list[str], list[str]]] = {
    "pack_create": (_draft, _create, *COMPOSE),
    "section_add": (_draft, _add, *COMPOSE),
    "section_remove": (_draft, _remove, *COMPOSE),
    "section_move": (_draft, _move, *COMPOSE),
    "section_edit": (_draft, _edit, *COMPOSE),
    "section_edit (indicators)": (_draft, _choose_indicators, *COMPOSE),
    "pack_submit": (_draft, _submit, *COMPOSE),
    "pack_return": (_in_review, _return, *REVIEW),
    "pack_approve": (_in_review, _approve, *REVIEW),
    "pack_publish": (_approved, _publish, *REVIEW),
    # A second person approves: not the admin who created the pack, though admins may.
    "pack_approve (a pack the admin created)": (
        _admins_in_review,
        _approve,
        ["manager_a"],
        ["admin", "officer_a", *STRANGERS],
    ),
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
        sorted(Pack.objects.values_list("id", "status", "title", "published_at")),
        sorted(
            PackSection.objects.values_list("id", "order", "title", "narrative", "frozen", "theme")
        ),
        sorted(
            PackSection.indicators.through.objects.values_list("packsection_id", "indicator_id")
        ),
        sorted(PackEvent.objects.values_list("id", flat=True)),
    )


@pytest.mark.parametrize("service", list(RULES))
def test_a_service_refuses_whoever_the_pack_rules_refuse_and_writes_nothing(
    pack, personas, actors, service
) -> None:
    """Every refused actor in turn (one pack per service: a refusal writes nothing, so the
    next actor meets the same pack)."""
    prepare, call, _may, refused = RULES[service]
    prepared = prepare(pack, personas)
    before = _stored()
    for actor in refused:
        try:
            call(actors[actor], prepared)
        except PermissionDenied:
            pass
        else:
            pytest.fail(f"{service} let {actor} through")
        assert _stored() == before, actor


@pytest.mark.parametrize(("service", "actor"), _cases(2))
def test_the_same_call_by_someone_who_may_writes(pack, personas, actors, service, actor) -> None:
    prepare, call, _may, _may_not = RULES[service]
    prepared = prepare(pack, personas)
    before = _stored()
    call(actors[actor], prepared)
    assert _stored() != before


def test_the_system_is_told_packs_are_peoples_work(pack) -> None:
    with pytest.raises(PermissionDenied, match="Only a person signed in can submit"):
        services.pack_submit(user=access.SYSTEM, pack=pack)
