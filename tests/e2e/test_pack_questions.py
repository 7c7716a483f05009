"""Committee questions and actions in a browser, on the demo: an officer finds the list from
the packs page, records one (after the form has said what was missing), and a councillor reads
the published Wiltshire pack's "Matters arising from the last meeting". Each page checked with
axe."""

import pytest
from playwright.sync_api import Page, expect

from scrutiny.demo import packs_demo_load
from scrutiny.models import CommitteeQuestion, Pack
from tests.e2e.conftest import assert_accessible, sign_in
from tests.scrutiny.test_question_demo import demo_personas

PASSWORD = "demo-personas-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_packs(eager_tasks, worked_demo) -> None:
    demo_personas()
    packs_demo_load()


def test_an_officer_keeps_the_committees_questions(page: Page, live_server, demo_packs) -> None:
    sign_in(page, live_server, "wiltshire.officer", PASSWORD)
    page.goto(live_server.url + "/a/wiltshire/packs/")
    page.get_by_role("link", name="Committee questions and actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee questions and actions")
    table = page.get_by_test_id("questions")
    expect(table).to_contain_text("Circulate to members the social worker vacancies")
    expect(table).to_contain_text("Overdue")
    # Open only by default: the answered question shows with "All".
    expect(table).not_to_contain_text("care leavers aged 19 to 21")
    assert_accessible(page)
    page.get_by_label("All, answered and closed too").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("questions")).to_contain_text("care leavers aged 19 to 21")

    page.get_by_role("link", name="Record a question or action").click()
    page.get_by_label("Committee").fill("Children's Select Committee")
    page.get_by_label("Meeting date").fill("19/06/2018")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the member who asked")
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose the owner, or type the officer’s name"
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Question or action", exact=True).select_option(label="Action")
    page.get_by_label("Asked by").fill("Cllr Ruth Carter")
    page.get_by_label("What was asked or requested").fill(
        "Report the sufficiency of foster placements to the September meeting."
    )
    page.get_by_label("Owner’s name and role").fill("Head of Fostering")
    page.get_by_label("Due date").fill("18/09/2018")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_test_id("questions")).to_contain_text("sufficiency of foster placements")
    recorded = CommitteeQuestion.objects.get(
        asked_by="Cllr Ruth Carter", kind="action", owner_name="Head of Fostering"
    )
    # Asked at the meeting the published pack was presented at: tied to it.
    assert recorded.pack == Pack.objects.get(authority__slug="wiltshire")


def test_a_councillor_reads_matters_arising_in_the_published_pack(
    page: Page, live_server, demo_packs
) -> None:
    pack = Pack.objects.get(authority__slug="wiltshire")
    sign_in(page, live_server, "wiltshire.councillor", PASSWORD)
    page.goto(live_server.url + "/a/wiltshire/packs/")
    expect(page.get_by_role("link", name="Committee questions and actions")).to_have_count(0)
    page.get_by_role("link", name=pack.title).click()
    page.get_by_role("link", name="Matters arising from the last meeting").click()
    matters = page.get_by_test_id("matters-arising")
    expect(matters).to_contain_text("61 of 180 care leavers aged 19 to 21")
    expect(matters).to_contain_text("Overdue")
    expect(matters).to_contain_text("Withdrawn by the member")
    expect(matters).not_to_contain_text("child protection plan rise")
    assert_accessible(page)
    # The list of questions is for officers and managers.
    response = page.goto(live_server.url + "/a/wiltshire/packs/questions/")
    assert response is not None and response.status == 403
