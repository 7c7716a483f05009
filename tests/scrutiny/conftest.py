"""A draft pack of authority A, composed by its officer."""

from datetime import date

import pytest

from scrutiny import services
from scrutiny.models import Pack, TemplateKind
from tests import factories


@pytest.fixture
def pack(world, personas) -> Pack:
    return services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance and outcomes 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
