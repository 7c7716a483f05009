"""State changes for figures and targets. Each runs in a transaction (or the caller's, for the
imports) and keeps the audit trail. Callers import from here; the modules split the work:

- `figures`: one figure created or changed (`figure_set`, `figure_validate`).
- `reviews`: submit a period's figures, approve or return each one.
- `entry`: the entry form's save of a whole period (`period_entries_save`).
- `imports`: many figures at once (`figures_import`, `figures_compare`, `figures_restore`,
  `figures_from_records_remove`).
- `roll_ups`: quarters and years derived from their parts (`figures_roll_up`,
  `figures_roll_up_many`).
- `targets`: an authority's targets (`target_set`).
- `club`: the benchmarking club (`club_sharing_set`, `figures_release`).
- `comparator_reviews`: an admin's approval of comparator figures (`comparator_figures_approve`).
- `figure_writes`: what they share: the errors, the stored value, the audit trail, the bulk
  update, the queueing of roll-ups.

What each change does to a figure's status (draft, submitted, approved, returned, revised) is
stated once, in the pure module `indicators.figure_states`.
"""

from .club import ReleaseResult, club_sharing_set, figures_release
from .comparator_reviews import ComparatorApproval, comparator_figures_approve
from .entry import ENTRY_REASON, BreakdownInput, EntryInput, SaveResult, period_entries_save
from .figure_writes import ROLL_UP_TARGETS, ApprovedFigureError, StaleFigureError
from .figures import figure_set, figure_validate
from .imports import (
    DECIMAL_FIELDS,
    IMPORTED_FIELDS,
    REMOVED_CHUNK,
    FigureContent,
    FigureKey,
    FigureOutcome,
    ImportProgress,
    figures_compare,
    figures_from_records_remove,
    figures_import,
    figures_restore,
)
from .reviews import SubmitResult, figure_approve, figure_return, figures_approve, figures_submit
from .roll_ups import PARTS_PER_PERIOD, figures_roll_up, figures_roll_up_many
from .targets import target_set

__all__ = [
    "DECIMAL_FIELDS",
    "ENTRY_REASON",
    "IMPORTED_FIELDS",
    "PARTS_PER_PERIOD",
    "REMOVED_CHUNK",
    "ROLL_UP_TARGETS",
    "ApprovedFigureError",
    "BreakdownInput",
    "ComparatorApproval",
    "EntryInput",
    "FigureContent",
    "FigureKey",
    "FigureOutcome",
    "ImportProgress",
    "ReleaseResult",
    "SaveResult",
    "StaleFigureError",
    "SubmitResult",
    "club_sharing_set",
    "comparator_figures_approve",
    "figure_approve",
    "figure_return",
    "figure_set",
    "figure_validate",
    "figures_approve",
    "figures_compare",
    "figures_from_records_remove",
    "figures_import",
    "figures_release",
    "figures_restore",
    "figures_roll_up",
    "figures_roll_up_many",
    "figures_submit",
    "period_entries_save",
    "target_set",
]
