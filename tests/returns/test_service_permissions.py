"""Every import service checks the acting user itself (issue 13, part 3).

The batch pages' rule (`accounts.access.require_import_batch`): admins act on every batch; an
authority's performance officers upload, commit, reject and roll back the spreadsheets and
logs of their own authority; nobody else. Each service is called directly by someone that
rule refuses (the authority's manager and councillor, an officer of another authority, an
officer where only admins may, None, an anonymous user) and must refuse with PermissionDenied
having written nothing: no batch, file, figure, target, record or rollback record changes and
nothing is queued. The same call by someone who may writes, so each refusal is the actor's.
The worker acts for whoever asked, so the commit and rollback tasks are checked too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts import access
from accounts.models import Membership, Role, User
from audits.logs import log_header
from audits.models import CaseAudit
from indicators.models import Figure, FigureChange, Period, Target, TargetChange
from indicators.services import figures_roll_up_many
from returns import services, tasks
from returns.kinds import handler_for, record_logs
from returns.models import (
    AUTHORITY_SHEET_KINDS,
    BatchChange,
    BatchStatus,
    ImportBatch,
    ImportFinding,
    ImportKind,
    PublishedMapping,
    SheetChange,
)
from tests import factories

from .sheet_files import FIGURE_HEADER, GOOD_FIGURES, TARGET_HEADER, SheetWorld, csv_bytes
from .sheet_files import sheet_world as make_sheet_world
from .test_log_batches import GOOD_ROWS

pytestmark = pytest.mark.django_db

WILTSHIRE_FIGURES = csv_bytes(FIGURE_HEADER, *GOOD_FIGURES[:3])
WILTSHIRE_TARGETS = csv_bytes(TARGET_HEADER, ["wiltshire", "ASMT-45", "2021-22", "85", "95", ""])
AUDIT_LOG = csv_bytes(log_header(), *GOOD_ROWS)


@dataclass
class Scene:
    world: SheetWorld
    media: Path
    people: dict[str, Any]

    def upload(self, kind: str, content: bytes, *, authority: Any = "wiltshire") -> ImportBatch:
        """A batch uploaded and validated by whoever may: Wiltshire's officer for its own
        spreadsheets and logs, the admin for the rest."""
        area = self.world.wiltshire if authority == "wiltshire" else authority
        uploader = self.people["officer" if kind in AUTHORITY_SHEET_KINDS else "admin"]
        batch = services.batch_create(
            user=uploader,
            kind=kind,
            upload=SimpleUploadedFile("upload.csv", content),
            authority=area,
        )
        return services.batch_validate(batch=batch)

    def committed(self, kind: str, content: bytes) -> ImportBatch:
        batch = self.upload(kind, content)
        assert batch.status == BatchStatus.READY and not batch.error_count, batch.message
        return services.batch_commit(user=self.people["officer"], batch=batch)


@pytest.fixture
def scene(db, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    world = make_sheet_world()

    def member(username: str, area: Any, role: str) -> User:
        user = factories.UserFactory(username=username)
        Membership.objects.create(user=user, authority=area, role=role)
        return user

    people = {
        "officer": member("wiltshire.officer", world.wiltshire, Role.OFFICER),
        "manager": member("wiltshire.manager", world.wiltshire, Role.MANAGER),
        "councillor": member("wiltshire.councillor", world.wiltshire, Role.COUNCILLOR),
        "devon_officer": member("devon.officer", world.devon, Role.OFFICER),
        "admin": factories.UserFactory(username="admin", is_superuser=True, is_staff=True),
        "system": access.SYSTEM,
        "none": None,
        "anonymous": AnonymousUser(),
    }
    return Scene(world, tmp_path, people)


# --- the calls: each prepares what it acts on (as someone who may), then calls the service ---


def _nothing(scene: Scene) -> None:
    return None


def _ready_figures(scene: Scene) -> ImportBatch:
    return scene.upload(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)


def _ready_targets(scene: Scene) -> ImportBatch:
    return scene.upload(ImportKind.SHEET_TARGETS, WILTSHIRE_TARGETS)


def _failed_targets(scene: Scene) -> ImportBatch:
    """A batch whose validation died with its worker, as the sweep leaves it."""
    batch = scene.upload(ImportKind.SHEET_TARGETS, WILTSHIRE_TARGETS)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, message="The worker stopped while validating this file."
    )
    batch.refresh_from_db()
    return batch


def _ready_published(scene: Scene) -> ImportBatch:
    return scene.upload(ImportKind.PUBLISHED, b"time_period,geographic_level\n", authority=None)


def _ready_log(scene: Scene) -> ImportBatch:
    return scene.upload(ImportKind.AUDIT_LOG, AUDIT_LOG)


def _committed_figures(scene: Scene) -> ImportBatch:
    return scene.committed(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)


def _committed_targets(scene: Scene) -> ImportBatch:
    return scene.committed(ImportKind.SHEET_TARGETS, WILTSHIRE_TARGETS)


def _committed_log(scene: Scene) -> ImportBatch:
    return scene.committed(ImportKind.AUDIT_LOG, AUDIT_LOG)


def _months_to_roll_up(scene: Scene) -> list[int]:
    """July to September 2021 of Wiltshire's children looked after, typed: the quarter's key."""
    months = [Period.objects.get_or_create_for("month", date(2021, m, 1)) for m in (7, 8, 9)]
    for period, count in zip(months, ("400", "410", "412"), strict=True):
        factories.figure(scene.world.wiltshire, scene.world.looked_after, period, count)
    return [scene.world.wiltshire.pk, scene.world.looked_after.pk, months[-1].pk]


def _create_figures(actor: Any, scene: Scene, _prepared: None) -> Any:
    return services.batch_create(
        user=actor,
        kind=ImportKind.SHEET_FIGURES,
        upload=SimpleUploadedFile("figures.csv", WILTSHIRE_FIGURES),
        authority=scene.world.wiltshire,
    )


def _create_published(actor: Any, scene: Scene, _prepared: None) -> Any:
    return services.batch_create(
        user=actor,
        kind=ImportKind.PUBLISHED,
        upload=SimpleUploadedFile("published.csv", b"time_period,geographic_level\n"),
    )


def _create_return(actor: Any, scene: Scene, _prepared: None) -> Any:
    # A statutory return of Wiltshire's is an admin's import, not its officers'.
    return services.batch_create(
        user=actor,
        kind=ImportKind.CIN,
        upload=SimpleUploadedFile("cin.xml", b"<Message/>"),
        authority=scene.world.wiltshire,
        collection_year=2025,
    )


def _commit_request(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_commit_request(user=actor, batch=batch)


def _commit(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_commit(user=actor, batch=batch)


def _reject(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_reject(user=actor, batch=batch)


def _retry(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_retry(user=actor, batch=batch)


def _rollback_request(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_rollback_request(user=actor, batch=batch)


def _rollback(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    return services.batch_rollback(user=actor, batch=batch)


def _sheet_commit(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    with transaction.atomic():  # the batch's transaction, as batch_commit gives it
        handler_for(batch.kind).commit(user=actor, batch=batch)


def _sheet_rollback(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    with transaction.atomic():
        handler_for(batch.kind).rollback(user=actor, batch=batch)


def _log_commit(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    with transaction.atomic():
        record_logs.log_commit(user=actor, batch=batch)


def _log_rollback(actor: Any, scene: Scene, batch: ImportBatch) -> Any:
    with transaction.atomic():
        record_logs.log_rollback(user=actor, batch=batch)


def _mappings_load(actor: Any, scene: Scene, _prepared: None) -> Any:
    return services.mappings_load(user=actor)


def _roll_up_many(actor: Any, scene: Scene, key: list[int]) -> Any:
    return figures_roll_up_many(user=actor, keys=[key])


Prepare = Callable[[Scene], Any]
Call = Callable[[Any, Scene, Any], Any]
# Those with no say over Wiltshire's imports, whatever the batch.
OUTSIDERS = ["manager", "councillor", "devon_officer", "none", "anonymous"]
NOT_ADMINS = ["officer", *OUTSIDERS]
OFFICERS = ["officer", "admin"]

# service: (what it acts on, the call, who may, who may not)
RULES: dict[str, tuple[Prepare, Call, list[str], list[str]]] = {
    "batch_create (Wiltshire's figures)": (_nothing, _create_figures, OFFICERS, OUTSIDERS),
    "batch_create (published data)": (
        _nothing,
        _create_published,
        ["admin", "system"],
        NOT_ADMINS,
    ),
    "batch_create (Wiltshire's CIN census)": (_nothing, _create_return, ["admin"], NOT_ADMINS),
    "batch_commit_request": (_ready_figures, _commit_request, OFFICERS, OUTSIDERS),
    "batch_commit": (_ready_figures, _commit, [*OFFICERS, "system"], OUTSIDERS),
    "batch_reject": (_ready_targets, _reject, OFFICERS, OUTSIDERS),
    "batch_reject (published data)": (_ready_published, _reject, ["admin"], NOT_ADMINS),
    "batch_retry": (_failed_targets, _retry, OFFICERS, OUTSIDERS),
    "batch_rollback_request": (_committed_figures, _rollback_request, OFFICERS, OUTSIDERS),
    "batch_rollback": (_committed_targets, _rollback, [*OFFICERS, "system"], OUTSIDERS),
    "sheet_commit": (_ready_figures, _sheet_commit, OFFICERS, OUTSIDERS),
    "sheet_rollback": (_committed_figures, _sheet_rollback, OFFICERS, OUTSIDERS),
    "log_commit": (_ready_log, _log_commit, OFFICERS, OUTSIDERS),
    "log_rollback": (_committed_log, _log_rollback, OFFICERS, OUTSIDERS),
    "mappings_load": (_nothing, _mappings_load, ["admin", "system"], NOT_ADMINS),
    "figures_roll_up_many": (_months_to_roll_up, _roll_up_many, ["system", "officer"], OUTSIDERS),
}


def _cases(which: int) -> list[Any]:
    return [
        pytest.param(name, actor, id=f"{name}-{actor}")
        for name, rule in RULES.items()
        for actor in rule[which]
    ]


def _stored(media: Path) -> tuple[Any, ...]:
    """Everything these services could write, as it stands: rows and uploaded files."""
    return (
        sorted(
            ImportBatch.objects.values_list(
                "id", "status", "message", "committed_by_id", "rolled_back_by_id"
            )
        ),
        sorted(Figure.objects.values_list("id", "value", "status", "source", "version")),
        sorted(FigureChange.objects.values_list("id", flat=True)),
        sorted(Target.objects.values_list("id", "lower", "upper", "tolerance")),
        sorted(TargetChange.objects.values_list("id", flat=True)),
        sorted(BatchChange.objects.values_list("id", "version")),
        sorted(SheetChange.objects.values_list("id", flat=True)),
        sorted(CaseAudit.objects.values_list("id", flat=True)),
        sorted(PublishedMapping.objects.values_list("name", "is_active")),
        sorted(ImportFinding.objects.values_list("id", flat=True)),
        sorted(str(path.relative_to(media)) for path in media.rglob("*")),
    )


@pytest.mark.parametrize("service", list(RULES))
def test_a_service_refuses_whoever_the_batch_pages_refuse_and_writes_nothing(
    scene, service, django_capture_on_commit_callbacks
) -> None:
    """Every refused actor in turn (one scene per service: a refusal writes nothing, so the
    next actor meets the same data)."""
    prepare, call, _may, refused = RULES[service]
    prepared = prepare(scene)
    before = _stored(scene.media)
    for actor in refused:
        with django_capture_on_commit_callbacks() as queued:
            try:
                call(scene.people[actor], scene, prepared)
            except PermissionDenied as refusal:
                # A message a person can act on.
                assert "administrator" in str(refusal), actor
            else:
                pytest.fail(f"{service} let {actor} through")
        assert _stored(scene.media) == before, actor
        assert queued == [], actor  # no validation, commit, rollback or roll-up queued


@pytest.mark.parametrize(("service", "actor"), _cases(2))
def test_the_same_call_by_someone_who_may_writes(scene, service, actor) -> None:
    prepare, call, _may, _may_not = RULES[service]
    prepared = prepare(scene)
    before = _stored(scene.media)
    call(scene.people[actor], scene, prepared)
    assert _stored(scene.media) != before


# --- the worker acts for whoever asked --------------------------------------------------------


def test_a_commit_asked_for_by_an_officer_who_has_since_left_is_refused_by_the_worker(
    scene,
) -> None:
    batch = scene.upload(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)
    officer = scene.people["officer"]
    services.batch_commit_request(user=officer, batch=batch)
    Membership.objects.filter(user=officer).delete()
    tasks.commit_batch(batch.pk, officer.pk)  # as the worker runs it
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert "does not give you access to this import" in batch.message
    assert not Figure.objects.exists()


def test_a_commit_whose_account_has_gone_does_not_wait_for_ever(scene) -> None:
    batch = scene.upload(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)
    officer = scene.people["officer"]
    services.batch_commit_request(user=officer, batch=batch)
    officer_id = officer.pk
    officer.delete()
    tasks.commit_batch(batch.pk, officer_id)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert "no longer exists" in batch.message
    assert not Figure.objects.exists()


def test_a_commit_delivered_again_and_refused_leaves_the_committed_batch_committed(
    scene,
) -> None:
    officer = scene.people["officer"]
    batch = scene.committed(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)
    figures = Figure.objects.count()
    Membership.objects.filter(user=officer).delete()
    tasks.commit_batch(batch.pk, officer.pk)  # Redis delivers the task a second time
    batch.refresh_from_db()
    assert (batch.status, batch.message) == (BatchStatus.COMMITTED, "")
    assert Figure.objects.count() == figures


def test_the_system_commits_itself_but_cannot_hand_a_worker_its_work(scene) -> None:
    batch = scene.upload(ImportKind.SHEET_FIGURES, WILTSHIRE_FIGURES)
    with pytest.raises(TypeError, match="Only a person"):
        services.batch_commit_request(user=access.SYSTEM, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    committed = services.batch_commit(user=access.SYSTEM, batch=batch)
    assert committed.status == BatchStatus.COMMITTED
    assert committed.committed_by is None  # nobody, on the batch and the audit trail
    assert not FigureChange.objects.exclude(changed_by=None).exists()
