"""Spreadsheets and the measures that apply in an authority's nation (issue 17): a figures or
targets template downloaded for a Welsh authority lists only the measures due in Wales, and a
row for a measure that does not apply in the row's authority's nation is refused on its row;
a new authority from the areas sheet is given its nation's comparator."""

import io

from django.test import Client
from openpyxl import load_workbook

from accounts.models import Role
from indicators.models import Area, AreaKind, Comparator, ComparatorKind, Figure, Nation
from returns import services
from returns.models import ImportKind
from tests import factories

from ..sheet_files import FIGURE_HEADER, TARGET_HEADER, csv_bytes
from .batches import messages, upload


def cardiff_with_welsh_measure(world):
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation=Nation.WALES, ons_code="W06000015"
    )
    welsh = factories.IndicatorFactory(
        code="PM24",
        title="% assessments within statutory timescales",
        frequency="monthly",
        nations="wales",
    )
    # The sheet world's ASMT-45 is the DfE's measure: England's only.
    world.assessments.nations = "england"
    world.assessments.save(update_fields=["nations"])
    return cardiff, welsh


def test_a_row_for_a_measure_of_another_nation_is_refused_and_nothing_is_written(
    world, admin
) -> None:
    cardiff, _welsh = cardiff_with_welsh_measure(world)
    batch = upload(
        admin,
        csv_bytes(
            FIGURE_HEADER,
            ["cardiff", "PM24", "2021-09", "", "80", "", "", "", "", ""],
            ["cardiff", "ASMT-45", "2021-09", "", "", "40", "50", "", "", ""],
            ["wiltshire", "PM24", "2021-09", "", "75", "", "", "", "", ""],
        ),
    )
    assert batch.error_count == 2
    assert messages(batch) == (
        "3:value:% assessments within 45 days: this measure applies in England only, so no "
        "figure is taken for an area in Wales. | "
        "4:value:% assessments within statutory timescales: this measure applies in Wales "
        "only, so no figure is taken for an area in England."
    )
    assert not Figure.objects.filter(area=cardiff).exists()


def test_a_target_for_a_measure_of_another_nation_is_refused_on_its_row(world, admin) -> None:
    cardiff_with_welsh_measure(world)
    batch = upload(
        admin,
        csv_bytes(TARGET_HEADER, ["cardiff", "ASMT-45", "2021-22", "80", "", ""]),
        kind=ImportKind.SHEET_TARGETS,
        name="targets.csv",
    )
    assert "2:indicator:% assessments within 45 days: this measure applies in England only" in (
        messages(batch)
    )


def template_codes(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["indicators"].iter_rows(values_only=True))
    assert rows[0][-1] == "applies in"
    return {row[0] for row in rows[1:]}


def test_a_template_for_a_welsh_authority_lists_only_the_measures_due_in_wales(world) -> None:
    cardiff, _welsh = cardiff_with_welsh_measure(world)
    officer = factories.UserFactory(username="officer_cardiff")
    factories.MembershipFactory(user=officer, authority=cardiff, role=Role.OFFICER)
    client = Client()
    client.force_login(officer)
    url = "/imports/spreadsheets/templates/figures.xlsx"
    welsh = template_codes(client, f"{url}?authority=cardiff")
    assert "PM24" in welsh and "CLA-COUNT" in welsh and "ASMT-45" not in welsh
    # The authority's own page links to its own template.
    page = client.get("/a/cardiff/imports/").content.decode()
    assert "templates/figures.xlsx?authority=cardiff" in page
    # Without an authority the template lists the whole catalogue, saying where each applies.
    assert {"PM24", "ASMT-45", "CLA-COUNT"} <= template_codes(client, url)
    # An officer may not download another authority's template by naming it.
    assert client.get(f"{url}?authority=wiltshire").status_code in (403, 404)


def test_a_new_welsh_authority_from_the_areas_sheet_is_compared_with_wales(admin) -> None:
    header = ["name", "slug", "kind", "nation", "ons_code", "dfe_number", "region"]
    batch = upload(
        admin,
        csv_bytes(
            header,
            ["Wales", "wales", "nation", "", "W92000004", "", ""],
            ["Cardiff", "cardiff", "authority", "", "W06000015", "", ""],
        ),
        kind=ImportKind.SHEET_AREAS,
        name="areas.csv",
    )
    assert batch.error_count == 0, messages(batch)
    services.batch_commit(user=admin, batch=batch)
    cardiff = Area.objects.get(slug="cardiff")
    assert cardiff.nation == Nation.WALES
    assert list(
        Comparator.objects.filter(authority=cardiff).values_list("kind", "area__slug", "label")
    ) == [(ComparatorKind.NATION, "wales", "Wales")]
    # The comparator it was given goes with it when the import is rolled back.
    batch.refresh_from_db()
    services.batch_rollback(user=admin, batch=batch)
    assert not Area.objects.filter(slug__in=["wales", "cardiff"]).exists()


def test_an_authority_from_the_areas_sheet_keeps_to_no_comparator_without_its_nation(
    admin,
) -> None:
    batch = upload(
        admin,
        csv_bytes(
            ["name", "slug", "kind", "ons_code"], ["Powys", "powys", "authority", "W06000023"]
        ),
        kind=ImportKind.SHEET_AREAS,
        name="areas.csv",
    )
    services.batch_commit(user=admin, batch=batch)
    assert not Comparator.objects.filter(authority__slug="powys").exists()
    assert Area.objects.filter(kind=AreaKind.NATION).count() == 0
