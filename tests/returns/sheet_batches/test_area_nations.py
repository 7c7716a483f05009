"""The nation of an area imported from the areas spreadsheet, told by its ONS code (issue 17:
an empty nation made every new area English, Cardiff included)."""

from indicators.models import Area, Nation
from returns import services
from returns.models import ImportKind

from ..sheet_files import csv_bytes
from .batches import messages, upload

AREA_HEADER = ["name", "slug", "kind", "nation", "ons_code", "dfe_number", "region"]
WALES = ["Wales", "wales", "nation", "", "W92000004", "", ""]
CARDIFF = ["Cardiff", "cardiff", "authority", "", "W06000015", "", ""]


def areas(admin, *rows: list[str], header: list[str] = AREA_HEADER):
    return upload(admin, csv_bytes(header, *rows), kind=ImportKind.SHEET_AREAS, name="areas.csv")


def test_an_empty_nation_is_taken_from_a_welsh_code(admin) -> None:
    batch = areas(
        admin, WALES, CARDIFF, ["Hartlepool", "hartlepool", "authority", "", "E06000001", "805", ""]
    )
    assert (batch.error_count, batch.new_count) == (0, 3), messages(batch)
    services.batch_commit(user=admin, batch=batch)
    assert dict(
        Area.objects.filter(slug__in=["wales", "cardiff", "hartlepool"]).values_list(
            "slug", "nation"
        )
    ) == {
        "wales": Nation.WALES,
        "cardiff": Nation.WALES,
        "hartlepool": Nation.ENGLAND,
    }


def test_a_sheet_without_a_nation_column_still_takes_it_from_the_code(admin) -> None:
    header = ["name", "slug", "kind", "ons_code"]
    batch = areas(admin, ["Cardiff", "cardiff", "authority", "w06000015"], header=header)
    assert batch.error_count == 0, messages(batch)
    services.batch_commit(user=admin, batch=batch)
    assert Area.objects.get(slug="cardiff").nation == Nation.WALES


def test_a_nation_written_as_its_name_is_accepted(admin) -> None:
    batch = areas(admin, ["Cardiff", "cardiff", "authority", "Wales", "W06000015", "", ""])
    assert batch.error_count == 0, messages(batch)
    services.batch_commit(user=admin, batch=batch)
    assert Area.objects.get(slug="cardiff").nation == Nation.WALES


def test_a_nation_contradicting_its_code_is_refused_on_its_row_and_nothing_is_written(
    admin,
) -> None:
    batch = areas(admin, WALES, ["Cardiff", "cardiff", "authority", "england", "W06000015", "", ""])
    assert batch.error_count == 1
    assert messages(batch) == (
        "3:nation:The nation is England but the ONS code W06000015 is a code for Wales "
        "(codes starting W are): correct the nation or the code, or leave the nation empty to "
        "take it from the code."
    )
    assert not Area.objects.filter(slug__in=["wales", "cardiff"]).exists()


def test_a_scottish_code_is_refused(admin) -> None:
    batch = areas(admin, ["Glasgow City", "glasgow-city", "authority", "", "S12000049", "", ""])
    assert "2:nation:S12000049 is an ONS code for Scotland" in messages(batch)
    assert not Area.objects.filter(slug="glasgow-city").exists()


def test_a_welsh_area_without_a_code_keeps_its_nation_when_imported_again(admin) -> None:
    Area.objects.create(name="Powys", slug="powys", kind="authority", nation=Nation.WALES)
    batch = areas(admin, ["Powys County Council", "powys", "authority", "", "", "", ""])
    assert batch.error_count == 0, messages(batch)
    services.batch_commit(user=admin, batch=batch)
    powys = Area.objects.get(slug="powys")
    assert (powys.name, powys.nation) == ("Powys County Council", Nation.WALES)
