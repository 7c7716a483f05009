"""Spreadsheet import batches on the database: every kind of bad input gets a clear message
on its row and column and writes nothing, by the same rules (and in the same words) as the
entry form."""

import html
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from indicators.models import (
    Figure,
    FigureChange,
    Indicator,
)
from returns import services
from returns.models import ImportBatch
from tests import factories
from tests.entry_world import build as build_entry_world
from tests.entry_world import form_fields

from ..sheet_files import (
    FIGURE_HEADER,
    GOOD_FIGURES,
    TARGET_HEADER,
    csv_bytes,
    with_blank_rows,
    xlsx_bytes,
)
from .batches import messages, upload

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
        "'Sept 21' is not a period; write a month (September 2021 or 2021-09), a quarter "
        "(Q2 2021/22) or a year (2021/22)",
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
