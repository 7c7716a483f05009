"""The titles the pack templates give their sections (`scrutiny.blueprints`), marked for
translation: a section's title is kept in English with the pack, and shown in the reader's
language when it is one of these (`indicators.translated.sentence`, docs/0026). A title an
officer typed is theirs, and is shown as they wrote it.

`tests/scrutiny/test_welsh.py` fails when a blueprint's title is missing here or has no
Welsh translation.
"""

from django.utils.translation import gettext_noop

SECTION_TITLES = (
    gettext_noop("Scorecard"),
    gettext_noop("Introduction"),
    gettext_noop("Summary"),
    gettext_noop("Quality assurance"),
    gettext_noop("Voice of children and families, complaints and compliments"),
    gettext_noop("Appendix: data set"),
    gettext_noop("Glossary"),
    gettext_noop("Recommendation"),
    gettext_noop("Inspection history"),
    gettext_noop("Progress against priorities"),
    gettext_noop("Areas for development"),
    gettext_noop("Key performance indicators"),
    gettext_noop("Narrative"),
    gettext_noop("Theme"),
    gettext_noop("Indicators"),
    gettext_noop("Inspections and improvement plan"),
    gettext_noop("Turning the Curve"),
    gettext_noop("Matters arising from the last meeting"),
    # The Welsh half-year report's (issue 17).
    gettext_noop("National performance measures"),
    gettext_noop("Local measures"),
)
