"""The demo loader takes an area's nation from its ONS code, as the areas spreadsheet does."""

import shutil

import pytest

from indicators import demo
from indicators.demo import DemoDataError, demo_load
from indicators.models import Area, Nation

HEADER = "slug,name,kind,nation,ons_code,dfe_code,region\n"


@pytest.fixture
def demo_dir(tmp_path, monkeypatch):
    # The demo's files with their headers only (seeds whole), so that only areas.csv counts.
    for path in demo.DEMO_DIR.glob("*.csv"):
        header = path.read_text(encoding="utf-8-sig").splitlines()[0]
        (tmp_path / path.name).write_text(header + "\n")
    shutil.copy(demo.DEMO_DIR / "seeds.csv", tmp_path / "seeds.csv")
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    return tmp_path


def test_a_welsh_demo_area_with_no_nation_is_welsh(db, demo_dir) -> None:
    # A code the shipped reference areas do not hold, so that the demo loader creates it.
    (demo_dir / "areas.csv").write_text(HEADER + "new-county,New County,authority,,W06000099,,\n")
    assert demo_load().areas.created == 1
    assert Area.objects.get(slug="new-county").nation == Nation.WALES


def test_a_demo_area_whose_nation_contradicts_its_code_is_refused(db, demo_dir) -> None:
    (demo_dir / "areas.csv").write_text(HEADER + "cardiff,Cardiff,authority,england,W06000015,,\n")
    with pytest.raises(DemoDataError, match=r"areas\.csv line 2: The nation is England"):
        demo_load()
    assert not Area.objects.filter(slug="cardiff").exists()
