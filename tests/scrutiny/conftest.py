"""A draft pack of authority A, composed by its officer."""

from datetime import date

import pytest

from indicators.models import Figure
from scrutiny import services
from scrutiny.models import Pack, TemplateKind, TemplateRule
from tests import factories


def explain_exceptions(world) -> None:
    Figure.objects.filter(area=world.authority_a, indicator=world.indicator).update(
        commentary="Fewer assessments in time: two social workers left in the autumn."
    )


def commentary_rule_off() -> None:
    """The demo's packs reproduce the seeds' published reports, whose red and worsening
    measures do not all have commentary: their tests switch the rule off (docs/0023)."""
    for template in TemplateKind.values:
        TemplateRule.objects.update_or_create(
            template=template, defaults={"require_commentary_on_exceptions": False}
        )


@pytest.fixture
def pack(world, personas) -> Pack:
    # The world's indicator is red and worsening for A in 2017/18: with commentary, the pack
    # may be submitted (docs/0023); tests of that rule take it away.
    explain_exceptions(world)
    return services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance and outcomes 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
