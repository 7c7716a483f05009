"""The audit-results log: bad input is found row by row, and a refused log writes nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts import access
from audits import services
from audits.logs import COLUMNS, HEADER, log_header, parse_audit_log
from audits.models import CaseAudit
from indicators.models import Figure
from tests import factories as core
from tests.audits.factories import summary_indicators

TODAY = date(2024, 6, 1)


def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row.update({"Case reference": "CIN-0042", "Audit date": "10/04/2017", "Judgement": "Good"})
    for key, value in values.items():
        row[HEADER[COLUMNS.index(key)]] = value
    return row


def _errors(parsed) -> list[tuple[int, str]]:
    return [(row, column) for row, column, _m, severity in parsed.findings if severity == "error"]


def test_a_good_log_is_read() -> None:
    parsed = parse_audit_log(
        [
            _row(),
            _row(
                case_reference="cp1234",
                audit_date="2017-05-02",
                judgement="RI",
                moderated_judgement="Requires improvement",
                themes="Neglect; Voice ;Neglect",
            ),
        ],
        today=TODAY,
    )
    assert not parsed.has_errors
    first, second = parsed.records
    assert (first.row, first.judgement, first.audit_date) == (2, "good", date(2017, 4, 10))
    assert second.case_reference == "CP1234"
    assert second.moderated_judgement == "requires_improvement"
    assert second.themes == ("Neglect", "Voice")


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"case_reference": "Jane Doe"}, "Case reference", "looks like a name"),
        ({"case_reference": "Smithson"}, "Case reference", "not a case code"),
        ({"audit_date": "31/02/2017"}, "Audit date", "not a date"),
        ({"audit_date": "01/01/2030"}, "Audit date", "in the future"),
        ({"judgement": "Very good"}, "Judgement", "not a judgement"),
        ({"moderated_judgement": "Fine"}, "Moderated judgement", "not a judgement"),
        ({"judgement": "", "moderated_judgement": "Good"}, "Moderated judgement", "needs"),
    ],
)
def test_a_bad_row_is_an_error_naming_row_and_column(values, column, words) -> None:
    parsed = parse_audit_log([_row(), _row(**values)], today=TODAY)
    assert (3, column) in _errors(parsed)
    assert any(words in message for _r, _c, message, _s in parsed.findings)
    assert len(parsed.records) == 1


def test_duplicates_missing_columns_and_empty_files() -> None:
    duplicate = parse_audit_log([_row(), _row()], today=TODAY)
    assert _errors(duplicate) == [(3, "Case reference")]
    assert "repeats row 2" in duplicate.findings[0][2]

    missing = parse_audit_log(
        [{"Case reference": "CIN-0042", "Audit date": "10/04/2017"}], today=TODAY
    )
    assert _errors(missing) == [(1, "Judgement")]
    assert not missing.records

    assert _errors(parse_audit_log([], today=TODAY)) == [(0, "")]
    assert _errors(parse_audit_log([], today=TODAY, header=log_header())) == [(0, "")]


def test_an_unknown_column_and_a_missing_judgement_are_warnings() -> None:
    row = _row(judgement="")
    row["Notes"] = "x"
    parsed = parse_audit_log([row], today=TODAY)
    assert not parsed.has_errors
    warnings = [(r, c) for r, c, _m, s in parsed.findings if s == "warning"]
    assert (1, "Notes") in warnings and (2, "Judgement") in warnings


cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(st.lists(st.dictionaries(st.sampled_from([*HEADER, "Other"]), cells), max_size=8))
def test_any_rows_give_records_or_findings_never_an_exception(rows) -> None:
    parsed = parse_audit_log(rows, today=TODAY)
    for record in parsed.records:
        assert record.judgement in ("", "outstanding", "good", "requires_improvement", "inadequate")
        assert record.audit_date <= TODAY
    for row, _column, message, severity in parsed.findings:
        assert severity in ("error", "warning") and message and row >= 0
    keys = [(r.case_reference, r.audit_date) for r in parsed.records]
    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_commit_writes_and_derives_and_rollback_removes() -> None:
    good, _ = summary_indicators()
    authority = core.AreaFactory(name="Authority A", slug="authority-a")
    parsed = parse_audit_log(
        [_row(themes="Neglect"), _row(case_reference="CIN-0043", judgement="Inadequate")],
        today=TODAY,
    )
    ids = services.audit_log_commit(user=access.SYSTEM, authority=authority, records=parsed.records)

    assert CaseAudit.objects.filter(pk__in=ids).count() == 2
    figure = Figure.objects.get(area=authority, indicator=good)
    assert (figure.numerator, figure.denominator) == (1, 2)

    services.audit_log_rollback(user=access.SYSTEM, authority=authority, audit_ids=ids)
    assert not CaseAudit.objects.exists()
    assert not Figure.objects.filter(area=authority, indicator=good).exists()


@pytest.mark.django_db
def test_commit_refuses_unknown_programme_and_repeats_writing_nothing() -> None:
    authority = core.AreaFactory(name="Authority A", slug="authority-a")
    parsed = parse_audit_log([_row(programme="No such programme")], today=TODAY)
    assert services.audit_log_check(authority=authority, records=parsed.records)
    with pytest.raises(ValidationError, match="no audit programme"):
        services.audit_log_commit(user=access.SYSTEM, authority=authority, records=parsed.records)
    assert not CaseAudit.objects.exists()

    ok = parse_audit_log([_row()], today=TODAY)
    services.audit_log_commit(user=access.SYSTEM, authority=authority, records=ok.records)
    with pytest.raises(ValidationError, match="already recorded"):
        services.audit_log_commit(user=access.SYSTEM, authority=authority, records=ok.records)
    assert CaseAudit.objects.count() == 1
