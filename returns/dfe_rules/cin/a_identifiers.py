"""CIN rules on the header and the child's identifiers (codes below 8600): the reference date,
the UPN's form, the LAchildID, and the authority-level queries on sex and disability."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, dates, failing, nothing
from . import BOOK
from .support import whole_return

# The UPN's check letter for each remainder of the weighted sum divided by 23 (DfE: the
# letters A to Z without I, O and S).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# Characters 2-4 of a UPN: the post-April 1998 LA codes and the DfE's "pseudo LA" codes, as
# listed in rule 1530 from 2023/24 (which added 942 and 943).
_LA_RANGES = (
    (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
    (380, 384), (390, 394), (420, 420), (660, 681), (701, 708), (800, 803), (805, 808),
    (810, 813), (815, 816), (820, 823), (825, 826), (830, 831), (835, 841), (845, 846),
    (850, 852), (855, 857), (860, 861), (865, 896), (908, 909), (916, 916), (919, 919),
    (921, 921), (925, 926), (928, 929), (931, 931), (933, 933), (935, 938), (940, 943),
)  # fmt: skip
UPN_LA_CODES = frozenset(f"{code:03d}" for low, high in _LA_RANGES for code in range(low, high + 1))


@BOOK.check
def reference_date_incorrect(tables: ReturnTables) -> pl.DataFrame:
    """100: ReferenceDate is present and is 31 March of the collection year."""
    header = tables.table("header", "REFERENCEDATE")
    wrong = dates("REFERENCEDATE").is_null() | (dates("REFERENCEDATE") != tables.year_end)
    return failing(header, "header", wrong)


def _upn() -> pl.Expr:
    return pl.col("UPN")


@BOOK.check
def upn_check_letter_wrong(tables: ReturnTables) -> pl.DataFrame:
    """1510: a UPN's first character is the check letter of its digits 2-13 (weighted 2-13,
    summed, remainder on dividing by 23). Checked where characters 2-13 are all digits: a
    UPN of another form fails 1540 or 1550 instead."""
    identifiers = tables.table("childidentifiers", "UPN")
    digits = _upn().str.slice(1, 12)
    weighted = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * (i + 2) for i in range(12)
    )
    expected = (weighted % 23).replace_strict(
        dict(enumerate(CHECK_LETTERS)), return_dtype=pl.String
    )
    checked = identifiers.filter(
        (_upn().str.len_chars() == 13) & digits.str.contains(r"^[0-9]{12}$")
    ).with_columns(expected.alias("_check"))
    return failing(checked, "childidentifiers", pl.col("_check") != _upn().str.slice(0, 1))


@BOOK.check
def upn_repeated(tables: ReturnTables) -> pl.DataFrame:
    """1520: each UPN is unique in the return (every record sharing one fails)."""
    identifiers = tables.table("childidentifiers", "UPN")
    repeated = _upn().is_not_null() & (pl.len().over("UPN") > 1)
    return failing(identifiers, "childidentifiers", repeated)


@BOOK.check
def upn_la_code_not_recognised(tables: ReturnTables) -> pl.DataFrame:
    """1530: where a UPN is present, its characters 2-4 are a recognised LA (or pseudo-LA)
    code (the 2023/24 list, still current)."""
    identifiers = tables.table("childidentifiers", "UPN")
    code = _upn().str.slice(1, 3)
    return failing(
        identifiers, "childidentifiers", _upn().is_not_null() & ~code.is_in(list(UPN_LA_CODES))
    )


@BOOK.check
def upn_middle_not_numeric(tables: ReturnTables) -> pl.DataFrame:
    """1540: where a UPN is present, its characters 5-12 are all digits."""
    identifiers = tables.table("childidentifiers", "UPN")
    middle = _upn().str.slice(4, 8)
    return failing(identifiers, "childidentifiers", middle.str.contains(r"[^0-9]"))


@BOOK.check
def upn_last_character_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """1550: where a UPN has a 13th character, it is a digit or a letter other than I, O
    and S."""
    identifiers = tables.table("childidentifiers", "UPN")
    last = _upn().str.slice(12, 1)
    return failing(
        identifiers,
        "childidentifiers",
        (last.str.len_chars() == 1) & ~last.str.contains(r"^[0-9A-HJ-NPQRT-Z]$"),
    )


@BOOK.check
def former_upn_wrongly_formatted(tables: ReturnTables) -> pl.DataFrame:
    """1560Q: where a FormerUPN is present it has a UPN's form: 13 characters, a letter, 11
    digits and a digit or letter (a former UPN is often a temporary one, which ends in a
    letter)."""
    identifiers = tables.table("childidentifiers", "FORMERUPN")
    formed = pl.col("FORMERUPN").str.contains(r"^[A-Z][0-9]{11}[0-9A-Z]$")
    return failing(identifiers, "childidentifiers", pl.col("FORMERUPN").is_not_null() & ~formed)


@BOOK.check
def child_id_too_long(tables: ReturnTables) -> pl.DataFrame:
    """1570: the LAchildID is no longer than 20 characters."""
    identifiers = tables.table("childidentifiers")
    return failing(identifiers, "childidentifiers", pl.col(CHILD).str.len_chars() > 20)


@BOOK.check
def child_id_not_alphanumeric(tables: ReturnTables) -> pl.DataFrame:
    """1580: the LAchildID holds letters and digits only."""
    identifiers = tables.table("childidentifiers")
    return failing(identifiers, "childidentifiers", pl.col(CHILD).str.contains(r"[^A-Za-z0-9]"))


@BOOK.check
def child_id_missing(tables: ReturnTables) -> pl.DataFrame:
    """8500: every child has an LAchildID."""
    identifiers = tables.table("childidentifiers")
    return failing(identifiers, "childidentifiers", pl.col(CHILD).is_null())


@BOOK.check
def child_id_repeated(tables: ReturnTables) -> pl.DataFrame:
    """8510: each LAchildID belongs to one child record only (every record sharing one
    fails)."""
    identifiers = tables.table("childidentifiers")
    repeated = pl.col(CHILD).is_not_null() & (pl.len().over(CHILD) > 1)
    return failing(identifiers, "childidentifiers", repeated)


@BOOK.check
def child_without_referral(tables: ReturnTables) -> pl.DataFrame:
    """8590: every child has at least one CINdetails (referral) record."""
    identifiers = tables.table("childidentifiers")
    referred = tables.table("cindetails").select(CHILD).drop_nulls().unique()
    return failing(identifiers.join(referred, on=CHILD, how="anti"), "childidentifiers")


@BOOK.check
def too_many_without_sex(tables: ReturnTables) -> pl.DataFrame:
    """2886Q: of the children (unborn children, with an expected date of birth, apart), no
    more than 2% have no sex recorded (missing, or U; GenderCurrent 0 before 2024). Checked
    over the whole return."""
    identifiers = tables.table(
        "childidentifiers", "SEX", "GENDERCURRENT", "EXPECTEDPERSONBIRTHDATE"
    )
    if identifiers.is_empty():
        return nothing()
    sex = pl.coalesce(pl.col("SEX"), pl.col("GENDERCURRENT"))
    unrecorded = (sex.is_null() | sex.is_in(["U", "0"])) & pl.col(
        "EXPECTEDPERSONBIRTHDATE"
    ).is_null()
    share = identifiers.select(unrecorded.mean()).item()
    return whole_return(share > 0.02)


def _disabled(tables: ReturnTables) -> pl.DataFrame:
    """The disability codes recorded, NONE apart."""
    disabilities = tables.table("disabilities", "DISABILITY")
    return disabilities.filter(
        pl.col("DISABILITY").is_not_null() & (pl.col("DISABILITY").str.to_uppercase() != "NONE")
    )


@BOOK.check
def few_disability_codes(tables: ReturnTables) -> pl.DataFrame:
    """2887Q: the return uses more than 7 different disability codes (NONE apart). Checked
    over the whole return, where it lists any child."""
    if tables.table("childidentifiers").is_empty():
        return nothing()
    return whole_return(_disabled(tables)["DISABILITY"].n_unique() <= 7)


@BOOK.check
def one_disability_per_child(tables: ReturnTables) -> pl.DataFrame:
    """2888Q: where children have disabilities recorded (NONE apart), at least one has more
    than one. Checked over the whole return."""
    disabled = _disabled(tables)
    if disabled.is_empty():
        return nothing()
    most = disabled.group_by(CHILD).agg(pl.col("DISABILITY").n_unique().alias("n"))["n"].max()
    return whole_return(most is not None and most <= 1)  # type: ignore[operator]


# The census's sex codes from 2024 (Sex replaced GenderCurrent): male, female, not known.
SEX_CODES = ("M", "F", "U")
# The DfE's ethnicity codes (the census's ethnicity table).
ETHNICITIES = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip


@BOOK.check
def sex_missing_or_invalid(tables: ReturnTables) -> pl.DataFrame:
    """4180: Sex is present and is M, F or U (the 2024/25 rule, still current)."""
    identifiers = tables.table("childidentifiers", "SEX")
    return failing(
        identifiers, "childidentifiers", ~pl.col("SEX").is_in(SEX_CODES).fill_null(False)
    )


@BOOK.check
def ethnicity_missing_or_invalid(tables: ReturnTables) -> pl.DataFrame:
    """4220: Ethnicity is present and is one of the DfE's codes."""
    characteristics = tables.table("childcharacteristics", "ETHNICITY")
    valid = pl.col("ETHNICITY").is_in(ETHNICITIES).fill_null(False)
    return failing(characteristics, "childcharacteristics", ~valid)
