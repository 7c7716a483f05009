"""Every URL, walked as every persona: who is let in, and who is not.

The URL list comes from the resolver, so a new page without a rule here fails the test until
someone decides who may open it. Pages of authority A are requested with A's slug; authority
B's officer must never reach them.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import Figure
from returns.models import ImportBatch
from tests.audits.factories import quality_world
from tests.conftest import Personas, World

ALLOWED, DENIED, SIGN_IN, REDIRECT = 200, 403, "sign-in", 302

# Live figures of authority A: its officers and managers, and admins; never its councillors
# (they read published packs only) and never another authority's staff.
AUTHORITY_FIGURES: dict[str, object] = {
    "anonymous": SIGN_IN,
    "officer_a": ALLOWED,
    "manager_a": ALLOWED,
    "councillor_a": DENIED,
    "officer_b": DENIED,
    "admin": ALLOWED,
}

# Approving and returning: authority A's managers, and admins.
AUTHORITY_APPROVAL: dict[str, object] = {
    "anonymous": SIGN_IN,
    "officer_a": DENIED,
    "manager_a": ALLOWED,
    "councillor_a": DENIED,
    "officer_b": DENIED,
    "admin": ALLOWED,
}

# Entering figures and setting targets: authority A's officers, and admins.
AUTHORITY_EDITING: dict[str, object] = {
    "anonymous": SIGN_IN,
    "officer_a": ALLOWED,
    "manager_a": DENIED,
    "councillor_a": DENIED,
    "officer_b": DENIED,
    "admin": ALLOWED,
}

# The public version of a pack (docs/0023): anyone, signed in or not, with its link.
PUBLIC_VERSION: dict[str, object] = dict.fromkeys(
    ("anonymous", "officer_a", "manager_a", "councillor_a", "officer_b", "admin"), ALLOWED
)

# A POST-only address answers a signed-in GET with 405, whoever asks; who may POST to it is
# tested separately.
POST_ONLY: dict[str, object] = {
    "anonymous": SIGN_IN,
    **dict.fromkeys(("officer_a", "manager_a", "councillor_a", "officer_b", "admin"), 405),
}

# Imports, the catalogue and areas: admins only.
ADMIN_ONLY: dict[str, object] = {
    "anonymous": SIGN_IN,
    **dict.fromkeys(("officer_a", "manager_a", "councillor_a", "officer_b"), DENIED),
    "admin": ALLOWED,
}

# Spreadsheet templates, the catalogue and the areas: anyone signed in (reference data).
SIGNED_IN: dict[str, object] = {
    "anonymous": SIGN_IN,
    **dict.fromkeys(("officer_a", "manager_a", "councillor_a", "officer_b", "admin"), ALLOWED),
}

# Published scrutiny packs of authority A: its councillors, officers and managers, and admins.
PACK_READERS: dict[str, object] = {
    "anonymous": SIGN_IN,
    "officer_a": ALLOWED,
    "manager_a": ALLOWED,
    "councillor_a": ALLOWED,
    "officer_b": DENIED,
    "admin": ALLOWED,
}

# A saved benchmarking view (officer A's in the walk): its owner only; anyone else is told it
# is not found, as if it did not exist.
VIEW_OWNER: dict[str, object] = {
    "anonymous": SIGN_IN,
    "officer_a": ALLOWED,
    **dict.fromkeys(("manager_a", "councillor_a", "officer_b", "admin"), 404),
}

# name -> expected outcome by persona (anonymous included). Admin-site URLs are Django's own
# and are checked by one rule below.
EXPECTED: dict[str, dict[str, object]] = {
    "start": {
        "anonymous": SIGN_IN,
        "officer_a": ALLOWED,
        "manager_a": ALLOWED,
        "councillor_a": ALLOWED,
        "officer_b": ALLOWED,
        "admin": ALLOWED,
    },
    "authority_home": AUTHORITY_FIGURES,
    "indicator_detail": AUTHORITY_FIGURES,
    "indicator_benchmarking": AUTHORITY_FIGURES,
    "entry_choose": AUTHORITY_EDITING,
    "entry": AUTHORITY_EDITING,
    "entry_submit": POST_ONLY,
    # Removing a draft saved by mistake (docs/0008): who enters the authority's figures.
    "entry_remove_draft": AUTHORITY_EDITING,
    "review_choose": AUTHORITY_FIGURES,
    "review": AUTHORITY_FIGURES,
    "review_approve": POST_ONLY,
    "review_return": AUTHORITY_APPROVAL,
    "review_release": POST_ONLY,
    # The benchmarking-club setting: read by those who see the figures; changed (a POST) by
    # managers and admins only, tested in tests/indicators/test_club.py.
    "club_sharing": AUTHORITY_FIGURES,
    "indicator_history_csv": AUTHORITY_FIGURES,
    "targets": AUTHORITY_FIGURES,
    "target_edit": AUTHORITY_EDITING,
    "dashboard_rebuilds": ADMIN_ONLY,
    "dashboard_rebuild_progress": ADMIN_ONLY,
    "dashboard_rebuild": POST_ONLY,
    "returns:batches": ADMIN_ONLY,
    "returns:batch": ADMIN_ONLY,
    "returns:batch_progress": ADMIN_ONLY,
    "returns:batch_commit": POST_ONLY,
    "returns:batch_reject": POST_ONLY,
    "returns:batch_retry": POST_ONLY,
    "returns:batch_rollback": POST_ONLY,
    # A statutory return's DfE rule failures (docs/0028): whoever may see the batch. The walk's
    # batch is not a return in review, so the report is gone (410) even for an admin.
    "returns:batch_rule_report": {
        "anonymous": SIGN_IN,
        **dict.fromkeys(("officer_a", "manager_a", "councillor_a", "officer_b"), DENIED),
        "admin": 410,
    },
    # Approving comparator figures (docs/0025): admins only; its POST is tested in
    # tests/returns/test_approvals.py.
    "returns:approvals": ADMIN_ONLY,
    "returns:approvals_approve": POST_ONLY,
    # Ofsted's judgements of every authority (docs/0027): published, but an officer's page,
    # not a councillor's; any authority's officers and managers, and admins.
    "returns:ofsted": {
        "anonymous": SIGN_IN,
        "officer_a": ALLOWED,
        "manager_a": ALLOWED,
        "councillor_a": DENIED,
        "officer_b": ALLOWED,
        "admin": ALLOWED,
    },
    "returns:sheets": SIGNED_IN,
    "returns:sheet_template": SIGNED_IN,
    "returns:sheet_reference": SIGNED_IN,
    # An authority's spreadsheet imports: those who enter its figures; its exports: those who
    # may see its live figures.
    "authority_sheets:imports": AUTHORITY_EDITING,
    "authority_sheets:export": AUTHORITY_FIGURES,
    # An indicator page's numbers: whoever may open the page.
    "authority_sheets:indicator_download": AUTHORITY_FIGURES,
    # Quality assurance: read as live figures are (never councillors: case-level audits);
    # recorded by those who enter figures.
    "audits:quality": AUTHORITY_FIGURES,
    "audits:programme_add": AUTHORITY_EDITING,
    "audits:programme_edit": AUTHORITY_EDITING,
    "audits:audit_add": AUTHORITY_EDITING,
    "audits:audit_edit": AUTHORITY_EDITING,
    "audits:log_template": AUTHORITY_EDITING,
    "audits:finding_add": AUTHORITY_EDITING,
    "audits:finding_edit": AUTHORITY_EDITING,
    "audits:theme_add": AUTHORITY_EDITING,
    "audits:observation_add": AUTHORITY_EDITING,
    "audits:observation_edit": AUTHORITY_EDITING,
    "audits:practice_week_add": AUTHORITY_EDITING,
    "audits:practice_week_edit": AUTHORITY_EDITING,
    "audits:inspection_add": AUTHORITY_EDITING,
    "audits:inspection_edit": AUTHORITY_EDITING,
    "audits:plan_add": AUTHORITY_EDITING,
    "audits:plan_edit": AUTHORITY_EDITING,
    "audits:priority_add": AUTHORITY_EDITING,
    "audits:priority_edit": AUTHORITY_EDITING,
    "audits:action_add": AUTHORITY_EDITING,
    "audits:action_edit": AUTHORITY_EDITING,
    # Removing a record: a GET shows the confirmation page (nothing is removed), the POST
    # removes; both for those who record.
    "audits:audit_delete": AUTHORITY_EDITING,
    "audits:finding_delete": AUTHORITY_EDITING,
    "audits:observation_delete": AUTHORITY_EDITING,
    "audits:practice_week_delete": AUTHORITY_EDITING,
    "audits:inspection_delete": AUTHORITY_EDITING,
    "audits:action_delete": AUTHORITY_EDITING,
    "audits:action_update": AUTHORITY_EDITING,
    # The record of removals (who removed what, when and why): those who read quality
    # assurance, managers and officers alike (accounts.access.require_removals_reader).
    "audits:removals": AUTHORITY_FIGURES,
    # Complaints, compliments and voice: the page, the case-level log and the cleared quotes
    # for those who see live figures; entry and redaction review for those who enter them.
    "complaints:voice": AUTHORITY_FIGURES,
    "complaints:quotes_csv": AUTHORITY_FIGURES,
    "complaints:complaints": AUTHORITY_FIGURES,
    "complaints:complaint_add": AUTHORITY_EDITING,
    "complaints:complaint_respond": AUTHORITY_EDITING,
    # Changing and removing a record: a GET of a remove page is its confirmation page (it
    # removes nothing); the POST that removes is tested in tests/complaints/test_edits.py.
    "complaints:complaint_change": AUTHORITY_EDITING,
    "complaints:complaint_remove": AUTHORITY_EDITING,
    "complaints:compliment_add": AUTHORITY_EDITING,
    "complaints:compliment_change": AUTHORITY_EDITING,
    "complaints:compliment_remove": AUTHORITY_EDITING,
    "complaints:survey_add": AUTHORITY_EDITING,
    "complaints:survey_change": AUTHORITY_EDITING,
    "complaints:survey_remove": AUTHORITY_EDITING,
    "complaints:comment_add": AUTHORITY_EDITING,
    "complaints:comment_remove": AUTHORITY_EDITING,
    "complaints:redaction_queue": AUTHORITY_EDITING,
    "complaints:redaction_review": AUTHORITY_EDITING,
    # The record of removals: as the voice page (accounts.access.require_removals_reader).
    "complaints:removals": AUTHORITY_FIGURES,
    # Scrutiny packs (the pack in the walk is published): the list and the reading view for
    # anyone who reads the authority's published packs, councillors included; the composing
    # page for those who prepare or approve packs; a new pack and section editing for those
    # who prepare them; every change is a POST.
    "scrutiny:packs": PACK_READERS,
    "scrutiny:pack_read": PACK_READERS,
    "scrutiny:pack_pdf": PACK_READERS,
    "scrutiny:pack_add": AUTHORITY_EDITING,
    "scrutiny:pack_compose": AUTHORITY_FIGURES,
    "scrutiny:section_edit": AUTHORITY_EDITING,
    "scrutiny:section_add": POST_ONLY,
    "scrutiny:section_move": POST_ONLY,
    "scrutiny:section_remove": POST_ONLY,
    # The submit page lists what stops a draft going for review (docs/0023): its composers.
    "scrutiny:pack_submit": AUTHORITY_EDITING,
    # Deleting a draft (a confirmation page): its officers and managers, and admins.
    "scrutiny:pack_delete": AUTHORITY_FIGURES,
    "scrutiny:pack_public": POST_ONLY,
    # The public version of a published pack, while it is switched on: anyone with the link.
    **dict.fromkeys(("scrutiny:public_read", "scrutiny:public_pdf"), PUBLIC_VERSION),
    "scrutiny:pack_return": POST_ONLY,
    "scrutiny:pack_approve": POST_ONLY,
    "scrutiny:pack_publish": POST_ONLY,
    # Turning the Curve reports (docs/0024): read by the authority's officers, managers and
    # councillors; written by its officers and managers.
    "scrutiny:curve_list": PACK_READERS,
    "scrutiny:curve_read": PACK_READERS,
    "scrutiny:curve_history": PACK_READERS,
    "scrutiny:curve_add": AUTHORITY_FIGURES,
    "scrutiny:curve_edit": AUTHORITY_FIGURES,
    "scrutiny:curve_add_to_pack": POST_ONLY,
    # Committee questions and actions (docs/0022): its officers and managers, and admins.
    "scrutiny:questions": AUTHORITY_FIGURES,
    "scrutiny:question_add": AUTHORITY_FIGURES,
    "scrutiny:question_edit": AUTHORITY_FIGURES,
    "scrutiny:question_answer": AUTHORITY_FIGURES,
    "scrutiny:question_close": AUTHORITY_FIGURES,
    # The benchmarking grid (issue 18): anyone signed in who works for an authority, and
    # admins; a saved view is its owner's alone (officer A's, in the walk): anyone else is
    # told it is not found. A download of an unsaved grid without its choices is a bad request.
    "grid_views": SIGNED_IN,
    "grid_try": SIGNED_IN,
    "grid_create": SIGNED_IN,
    "grid_try_download": {
        "anonymous": SIGN_IN,
        **dict.fromkeys(("officer_a", "manager_a", "councillor_a", "officer_b", "admin"), 400),
    },
    **dict.fromkeys(("grid_view", "grid_edit", "grid_delete", "grid_download"), VIEW_OWNER),
    "accounts:login": {
        "anonymous": ALLOWED,
        "officer_a": REDIRECT,  # already signed in: sent on to the start page
        "manager_a": REDIRECT,
        "councillor_a": REDIRECT,
        "officer_b": REDIRECT,
        "admin": REDIRECT,
    },
    # The health check (config/health.py): for probes, so anyone, signed in or not. It holds
    # no data: parts and their states.
    "healthz": dict.fromkeys(
        ("anonymous", "officer_a", "manager_a", "councillor_a", "officer_b", "admin"), ALLOWED
    ),
    # GET is refused: the language switch is a POST from the header's form, signed in or not.
    "accounts:language": dict.fromkeys(
        ("anonymous", "officer_a", "manager_a", "councillor_a", "officer_b", "admin"), 405
    ),
    # GET is refused: signing out is a POST from the header's button.
    "accounts:logout": dict.fromkeys(
        ("anonymous", "officer_a", "manager_a", "councillor_a", "officer_b", "admin"), 405
    ),
}


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def app_urls() -> list[tuple[str, str]]:
    return [(name, route) for name, route in _walk(get_resolver().url_patterns)]


def _a_batch() -> ImportBatch:
    batch = ImportBatch.objects.first()
    if batch is None:
        batch = ImportBatch.objects.create(
            kind="published", file="imports/x.csv", file_name="x.csv", size=1, sha256="0" * 64
        )
    return batch


def _complaint_records(world: World) -> dict[str, str]:
    """A complaint, a compliment, a survey and a comment of authority A, for the addresses
    that name one."""
    from datetime import date

    from complaints.models import Complaint, Compliment, SurveyComment, VoiceSurvey

    complaint = Complaint.objects.filter(authority=world.authority_a).first()
    if complaint is None:
        complaint = Complaint.objects.create(
            authority=world.authority_a, reference="CMP-1", stage="1", received=date(2017, 4, 3)
        )
    compliment = Compliment.objects.filter(authority=world.authority_a).first()
    if compliment is None:
        compliment = Compliment.objects.create(
            authority=world.authority_a, received=date(2017, 5, 1), text="Thanks"
        )
    survey = VoiceSurvey.objects.filter(authority=world.authority_a).first()
    if survey is None:
        survey = VoiceSurvey.objects.create(
            authority=world.authority_a,
            title="Your Voice",
            audience="children",
            conducted_on=date(2017, 11, 30),
        )
    comment = SurveyComment.objects.filter(survey=survey).first()
    if comment is None:
        comment = SurveyComment.objects.create(survey=survey, text="Thanks")
    return {
        "<int:complaint_id>": str(complaint.pk),
        "<str:item_kind>": "compliment",
        "<int:item_id>": str(compliment.pk),
        "<int:compliment_id>": str(compliment.pk),
        "<int:survey_id>": str(survey.pk),
        "<int:comment_id>": str(comment.pk),
    }


def _pack_records(world: World) -> dict[str, str]:
    """A published pack of authority A (composed by its officer, approved and published by its
    manager), and its first section, for the addresses that name one."""
    from datetime import date

    from accounts.models import Membership
    from indicators.models import Period
    from scrutiny import services as pack_services
    from scrutiny.models import Pack
    from scrutiny.public import public_version_on

    pack = Pack.objects.filter(authority=world.authority_a).first()
    if pack is None:
        officer, manager = (
            Membership.objects.get(authority=world.authority_a, role=role).user
            for role in ("officer", "manager")
        )
        pack = pack_services.pack_create(
            user=officer,
            authority=world.authority_a,
            title="Performance 2017/18",
            committee="Children's Select Committee",
            meeting_date=date(2018, 6, 19),
            period=Period.objects.get(kind="fy", start=date(2017, 4, 1)),
            template="scrutiny",
        )
        # Commentary on the red, worsening figure it shows, so that it may go for review.
        Figure.objects.filter(area=world.authority_a).update(commentary="Explained")
        pack_services.pack_submit(user=officer, pack=pack)
        pack_services.pack_approve(user=manager, pack=pack)
        pack_services.pack_publish(user=manager, pack=pack)
        public_version_on(user=manager, pack=pack)
        pack.refresh_from_db()
    section = pack.sections.order_by("order").first()
    assert section is not None
    return {
        "<int:pack_id>": str(pack.pk),
        "<int:section_id>": str(section.pk),
        "<int:question_id>": str(_a_question(world).pk),
        "<str:token>": pack.public_token,
    }


def _a_question(world: World) -> Any:
    """A question of authority A's committee, recorded by its officer."""
    from datetime import date

    from accounts.models import Membership
    from scrutiny import question_services
    from scrutiny.models import CommitteeQuestion

    question = CommitteeQuestion.objects.filter(authority=world.authority_a).first()
    if question is None:
        officer = Membership.objects.get(authority=world.authority_a, role="officer").user
        question = question_services.question_add(
            user=officer,
            authority=world.authority_a,
            committee="Children's Select Committee",
            meeting_date=date(2018, 6, 19),
            kind="question",
            asked_by="Cllr Helen Ashby",
            text="Why did plans rise?",
            owner_name="Head of Safeguarding",
        )
    return question


def _curve_records(world: World) -> dict[str, str]:
    """A Turning the Curve report of authority A, written by its officer."""
    from accounts.models import Membership
    from scrutiny import curve_services
    from scrutiny.models import CurveReport

    report = CurveReport.objects.filter(authority=world.authority_a).first()
    if report is None:
        report = curve_services.report_create(
            user=Membership.objects.get(authority=world.authority_a, role="officer").user,
            authority=world.authority_a,
            indicator=world.indicator,
            title="Repeat plans",
        )
    return {"<int:report_id>": str(report.pk)}


def _a_benchmark_view(world: World) -> Any:
    """A saved benchmarking grid of officer A's: a group of authorities A and B, by the walk's
    measure (a group, so that no page of A changes: A has no comparator of it)."""
    from accounts.models import Membership
    from indicators.models import Area, AreaKind
    from indicators.view_models import BenchmarkView

    officer = Membership.objects.get(authority=world.authority_a, role="officer").user
    group, _ = Area.objects.get_or_create(
        slug="walk-group", defaults={"name": "Walk group", "kind": AreaKind.GROUP}
    )
    group.members.add(world.authority_a, world.authority_b)
    view, _ = BenchmarkView.objects.get_or_create(
        owner=officer,
        name="Walk view",
        defaults={"rows": "group", "area": group, "indicator_codes": [world.indicator.code]},
    )
    return view


def _path_for(route: str, world: World) -> str:
    path = "/" + route
    figure = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period__start__year=2017
    )
    substitutions = {
        "<slug:slug>": world.authority_a.slug,
        "<str:code>": world.indicator.code,
        "<str:period>": figure.period.url_key,
        "<str:year>": figure.period.url_key,
        "<int:figure_id>": str(figure.pk),
        "<int:batch_id>": str(_a_batch().pk),
        "<str:table>": "figures",
        "<str:reference>": "indicators",
        "<str:fmt>": "xlsx",
        **(_complaint_records(world) if "/voice/" in path else {}),
        **(_pack_records(world) if "/packs/" in path else {}),
        **(_curve_records(world) if "/curves/" in path else {}),
        **({"<int:view_id>": str(_a_benchmark_view(world).pk)} if "<int:view_id>" in path else {}),
    }
    if "_id>" in route:
        quality = quality_world(world.authority_a)
        substitutions |= {
            "<int:programme_id>": str(quality.programme.pk),
            "<int:audit_id>": str(quality.audit.pk),
            "<int:inspection_id>": str(quality.inspection.pk),
            "<int:plan_id>": str(quality.plan.pk),
            "<int:priority_id>": str(quality.priority.pk),
            "<int:action_id>": str(quality.action.pk),
            "<int:finding_id>": str(quality.finding.pk),
            "<int:observation_id>": str(quality.observation.pk),
            "<int:week_id>": str(quality.practice_week.pk),
        }
    for placeholder, value in substitutions.items():
        path = path.replace(placeholder, value)
    return path


def test_every_app_url_has_an_access_rule() -> None:
    names = {name for name, _route in app_urls() if not name.startswith("admin:")}
    assert names == set(EXPECTED), "Add the new URL to EXPECTED with who may open it"


@pytest.mark.django_db
def test_every_url_as_every_persona(personas: Personas, world: World) -> None:
    users = {"anonymous": None, **personas.all()}
    failures = []
    for name, route in app_urls():
        if name.startswith("admin:"):
            continue
        path = _path_for(route, world)
        assert "<" not in path, f"No test value for a parameter of {name}: {route}"
        for persona, user in users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(path)
            expected = EXPECTED[name][persona]
            if expected == SIGN_IN:
                ok = response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
            else:
                ok = response.status_code == expected
            if not ok:
                failures.append(f"{persona} GET {path} ({name}): {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_authority_b_officer_reaches_nothing_of_authority_a(
    personas: Personas, world: World
) -> None:
    client = Client()
    client.force_login(personas.officer_b)
    for name, route in app_urls():
        # The public version is for anyone (its figures are published): not this test's.
        if "<slug:slug>" not in route or EXPECTED[name] is PUBLIC_VERSION:
            continue
        response = client.get(_path_for(route, world))
        # 403, or 405 for a POST-only address (whose POST is refused: see the approval test).
        assert response.status_code == EXPECTED[name]["officer_b"], name
        # Not a single one of authority A's figures appears on the refusal page.
        body = response.content.decode()
        assert not any(value in body for value in ("80%", "90%", "87%")), name


@pytest.mark.django_db
def test_admin_site_is_for_admins_only(personas: Personas) -> None:
    """The admin index and every registered model's list and add pages."""
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    # Path, and what an admin gets: the sign-in logs of django-axes are read-only, so even an
    # admin is refused their "add" page.
    paths: list[tuple[str, int]] = [("/admin/", 200)]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append((reverse(f"{name}_changelist"), 200))
        paths.append(
            (reverse(f"{name}_add"), 200 if model_admin.has_add_permission(request) else 403)
        )
    failures = []
    for persona, user in personas.all().items():
        client = Client()
        client.force_login(user)
        for path, for_admin in paths:
            response = client.get(path)
            if persona == "admin":
                ok = response.status_code == for_admin
            else:
                ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            if not ok:
                failures.append(f"{persona} GET {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_start_page_lists_only_the_users_own_authorities(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.officer_b)
    body = client.get("/").content.decode()
    assert "Authority B" in body
    assert "Authority A" not in body


@pytest.mark.django_db
def test_only_authority_a_managers_and_admins_may_approve_its_figures(
    personas: Personas, world: World
) -> None:
    figure = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period__start__year=2017
    )
    figure.status = "submitted"
    figure.save()
    path = f"/a/authority-a/review/{figure.period.url_key}/approve/"
    for persona in ("officer_a", "councillor_a", "officer_b"):
        client = Client()
        client.force_login(getattr(personas, persona))
        assert client.post(path, {"all_submitted": "on"}).status_code == 403, persona
    figure.refresh_from_db()
    assert figure.status == "submitted"
    client = Client()
    client.force_login(personas.manager_a)
    assert client.post(path, {"all_submitted": "on"}).status_code == 302
    figure.refresh_from_db()
    assert figure.status == "approved"


@pytest.mark.django_db
def test_only_authority_a_officers_and_admins_may_save_or_submit_its_figures(
    personas: Personas, world: World
) -> None:
    figure = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period__start__year=2017
    )
    key = figure.period.url_key
    for persona in ("manager_a", "councillor_a", "officer_b"):
        client = Client()
        client.force_login(getattr(personas, persona))
        for path in (f"/a/authority-a/entry/{key}/", f"/a/authority-a/entry/{key}/submit/"):
            assert client.post(path, {}).status_code == 403, (persona, path)
    assert Figure.objects.get(pk=figure.pk).version == figure.version


@pytest.mark.django_db
def test_only_admins_may_commit_reject_or_roll_back_an_import(personas: Personas) -> None:
    batch = _a_batch()
    for persona in ("officer_a", "manager_a", "councillor_a", "officer_b"):
        client = Client()
        client.force_login(getattr(personas, persona))
        for action in ("commit", "reject", "rollback"):
            assert client.post(f"/imports/{batch.pk}/{action}/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == "validating"


@pytest.mark.django_db
def test_an_authoritys_spreadsheet_import_is_for_its_officers_and_admins_only(
    personas: Personas, world: World
) -> None:
    """Officers see and act on their own authority's spreadsheet batches; nobody else but
    admins reaches them, and officers never reach any other kind of batch."""
    batch = ImportBatch.objects.create(
        kind="sheet_figures",
        file="imports/x.csv",
        file_name="x.csv",
        size=1,
        sha256="0" * 64,
        authority=world.authority_a,
        status="rolled_back",
    )
    expected = {
        "officer_a": 200,
        "manager_a": 403,
        "councillor_a": 403,
        "officer_b": 403,
        "admin": 200,
    }
    for persona, status in expected.items():
        client = Client()
        client.force_login(getattr(personas, persona))
        assert client.get(f"/imports/{batch.pk}/").status_code == status, persona
        assert client.get(f"/imports/{batch.pk}/progress/").status_code == status, persona
        # A rolled-back batch cannot be committed: the refusal is a message, not a 403.
        response = client.post(f"/imports/{batch.pk}/commit/")
        assert response.status_code == (302 if status == 200 else 403), persona
    client = Client()
    client.force_login(personas.officer_a)
    published = ImportBatch.objects.create(
        kind="cin",
        file="imports/y.xml",
        file_name="y.xml",
        size=1,
        sha256="1" * 64,
        authority=world.authority_a,
    )
    assert client.get(f"/imports/{published.pk}/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == "rolled_back"
