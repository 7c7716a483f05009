"""The admin's page of comparator figures awaiting approval (docs/0025): grouped by area,
measure and the import that last wrote them, filtered, approved a group or a filter at once,
and linked from the import's page and the start page."""

from datetime import date

import pytest
from django.test import Client

from indicators.models import AreaKind, Figure, FigureChange, FigureStatus, PeriodKind
from returns import approvals
from returns.models import BatchChange, BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.conftest import Personas, World


def batch_of(figures: list[Figure], name: str, status: str = BatchStatus.COMMITTED) -> ImportBatch:
    batch = ImportBatch.objects.create(
        kind=ImportKind.SHEET_FIGURES, status=status, file_name=name, size=100
    )
    BatchChange.objects.bulk_create(
        BatchChange(batch=batch, figure=figure, before=None, version=figure.version)
        for figure in figures
    )
    return batch


@pytest.fixture
def waiting(world: World):
    """Wales's quarterly measure: four quarters and the year-end outturn of 2016/17 from one
    import, 2012/13's outturn from an older one, and a figure of Scotland typed in the admin."""
    wales = factories.AreaFactory(name="Wales", slug="wales", kind=AreaKind.NATION)
    scotland = factories.AreaFactory(name="Scotland", slug="scotland", kind=AreaKind.NATION)
    measure = factories.IndicatorFactory(
        code="PM24", title="Assessments in time", frequency="quarterly"
    )
    submitted = {"status": FigureStatus.SUBMITTED}
    quarters = [
        factories.figure(
            wales,
            measure,
            factories.period(PeriodKind.QUARTER, date(2016, m, 1)),
            "70",
            **submitted,
        )
        for m in (4, 7, 10)
    ] + [
        factories.figure(
            wales,
            measure,
            factories.period(PeriodKind.QUARTER, date(2017, 1, 1)),
            "72",
            **submitted,
        )
    ]
    year_end = factories.figure(wales, measure, factories.financial_year(2016), "71", **submitted)
    old = factories.figure(wales, measure, factories.financial_year(2012), "60", **submitted)
    typed = factories.figure(scotland, measure, factories.financial_year(2016), "66", **submitted)
    older = batch_of([old], "wales-2012.csv")
    recent = batch_of([*quarters, year_end], "wales-2016.csv")
    return wales, scotland, measure, recent, older, typed


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_groups_by_area_measure_and_import(personas: Personas, waiting):
    _wales, _scotland, _measure, recent, older, _typed = waiting
    page = approvals.approval_page(personas.admin, approvals.ApprovalFilter())
    assert page.total == 7
    assert [(g.area, g.batch_id, g.count, g.periods) for g in page.groups] == [
        ("Wales", recent.pk, 5, "Q1 2016/17 to 2016-17 year end"),
        ("Wales", older.pk, 1, "2012-13 year end"),
        ("Scotland", None, 1, "2016-17 year end"),
    ]
    assert [label for _pk, label in page.areas] == ["Scotland", "Wales"]
    assert [label for _start, label in page.years] == ["2016/17", "2012/13"]
    assert [value for value, _label in page.batches] == [
        str(recent.pk),
        str(older.pk),
        approvals.NO_BATCH,
    ]


@pytest.mark.django_db
def test_the_page_filters_by_area_year_and_import(personas: Personas, waiting):
    wales, _scotland, _measure, _recent, _older, _typed = waiting
    admin = client_for(personas.admin)
    body = admin.get("/imports/approvals/", {"area": wales.pk, "year": "2012"}).content.decode()
    table = body[body.index('data-testid="waiting-groups"') :]
    assert "wales-2012.csv" in table and "wales-2016.csv" not in table
    by_batch = approvals.approval_page(personas.admin, approvals.ApprovalFilter(batch="none"))
    assert [g.area for g in by_batch.groups] == ["Scotland"]
    refused = admin.get("/imports/approvals/", {"area": "999999"})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()


@pytest.mark.django_db
def test_a_rolled_back_import_does_not_name_its_figures(personas: Personas, waiting):
    _wales, scotland, measure, *_rest = waiting
    figure = factories.figure(
        scotland, measure, factories.financial_year(2015), "1", status=FigureStatus.SUBMITTED
    )
    batch_of([figure], "gone.csv", status=BatchStatus.ROLLED_BACK)
    page = approvals.approval_page(personas.admin, approvals.ApprovalFilter(batch="none"))
    assert page.total == 2


@pytest.mark.django_db
def test_approving_a_ticked_group_approves_it_alone(personas: Personas, waiting):
    wales, _scotland, _measure, _recent, older, _typed = waiting
    admin = client_for(personas.admin)
    response = admin.post(
        "/imports/approvals/approve/",
        {"group": f"{approvals.group_key(wales.pk, _measure.pk, older.pk)}:1"},
        follow=True,
    )
    assert "Approved 1 figure of Wales." in response.content.decode()
    assert Figure.objects.filter(status=FigureStatus.SUBMITTED).count() == 6
    assert FigureChange.objects.get().channel == "admin"


@pytest.mark.django_db
def test_approving_everything_of_a_filter(personas: Personas, waiting):
    wales, _scotland, _measure, recent, _older, typed = waiting
    admin = client_for(personas.admin)
    response = admin.post(
        "/imports/approvals/approve/",
        {"batch": str(recent.pk), "everything": "on", "total": "5"},
        follow=True,
    )
    assert "Approved 5 figures of Wales." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/imports/approvals/?batch={recent.pk}"
    assert set(Figure.objects.filter(status=FigureStatus.SUBMITTED)) == {
        typed,
        Figure.objects.get(area=wales, period__start=date(2012, 4, 1)),
    }


@pytest.mark.django_db
def test_a_count_changed_since_the_page_was_read_approves_nothing(personas: Personas, waiting):
    admin = client_for(personas.admin)
    response = admin.post(
        "/imports/approvals/approve/", {"everything": "on", "total": "6"}, follow=True
    )
    assert "7 now match, not 6" in response.content.decode()
    assert not FigureChange.objects.exists()


@pytest.mark.django_db
def test_nothing_chosen_or_a_forged_filter_approves_nothing(personas: Personas, waiting):
    admin = client_for(personas.admin)
    nothing = admin.post("/imports/approvals/approve/", {}, follow=True).content.decode()
    assert "Choose the groups of figures to approve" in nothing
    forged = admin.post(
        "/imports/approvals/approve/",
        {"batch": "x;", "everything": "on", "total": "7"},
        follow=True,
    )
    assert "not one this page offers" in forged.content.decode()
    bad_group = admin.post(
        "/imports/approvals/approve/", {"group": "1:2:3:lots"}, follow=True
    ).content.decode()
    assert "Open the page again" in bad_group
    assert not FigureChange.objects.exists()


@pytest.mark.django_db
def test_only_admins_may_approve(personas: Personas, waiting):
    for user in (personas.officer_a, personas.manager_a, personas.councillor_a):
        response = client_for(user).post(
            "/imports/approvals/approve/", {"everything": "on", "total": "7"}
        )
        assert response.status_code == 403
    assert not FigureChange.objects.exists()


@pytest.mark.django_db
def test_the_import_and_start_pages_link_to_what_waits(personas: Personas, waiting):
    _wales, _scotland, _measure, recent, _older, _typed = waiting
    admin = client_for(personas.admin)
    batch_page = admin.get(f"/imports/{recent.pk}/").content.decode()
    assert "5 figures from this import await approval" in batch_page
    assert f"/imports/approvals/?batch={recent.pk}" in batch_page
    start = admin.get("/").content.decode()
    assert "7 figures of nations, regions and other areas await your approval" in start
    officer_start = client_for(personas.officer_a).get("/").content.decode()
    assert "/imports/approvals/" not in officer_start
