"""What the CIN rules share: the referral key, the census's yes/no values, the census year,
and the row a rule about the whole return points at. (The 8600s' frames with their dates
read once are in `support_b`.)"""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables

# A referral's records (assessments, plans, section 47s) are linked to it by these.
REFERRAL = [CHILD, "CINDETAILSID"]
# The row a rule about the whole return points at: no record (records are numbered from 1
# within each table, the header being header record 1), the return itself.
RETURN_ROW = 0


def is_true(column: str) -> pl.Expr:
    """An xs:boolean element that says yes ("true" or "1"); null reads as no."""
    return pl.col(column).str.to_lowercase().is_in(["true", "1"]).fill_null(False)


def is_false(column: str) -> pl.Expr:
    """An xs:boolean element that says no ("false" or "0"); null is neither yes nor no."""
    return pl.col(column).str.to_lowercase().is_in(["false", "0"]).fill_null(False)


def whole_return(fails: bool) -> pl.DataFrame:
    """A rule the DfE checks over the whole return (an authority-level query): one failure
    pointing at the return itself (header row 0, before its one record), or none."""
    return pl.DataFrame(
        {
            "table": ["header"] if fails else [],
            "row": [RETURN_ROW] if fails else [],
            CHILD: [None] if fails else [],
        },
        schema={"table": pl.String, "row": pl.Int64, CHILD: pl.String},
    )


def in_census_year(tables: ReturnTables, column: pl.Expr) -> pl.Expr:
    """The date falls within the collection year (1 April to 31 March, inclusive)."""
    return column.is_between(pl.lit(tables.year_start), pl.lit(tables.year_end))
