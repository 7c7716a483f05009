"""Spreadsheet import batches on the database: figures, targets, indicators and areas.

Preview counts, all-or-nothing commits, the same file twice, rollback (and when it is
refused), the authority an officer's import may touch, and every kind of bad input writing
nothing."""

import html
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

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
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.entry_world import build as build_entry_world
from tests.entry_world import form_fields

from .sheet_files import (
    FIGURE_HEADER,
    GOOD_FIGURES,
    TARGET_HEADER,
    SheetWorld,
    csv_bytes,
    sheet_world,
    with_blank_rows,
    xlsx_bytes,
)


@pytest.fixture
def world(db, settings, tmp_path) -> SheetWorld:
    settings.MEDIA_ROOT = tmp_path
    return sheet_world()


@pytest.fixture
def admin(world):
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(
    user,
    content: bytes,
    kind: str = ImportKind.SHEET_FIGURES,
    name: str = "figures.csv",
    authority: Area | None = None,
) -> ImportBatch:
    batch = services.batch_create(
        user=user, kind=kind, upload=SimpleUploadedFile(name, content), authority=authority
    )
    return services.batch_validate(batch=batch)


def messages(batch: ImportBatch) -> str:
    return " | ".join(
        f"{f.row}:{f.column}:{f.message}" for f in batch.findings.filter(severity="error")
    )


def imported() -> int:
    return Figure.objects.filter(source=FigureSource.IMPORTED).count()


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


BAD_FIGURES = [
    pytest.param(
        csv_bytes(TARGET_HEADER, ["865", "ASMT-45", "2021/22", "90", "95", "2"]),
        "figures.csv",
        "looks like a spreadsheet of targets",
        id="a file of another kind",
    ),
    pytest.param(
        "authority,indicator,period,value\n865,CLA-COUNT,2021-09,Caf\u00e9\n".encode("cp1252"),
        "figures.csv",
        "is not UTF-8 text",
        id="wrong encoding",
    ),
    pytest.param(
        csv_bytes(["authority", "period", "value"], ["865", "2021-09", "4"]),
        "figures.csv",
        "has no indicator column",
        id="a missing column",
    ),
    pytest.param(
        csv_bytes(
            ["authority", "indicatr", "period", "value"], ["865", "CLA-COUNT", "2021-09", "4"]
        ),
        "figures.csv",
        "did you mean indicator",
        id="a renamed column",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["865", "CLA-COUNT", "2021-09", "", "lots", "", "", "", "", ""]),
        "figures.csv",
        "'lots' is not a number",
        id="a bad value",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["865", "CLA-COUNT", "Sept 21", "", "4", "", "", "", "", ""]),
        "figures.csv",
        "'Sept 21' is not a period; write 2021-09, fy-2021-22-q2 or fy-2021-22",
        id="a bad period",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["865", "CLA-COUNT", "2099-01", "", "4", "", "", "", "", ""]),
        "figures.csv",
        "has not ended yet",
        id="a period not ended",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["865", "CLA-CONT", "2021-09", "", "4", "", "", "", "", ""]),
        "figures.csv",
        "'CLA-CONT' is not an indicator code in the catalogue. Did you mean CLA-COUNT?",
        id="an unknown indicator",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["999", "CLA-COUNT", "2021-09", "", "4", "", "", "", "", ""]),
        "figures.csv",
        "'999' is not an area this system knows",
        id="an unknown authority",
    ),
    pytest.param(
        csv_bytes(
            FIGURE_HEADER,
            ["865", "ASMT-45", "2021-09", "locality: Nowhere", "4", "", "", "", "", ""],
        ),
        "figures.csv",
        "There is no locality called 'Nowhere'. The locality categories are: North",
        id="an unknown category",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1], ["865", *GOOD_FIGURES[1][1:]]),
        "figures.csv",
        "same figure as row 2 (written differently)",
        id="a duplicate row",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER, ["865", "ASMT-45", "2021-09", "", "90", "87", "100", "", "", ""]),
        "figures.csv",
        "does not match 87 / 100",
        id="a value inconsistent with its ratio",
    ),
    pytest.param(
        csv_bytes(FIGURE_HEADER),
        "figures.csv",
        "no rows of data",
        id="a header only",
    ),
    pytest.param(
        # Made when the test runs, not when it is collected.
        lambda: with_blank_rows(xlsx_bytes(FIGURE_HEADER), 1_000_000),
        "figures.xlsx",
        "no rows of data",
        id="an xlsx of a million empty rows",
    ),
    pytest.param(b"%PDF-1.4 not a spreadsheet", "figures.csv", "is not a spreadsheet", id="a pdf"),
]


@pytest.mark.parametrize(("content", "name", "message"), BAD_FIGURES)
def test_bad_figures_get_a_clear_message_and_write_nothing(
    admin, content: bytes | Callable[[], bytes], name: str, message: str
) -> None:
    batch = upload(admin, content() if callable(content) else content, name=name)
    assert batch.error_count >= 1
    assert message in messages(batch)
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


# The rows of issue 13: a figures sheet once said "No problems found" to all three.
ISSUE_ROWS = [
    ["865", "CLA-COUNT", "2021-10", "", "-5", "", "", "", "", ""],
    ["865", "ASMT-45", "2021-10", "", "-12%", "", "", "", "", ""],
    ["865", "ASMT-45", "2021-11", "", "250%", "", "", "", "", ""],
]
COUNT = "Children looked after"
PERCENT = "% assessments within 45 days"


def errors_of(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return list(
        batch.findings.filter(severity="error")
        .order_by("row", "pk")
        .values_list("row", "column", "message")
    )


def test_a_negative_count_and_percentages_beyond_0_to_100_are_refused_on_their_rows(
    admin,
) -> None:
    batch = upload(admin, csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1], *ISSUE_ROWS))
    assert errors_of(batch) == [
        (3, "value", f"{COUNT}: The value cannot be below zero (-5)."),
        (4, "value", f"{PERCENT}: The value must be between 0% and 100% (-12)."),
        (5, "value", f"{PERCENT}: The value must be between 0% and 100% (250)."),
    ]
    assert batch.error_count == 3 and not batch.can_commit
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()  # not even the good row: all or nothing
    assert not FigureChange.objects.exists()


def test_the_same_rows_in_a_workbook_with_percent_cells_are_refused_the_same_way(admin) -> None:
    """Excel keeps -12% as -0.12 and 250% as 2.5 in a cell formatted as a percentage."""
    content = xlsx_bytes(
        FIGURE_HEADER,
        [865, "CLA-COUNT", "2021-10", None, -5, None, None, None, None, None],
        [865, "ASMT-45", "2021-10", None, -0.12, None, None, None, None, None],
        [865, "ASMT-45", "2021-11", None, 2.5, None, None, None, None, None],
        formats={"E3": "0%", "E4": "0%"},
    )
    batch = upload(admin, content, name="figures.xlsx")
    assert [message for _row, _column, message in errors_of(batch)] == [
        f"{COUNT}: The value cannot be below zero (-5).",
        f"{PERCENT}: The value must be between 0% and 100% (-12).",
        f"{PERCENT}: The value must be between 0% and 100% (250).",
    ]
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            ["CLA-COUNT", "", "2.5", "", "", ""],
            "value",
            f"{COUNT}: The value must be a whole number, like 650, not 2.5.",
        ),
        (
            ["ASMT-45", "", "", "101", "100", ""],
            "numerator",
            f"{PERCENT}: the numerator (101) cannot be more than the denominator (100).",
        ),
        (
            ["ASMT-45", "", "", "-1", "100", ""],
            "numerator",
            f"{PERCENT}: The numerator cannot be below zero (-1).",
        ),
        (
            ["ASMT-45", "", "", "40.5", "100", ""],
            "numerator",
            f"{PERCENT}: The numerator must be a whole number, like 45, not 40.5.",
        ),
        (
            ["ASMT-45", "", "", "0", "0", ""],
            "denominator",
            f"{PERCENT}: the denominator must be more than zero.",
        ),
        (
            ["ASMT-45", "", "", "3", "", ""],
            "denominator",
            f"{PERCENT}: enter the denominator as well as the numerator.",
        ),
        (
            ["CLA-COUNT", "", "", "3", "4", ""],
            "numerator",
            f"{COUNT}: a numerator and denominator are only for percentages, rates and "
            "averages: give the value only.",
        ),
        (
            ["ASMT-45", "", "4", "", "", "c"],
            "suppression",
            f"{PERCENT}: the figure is suppressed (c) but numbers are given too: give the "
            "numbers or the code, not both.",
        ),
        (
            ["ASMT-45", "", "", "", "", "q"],
            "suppression",
            f"{PERCENT}: 'q' is not a suppression code: use c, k, x, z, u or low, or leave it "
            "empty.",
        ),
        (
            ["CLA-COUNT", "", "", "", "", ""],
            "value",
            f"{COUNT}: there is no value: give the value, or a suppression code.",
        ),
        (
            ["ASMT-45", "locality: North", "120", "", "", ""],
            "value",
            f"{PERCENT}: The value must be between 0% and 100% (120).",
        ),
    ],
)
def test_every_value_rule_of_the_entry_form_refuses_a_row(
    admin, cells: list[str], column: str, message: str
) -> None:
    indicator, breakdown, value, numerator, denominator, suppression = cells
    row = ["865", indicator, "2021-09", breakdown, value, numerator, denominator, suppression]
    batch = upload(admin, csv_bytes(FIGURE_HEADER, [*row, "", ""]))
    assert errors_of(batch) == [(2, column, message)]
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


def test_a_mean_whose_parts_give_more_than_the_database_holds_is_refused(admin) -> None:
    factories.IndicatorFactory(
        code="CASELOAD", title="Average caseload", unit="average", decimals=1, roll_up="ratio"
    )
    row = ["865", "CASELOAD", "2021-09", "", "", "999999999999", "0.0001", "", "", ""]
    batch = upload(admin, csv_bytes(FIGURE_HEADER, row))
    assert errors_of(batch) == [
        (
            2,
            "denominator",
            "Average caseload: 999999999999 / 0.0001 gives 9999999999990000, which is too large "
            "to store: check the numerator and denominator.",
        )
    ]
    assert not Figure.objects.exists()


def test_a_catalogue_change_after_validation_is_caught_at_commit(admin, world) -> None:
    """Rows are checked against the catalogue as it is when they are committed: a count that
    became a percentage after validation makes 412 impossible, and nothing is written."""
    batch = upload(admin, csv_bytes(FIGURE_HEADER, GOOD_FIGURES[1]))
    assert batch.can_commit
    Indicator.objects.filter(pk=world.looked_after.pk).update(unit="percent")
    with pytest.raises(ValidationError, match="no longer validates"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


def test_an_empty_or_oversized_file_is_refused_before_it_is_read(admin, settings) -> None:
    with pytest.raises(ValidationError, match="is empty"):
        upload(admin, b"")
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="files over"):
        upload(admin, csv_bytes(FIGURE_HEADER, *GOOD_FIGURES), name="figures.xlsx")
    assert not ImportBatch.objects.exists()


def test_one_bad_row_among_good_ones_writes_nothing(admin) -> None:
    rows = [*GOOD_FIGURES, ["865", "CLA-COUNT", "2021-10", "", "many", "", "", "", "", ""]]
    batch = upload(admin, csv_bytes(FIGURE_HEADER, *rows))
    assert (batch.error_count, batch.new_count) == (1, 4)
    with pytest.raises(ValidationError):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


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


# --- one set of rules: the entry form and the import say the same --------------------------


def test_the_entry_form_and_a_spreadsheet_refuse_the_same_values_in_the_same_words(
    db, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = build_entry_world()
    client = Client()
    client.force_login(entry.officer)
    data = form_fields(client.get(entry.url).content.decode()) | entry.good_values()
    data |= {"E-PLANS-value": "-5", "E-VISITS-numerator": "210", "E-VISITS-denominator": "200"}
    page = html.unescape(client.post(entry.url, data).content.decode())

    sheet = csv_bytes(
        FIGURE_HEADER,
        ["northshire", "E-PLANS", entry.key, "", "-5", "", "", "", "", ""],
        ["northshire", "E-VISITS", entry.key, "", "", "210", "200", "", "", ""],
    )
    found = errors_of(upload(entry.admin, sheet))
    assert found == [
        (2, "value", "Children on child in need plans: The value cannot be below zero (-5)."),
        (
            3,
            "numerator",
            "% children on CIN plans seen within 4 weeks: the numerator (210) cannot be more "
            "than the denominator (200).",
        ),
    ]
    for _row, _column, message in found:
        assert message in page
    assert not Figure.objects.filter(area=entry.authority, period=entry.month).exists()
