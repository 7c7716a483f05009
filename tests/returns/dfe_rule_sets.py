"""Choosing which of the year's DfE rules an import runs, for tests of the import itself.

Tests of deriving, counting and committing returns use small hand-made files that no real
return resembles: the full rule set fails them on things beside the point (no postcodes, no
UPN). Those tests run the import with no rules (`rules_off`); the tests of what the rules do to
an import pin the few real rules they plant failures for (`rules_only`), so that their counts
stay exact as the year's set grows. One test runs the full set (test_return_rules.py).
"""

from __future__ import annotations

from returns import rule_reports
from returns.dfe_rules.engine import RuleSet
from returns.kinds import statutory_rules

# The real choice of rules, taken before any test replaces it.
REAL_RULES_OF = statutory_rules.rules_of


def rules_only(monkeypatch, *codes: str) -> None:
    """Imports, validation and error reports run only the year's rules with these codes
    (whatever an earlier fixture chose)."""

    def chosen(kind: str, year: int) -> RuleSet:
        rules = REAL_RULES_OF(kind, year)
        return RuleSet(
            rules.return_name,
            rules.collection_year,
            tuple(rule for rule in rules.rules if rule.code in codes),
        )

    monkeypatch.setattr(statutory_rules, "rules_of", chosen)
    monkeypatch.setattr(rule_reports, "rules_of", chosen)


def rules_off(monkeypatch) -> None:
    """Imports run no DfE rule (the batch still names the year's set)."""
    rules_only(monkeypatch)
