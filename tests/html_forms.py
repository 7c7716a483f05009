"""The fields a browser would send for a page's forms, read from its HTML: for tests that
post a form as it was shown, and for bench/load.py's users. The standard library alone, so
that the load test's users can import it without Django."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields a browser would send for the page's form: inputs, checked boxes, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind == "submit":
                return
            self.fields[name] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(html)
    # Django's Textarea widget starts its content with a newline, which browsers drop.
    return {name: value.removeprefix("\n") for name, value in reader.fields.items()}
