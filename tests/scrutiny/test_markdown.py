"""Pack narrative: markdown rendered to HTML that keeps only what a report needs."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.markdown import ALLOWED_TAGS, render

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    '<div onclick="steal()">hi</div>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="vbscript:msgbox(1)">v</a>',
]


def test_the_report_shapes_survive() -> None:
    html = render(
        "## Referrals\n\nThe rate fell to **350** per *10,000*.\n\n"
        "- one\n- two\n\n1. first\n\n[DfE](https://www.gov.uk) and [mail](mailto:a@b.org)\n\n"
        "| Year | Value |\n|---|---|\n| 2017/18 | 87% |\n"
    )
    assert "<h3>Referrals</h3>" in html  # the section's own heading is an h2
    assert "<strong>350</strong>" in html and "<em>10,000</em>" in html
    assert "<ul>" in html and "<ol>" in html and "<table>" in html and "<td>87%</td>" in html
    assert 'href="https://www.gov.uk"' in html and 'href="mailto:a@b.org"' in html


def test_raw_html_is_shown_as_words_not_markup() -> None:
    html = render("<script>alert(1)</script> and <b>bold</b>")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_and_relative_links_lose_their_address() -> None:
    for text in ("[x](javascript:alert(1))", "[x](/admin/)", "[x](data:text/html,hi)"):
        assert "href" not in render(text), text


def test_empty_narrative_renders_nothing() -> None:
    assert render("  \n ") == ""


class _Tags(HTMLParser):
    """The tags and attributes a browser would see (escaped text is text, not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}")
            if name == "href" and not re.match(r"(https?|mailto):", value or "", re.IGNORECASE):
                self.problems.append(f"href {value}")


def _unsafe(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.problems


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.sampled_from(["\n\n", "- "])),
        max_size=8,
    ).map("".join)
)
def test_whatever_is_typed_nothing_executable_comes_out(text: str) -> None:
    assert _unsafe(render(text)) == []
