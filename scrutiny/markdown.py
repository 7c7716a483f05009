"""Pack narrative: markdown as officers write it, rendered to HTML that is safe to show.

Pure: text in, text out. The narrative is rendered by `markdown` and then cleaned by `nh3`
(the Rust `ammonia` sanitiser) against an allow-list, so that whatever is typed or pasted
(raw HTML, an event handler, a `javascript:` link) never reaches a councillor's browser or the
PDF. The allow-list is what a committee report needs: headings, paragraphs, lists, emphasis,
links, tables. Anything else is dropped with its markup; the words inside it are kept, escaped.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {
        "h2",
        "h3",
        "h4",
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Relative links would resolve against the site and mean nothing in the PDF: absolute only.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# A pack page has its own h1 (the pack) and h2 (the section): narrative headings start below.
_HEADING_SHIFT = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}


def _shift_headings(html: str) -> str:
    for tag in ("h6", "h5", "h4", "h3", "h2", "h1"):
        replacement = _HEADING_SHIFT[tag]
        html = html.replace(f"<{tag}>", f"<{replacement}>").replace(
            f"</{tag}>", f"</{replacement}>"
        )
    return html


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 passes relative addresses through; a pack's links must say where they go."""
    if tag == "a" and attribute == "href":
        scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
        return value if scheme in ALLOWED_SCHEMES else None
    return value


def render(text: str) -> str:
    """Markdown to sanitised HTML. Raw HTML in the text is escaped, never passed through."""
    if not text.strip():
        return ""
    renderer = markdown_lib.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # Escape raw HTML before markdown sees it: markdown passes HTML blocks through untouched.
    # (The sanitiser below would strip them anyway; escaping keeps the words visible.)
    # ">" is left alone: it starts a blockquote, and without "<" it opens no tag.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    html = _shift_headings(renderer.convert(escaped))
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        attribute_filter=_absolute_links_only,
        strip_comments=True,
    )
