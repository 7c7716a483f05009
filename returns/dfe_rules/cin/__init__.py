"""The CIN census's rule functions (`BOOK`), one module per part of the census; the rules of
each collection year are the CSV files in the year's folder (``2026/``: the 2025/26 census)."""

from ..engine import RuleBook

BOOK = RuleBook("cin")
