"""The SSDA903's rule functions (`BOOK`), one module per table or theme; the rules of each
collection year are the CSV files in the year's folder (``2026/``: the 2025/26 collection)."""

from ..engine import RuleBook

BOOK = RuleBook("ssda903")
