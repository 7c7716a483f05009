"""Spreadsheet import batches on the database: figures, targets, indicators and areas.

Preview counts, commits, the same file twice, rollback (and when it is refused), and the
authority an officer's import may touch. Bad input is in test_refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership, Role
from indicators import services as figure_services
from indicators.models import (
    Area,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    Target,
    TargetChange,
)
from returns import services
from returns.models import BatchStatus, ImportKind
from tests import factories

from ..sheet_files import (
    FIGURE_HEADER,
    GOOD_FIGURES,
    TARGET_HEADER,
    csv_bytes,
    with_blank_rows,
    xlsx_bytes,
)
from .batches import imported, messages, upload

# --- figures ---------------------------------------------------------------------------------


def test_the_preview_counts_and_writes_nothing(admin) -> None:
    periods_before = Period.objects.count()
    batch = upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES))
    assert batch.status == BatchStatus.READY, messages(batch)
    assert (batch.rows_read, batch.error_count) == (4, 0), messages(batch)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (4, 0, 0)
    assert not Figure.objects.exists()
    assert Period.objects.count() == periods_before


def test_commit_writes_submitted_figures_with_derived_ratios_and_an_audit_trail(
    admin, world
) -> None:
    batch = services.batch_commit(
        user=admin, batch=upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES))
    )
    assert batch.status == BatchStatus.COMMITTED
    assert batch.new_count == 4
    ratio = Figure.objects.get(area=world.wiltshire, indicator=world.assessments, breakdown=None)
    assert (ratio.value, ratio.numerator, ratio.denominator) == (Decimal("87"), 87, 100)
    assert ratio.status == FigureStatus.SUBMITTED
    assert ratio.source == FigureSource.IMPORTED
    assert ratio.commentary == "Better than August"
    count = Figure.objects.get(indicator=world.looked_after)
    assert (count.value, count.is_provisional) == (Decimal("412"), True)
    north = Figure.objects.get(breakdown=world.north)
    assert north.value == Decimal("80")
    suppressed = Figure.objects.get(area=world.devon)
    assert (suppressed.value, suppressed.suppression) == (None, "c")
    assert set(FigureChange.objects.values_list("channel", flat=True)) == {ChangeChannel.IMPORT}


def test_the_same_file_twice_changes_nothing(admin) -> None:
    content = csv_bytes(FIGURE_HEADER, *GOOD_FIGURES)
    services.batch_commit(user=admin, batch=upload(admin, content))
    versions = dict(Figure.objects.values_list("pk", "version"))
    again = upload(admin, content)
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 4)
    again = services.batch_commit(user=admin, batch=again)
    assert dict(Figure.objects.values_list("pk", "version")) == versions
    assert again.changes.count() == 0


def test_correcting_an_approved_figure_marks_it_revised_and_rollback_restores_it(
    admin, world
) -> None:
    period = Period.objects.from_url_key("2021-09")
    approved = factories.figure(world.wiltshire, world.looked_after, period, "400")
    batch = upload(admin, csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1]))
    assert (batch.new_count, batch.changed_count) == (0, 1)
    warnings = list(batch.findings.filter(severity="warning").values_list("message", flat=True))
    assert any("is approved" in message for message in warnings)
    services.batch_commit(user=admin, batch=batch)
    approved.refresh_from_db()
    assert (approved.value, approved.status, approved.is_revised) == (
        Decimal("412"),
        FigureStatus.SUBMITTED,
        True,
    )
    services.batch_rollback(user=admin, batch=batch)
    approved.refresh_from_db()
    assert (approved.value, approved.status, approved.is_revised) == (
        Decimal("400"),
        FigureStatus.APPROVED,
        False,
    )


def test_an_unchanged_approved_figure_stays_approved(admin, world) -> None:
    period = Period.objects.from_url_key("2021-09")
    approved = factories.figure(world.wiltshire, world.looked_after, period, "412")
    approved.is_provisional = True
    approved.save()
    batch = upload(admin, csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1]))
    assert batch.unchanged_count == 1
    services.batch_commit(user=admin, batch=batch)
    approved.refresh_from_db()
    assert approved.status == FigureStatus.APPROVED and approved.version == 1


def test_rollback_is_refused_when_a_figure_has_changed_since(admin, world) -> None:
    batch = services.batch_commit(
        user=admin, batch=upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES))
    )
    figure = Figure.objects.get(indicator=world.looked_after)
    figure_services.figure_set(
        user=admin,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal("415"),
        reason="Typed",
    )
    with pytest.raises(ValidationError, match="changed since"):
        services.batch_rollback(user=admin, batch=batch)
    assert imported() == 3  # the typed one is now "typed"
    figure.refresh_from_db()
    assert figure.value == Decimal("415")


def test_rollback_removes_the_figures_it_created(admin) -> None:
    batch = services.batch_commit(
        user=admin, batch=upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES))
    )
    services.batch_rollback(user=admin, batch=batch)
    assert not Figure.objects.exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK


def test_a_rollback_takes_the_quarters_rolled_up_from_its_months_with_it(
    admin, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    batch = upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES))
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_commit(user=admin, batch=batch)
    derived = Figure.objects.filter(source=FigureSource.ROLLED_UP)
    assert derived.filter(period__kind="quarter").exists()  # September's quarter
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_rollback(user=admin, batch=batch)
    assert not derived.exists()
    assert not Figure.objects.exists()


def test_an_officers_import_may_hold_only_their_authoritys_figures(admin, world) -> None:
    officer = factories.UserFactory(username="officer")
    Membership.objects.create(user=officer, authority=world.wiltshire, role=Role.OFFICER)
    batch = upload(officer, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES), authority=world.wiltshire)
    assert batch.error_count == 1
    finding = batch.findings.get(severity="error")
    assert (finding.row, finding.column) == (5, "authority")
    assert "this import is for Wiltshire" in finding.message
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=officer, batch=batch)
    assert not Figure.objects.exists()


def test_an_xlsx_file_reads_percent_cells_and_dates_as_people_typed_them(admin, world) -> None:
    content = xlsx_bytes(
        FIGURE_HEADER,
        [865, "CLA-COUNT", date(2021, 9, 1), None, 412, None, None, None, True, None],
        ["wiltshire", "ASMT-45", "fy-2021-22-q2", None, 0.87, None, None, None, "no", "Steady"],
        formats={"E3": "0%"},
    )
    batch = upload(admin, content, name="figures.xlsx")
    assert batch.error_count == 0, messages(batch)
    services.batch_commit(user=admin, batch=batch)
    count = Figure.objects.get(indicator=world.looked_after)
    assert (count.period.url_key, count.value, count.is_provisional) == (
        "2021-09",
        Decimal("412"),
        True,
    )
    quarter = Figure.objects.get(indicator=world.assessments)
    assert (quarter.period.url_key, quarter.value) == ("fy-2021-22-q2", Decimal("87"))


def test_a_million_empty_rows_under_the_data_are_not_read(admin) -> None:
    content = with_blank_rows(xlsx_bytes(FIGURE_HEADER, GOOD_FIGURES[1]), 1_000_000)
    batch = upload(admin, content, name="figures.xlsx")
    assert (batch.rows_read, batch.error_count, batch.new_count) == (1, 0, 1)
    assert "reading stopped there" in batch.findings.get(severity="warning").message


# --- targets ---------------------------------------------------------------------------------

TARGETS = [
    ["865", "ASMT-45", "2021/22", "90", "95", "2"],
    ["devon", "ASMT-45", "fy-2021-22", "85", "", ""],
]


def test_targets_are_set_with_their_history_and_roll_back(admin, world) -> None:
    content = csv_bytes(TARGET_HEADER, *TARGETS)
    batch = upload(admin, content, kind=ImportKind.SHEET_TARGETS, name="targets.csv")
    assert (batch.error_count, batch.new_count) == (0, 2), messages(batch)
    assert not Target.objects.exists()
    services.batch_commit(user=admin, batch=batch)
    target = Target.objects.get(authority=world.wiltshire)
    assert (target.lower, target.upper, target.tolerance) == (90, 95, 2)
    assert set(TargetChange.objects.values_list("channel", flat=True)) == {ChangeChannel.IMPORT}

    again = upload(admin, content, kind=ImportKind.SHEET_TARGETS, name="targets.csv")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)

    changed = upload(
        admin,
        csv_bytes(TARGET_HEADER, ["865", "ASMT-45", "2021/22", "92", "95", "2"]),
        kind=ImportKind.SHEET_TARGETS,
        name="targets.csv",
    )
    assert changed.changed_count == 1
    services.batch_commit(user=admin, batch=changed)
    target.refresh_from_db()
    assert target.lower == 92
    with pytest.raises(ValidationError, match="changed or removed since"):
        services.batch_rollback(user=admin, batch=batch)
    services.batch_rollback(user=admin, batch=changed)
    target.refresh_from_db()
    assert target.lower == 90
    services.batch_rollback(user=admin, batch=batch)
    assert not Target.objects.exists()


def test_a_target_for_a_region_or_another_authority_is_an_error(admin, world) -> None:
    batch = upload(
        admin,
        csv_bytes(TARGET_HEADER, ["south-west", "ASMT-45", "2021/22", "90", "95", "2"], TARGETS[1]),
        kind=ImportKind.SHEET_TARGETS,
        name="targets.csv",
        authority=world.wiltshire,
    )
    text = messages(batch)
    assert "South West is a region: targets are set for local authorities" in text
    assert "this import is for Wiltshire" in text
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["865", "ASMT-45", "2021-09", "90", "95", ""], "is not a financial year"),
        (["865", "ASMT-45", "2021/22", "", "", ""], "needs a lower bound, an upper bound"),
        (["865", "ASMT-45", "2021/22", "95", "90", ""], "is above the upper bound"),
        (["865", "ASMT-45", "2021/22", "90", "95", "-1"], "cannot be negative"),
    ],
)
def test_bad_targets_write_nothing(admin, row: list[str], message: str) -> None:
    batch = upload(
        admin, csv_bytes(TARGET_HEADER, row), kind=ImportKind.SHEET_TARGETS, name="t.csv"
    )
    assert message in messages(batch)
    with pytest.raises(ValidationError):
        services.batch_commit(user=admin, batch=batch)
    assert not Target.objects.exists()


# --- indicators and areas --------------------------------------------------------------------

INDICATOR_HEADER = [
    "code",
    "title",
    "definition",
    "theme",
    "unit",
    "polarity",
    "frequency",
    "measure_type",
    "decimals",
    "source",
    "roll_up",
]


def indicator_row(code: str, title: str, theme: str, unit: str = "count") -> list[str]:
    roll_up = "sum" if unit == "count" else "ratio"
    return [
        code,
        title,
        "Counted.",
        theme,
        unit,
        "higher",
        "monthly",
        "events",
        "0",
        "local",
        roll_up,
    ]


def test_indicators_import_through_their_resource_and_roll_back(admin, world) -> None:
    theme = world.assessments.theme.slug
    content = csv_bytes(
        INDICATOR_HEADER,
        indicator_row("NEW-1", "A new measure", theme),
        indicator_row("ASMT-45", "Assessments on time", theme, "percent"),
    )
    batch = upload(admin, content, kind=ImportKind.SHEET_INDICATORS, name="indicators.csv")
    assert (batch.error_count, batch.new_count, batch.changed_count) == (0, 1, 1), messages(batch)
    assert not Indicator.objects.filter(code="NEW-1").exists()
    services.batch_commit(user=admin, batch=batch)
    assert Indicator.objects.get(code="ASMT-45").title == "Assessments on time"
    services.batch_rollback(user=admin, batch=batch)
    assert Indicator.objects.get(code="ASMT-45").title == "% assessments within 45 days"
    assert not Indicator.objects.filter(code="NEW-1").exists()


def test_rolling_back_an_indicator_that_has_figures_is_refused(admin, world) -> None:
    content = csv_bytes(INDICATOR_HEADER, indicator_row("NEW-1", "A new measure", "theme-x"))
    factories.ThemeFactory(slug="theme-x")
    batch = services.batch_commit(
        user=admin, batch=upload(admin, content, kind=ImportKind.SHEET_INDICATORS, name="i.csv")
    )
    factories.figure(
        world.wiltshire, Indicator.objects.get(code="NEW-1"), factories.financial_year(2020), "3"
    )
    with pytest.raises(ValidationError, match="is now used by figures"):
        services.batch_rollback(user=admin, batch=batch)
    assert Indicator.objects.filter(code="NEW-1").exists()


def test_a_bad_indicator_row_says_which_choice_to_use(admin, world) -> None:
    row = indicator_row("NEW-1", "A new measure", world.assessments.theme.slug)
    row[4] = "percentage"
    batch = upload(
        admin, csv_bytes(INDICATOR_HEADER, row), kind=ImportKind.SHEET_INDICATORS, name="i.csv"
    )
    finding = batch.findings.get(severity="error")
    assert (finding.row, finding.column) == (2, "unit")
    assert "use one of percent, rate_10k" in finding.message
    assert not Indicator.objects.filter(code="NEW-1").exists()


AREA_HEADER = ["name", "slug", "kind", "nation", "ons_code", "dfe_number", "region"]


def test_areas_import_with_their_region_and_roll_back(admin) -> None:
    content = csv_bytes(
        AREA_HEADER,
        ["North East", "north-east", "region", "", "E12000001", "", ""],
        ["Hartlepool", "hartlepool", "authority", "england", "e06000001", "805", "E12000001"],
    )
    batch = upload(admin, content, kind=ImportKind.SHEET_AREAS, name="areas.csv")
    assert (batch.error_count, batch.new_count) == (0, 2), messages(batch)
    services.batch_commit(user=admin, batch=batch)
    hartlepool = Area.objects.get(slug="hartlepool")
    assert (hartlepool.region.slug, hartlepool.ons_code, hartlepool.dfe_code) == (
        "north-east",
        "E06000001",
        "805",
    )
    again = upload(admin, content, kind=ImportKind.SHEET_AREAS, name="areas.csv")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    services.batch_rollback(user=admin, batch=batch)
    assert not Area.objects.filter(slug__in=["hartlepool", "north-east"]).exists()


def test_rolling_back_an_area_with_members_is_refused(admin) -> None:
    content = csv_bytes(AREA_HEADER, ["Hartlepool", "hartlepool", "authority", "", "", "805", ""])
    batch = services.batch_commit(
        user=admin, batch=upload(admin, content, kind=ImportKind.SHEET_AREAS, name="a.csv")
    )
    Membership.objects.create(
        user=admin, authority=Area.objects.get(slug="hartlepool"), role=Role.OFFICER
    )
    with pytest.raises(ValidationError, match="memberships"):
        services.batch_rollback(user=admin, batch=batch)
    assert Area.objects.filter(slug="hartlepool").exists()


def test_an_area_with_a_taken_dfe_number_is_refused(admin, world) -> None:
    content = csv_bytes(AREA_HEADER, ["Somewhere", "somewhere", "authority", "", "", "865", ""])
    batch = upload(admin, content, kind=ImportKind.SHEET_AREAS, name="a.csv")
    assert batch.error_count >= 1
    assert "somewhere" not in Area.objects.values_list("slug", flat=True)


def test_the_commit_uses_the_rows_kept_at_validation_only_if_they_are_this_files(
    admin, world
) -> None:
    from django.core.files.base import ContentFile

    from returns import spreadsheets

    batch = upload(admin, csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1]))
    kept = f"{batch.file.name}.rows.json"
    storage = batch.file.storage
    assert storage.exists(kept)
    # Rows kept for another file (another hash) are not used: the file is read again.
    parsed = spreadsheets.parse_figures(
        spreadsheets.read_table(csv_bytes(FIGURE_HEADER, GOOD_FIGURES[0]), "other.csv"),
        date.today(),
    )
    storage.delete(kept)
    storage.save(kept, ContentFile(spreadsheets.figure_rows_dump(parsed.rows, "0" * 64)))
    services.batch_commit(user=admin, batch=batch)
    assert list(Figure.objects.values_list("indicator__code", flat=True)) == ["CLA-COUNT"]


def test_a_commit_takes_a_handful_of_queries_however_many_rows(
    admin, django_assert_max_num_queries
) -> None:
    def rows(value: int) -> list[list[object]]:
        return [
            ["865", "CLA-COUNT", f"20{year}-{month:02d}", "", value + month, "", "", "", "", ""]
            for year in (19, 20)
            for month in range(1, 13)
        ]

    services.batch_commit(user=admin, batch=upload(admin, csv_bytes(FIGURE_HEADER, *rows(10))))
    changed = upload(admin, csv_bytes(FIGURE_HEADER, *rows(20)))
    assert changed.changed_count == 24
    with django_assert_max_num_queries(40):
        services.batch_commit(user=admin, batch=changed)


def test_unknown_themes_and_regions_are_named(admin, world) -> None:
    indicators = upload(
        admin,
        csv_bytes(INDICATOR_HEADER, indicator_row("NEW-1", "A new measure", "no-such-theme")),
        kind=ImportKind.SHEET_INDICATORS,
        name="i.csv",
    )
    assert "There is no theme with slug 'no-such-theme'" in messages(indicators)
    areas = upload(
        admin,
        csv_bytes(AREA_HEADER, ["Hartlepool", "hartlepool", "authority", "", "", "", "E12999999"]),
        kind=ImportKind.SHEET_AREAS,
        name="a.csv",
    )
    assert "There is no area with the slug or ONS code 'E12999999'" in messages(areas)
    assert not Area.objects.filter(slug="hartlepool").exists()
