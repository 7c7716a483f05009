"""The pure audit calculations, checked against their definitions with hypothesis."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from audits import metrics
from audits.metrics import AuditResult, Ratio

judgements = st.sampled_from(["", *metrics.JUDGEMENTS])
results = st.builds(
    lambda day, judgement, moderated: AuditResult(day, judgement, moderated if judgement else ""),
    st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)),
    judgements,
    judgements,
)


@given(st.lists(results, max_size=60))
def test_quarters_partition_the_audits(audits: list[AuditResult]) -> None:
    quarters = metrics.by_quarter(audits)

    assert sum(q.audited for q in quarters) == len(audits)
    assert [q.quarter for q in quarters] == sorted({q.quarter for q in quarters})
    for q in quarters:
        assert q.quarter.day == 1 and q.quarter.month in (1, 4, 7, 10)
        assert list(q.counts) == list(metrics.JUDGEMENTS)
        assert q.good_or_better.numerator == q.counts["outstanding"] + q.counts["good"]
        assert q.good_or_better.denominator == sum(q.counts.values())


@given(st.lists(results, max_size=60))
def test_good_or_better_uses_the_moderated_judgement(audits: list[AuditResult]) -> None:
    ratio = metrics.good_or_better(audits)

    judged = [a for a in audits if a.judgement]
    assert ratio.denominator == len(judged)
    expected = sum(
        1 for a in judged if (a.moderated_judgement or a.judgement) in {"good", "outstanding"}
    )
    assert ratio.numerator == expected
    assert ratio.percent is None or 0 <= ratio.percent <= 100


@given(st.lists(results, max_size=60))
def test_moderation_agreement_counts_only_moderated_audits(audits: list[AuditResult]) -> None:
    ratio = metrics.moderation_agreement(audits)

    moderated = [a for a in audits if a.moderated_judgement]
    assert ratio.denominator == len(moderated)
    assert ratio.numerator == sum(1 for a in moderated if a.moderated_judgement == a.judgement)


def test_a_moderator_who_downgrades_changes_the_result() -> None:
    audits = [
        AuditResult(date(2017, 4, 5), "good", "requires_improvement"),
        AuditResult(date(2017, 5, 5), "good", "good"),
        AuditResult(date(2017, 6, 5), "outstanding"),
        AuditResult(date(2017, 6, 30), ""),
    ]

    (quarter,) = metrics.by_quarter(audits)

    assert quarter.quarter == date(2017, 4, 1)
    assert quarter.good_or_better == Ratio(2, 3)
    assert quarter.moderation == Ratio(1, 2)
    assert quarter.not_judged == 1
    assert quarter.audited == 4


def test_no_judged_audits_has_no_percentage() -> None:
    assert metrics.good_or_better([AuditResult(date(2012, 9, 1))]).percent is None


@given(st.lists(st.lists(st.sampled_from(["Voice", "Neglect", "Plans"]), max_size=5), max_size=30))
def test_theme_counts_count_each_record_once(records: list[list[str]]) -> None:
    counted = dict(metrics.theme_counts(records))

    for theme, count in counted.items():
        assert count == sum(1 for themes in records if theme in themes)
    assert [c for _t, c in metrics.theme_counts(records)] == sorted(counted.values(), reverse=True)
