"""The Welsh catalogue is complete (docs/0026): every string marked for translation in the
code and templates has a Welsh translation that msgfmt accepts, and every title the pack
templates give a section is one the reading view can translate."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scrutiny.blueprints import BLUEPRINTS, DEFAULT_TITLES, SectionSpec
from scrutiny.section_titles import SECTION_TITLES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "config" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# What makemessages would otherwise read: not the app's interface.
NOT_SCANNED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", "tests", "bench",
    "docs", "media", "staticfiles", "static", "migrations", "*.sqlite3*", ".*_cache",
    ".hypothesis", "test-results",
)  # fmt: skip


def entries(po: Path) -> list[tuple[str, str, list[str]]]:
    """(msgid, msgstr, flags) of each entry of a .po file, the header left out. An entry with
    plural forms (msgid_plural, msgstr[0] ...) counts as translated only when every form is:
    its msgstr is then the forms joined, and "" otherwise."""
    found = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {}
        flags: list[str] = []
        current = ""
        for line in block.splitlines():
            keyword = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if keyword:
                current = keyword[1]
                parts.setdefault(current, []).append(ast.literal_eval(keyword[2]))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
            elif line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
        msgid = "".join(parts.get("msgid", []))
        forms = ["".join(text) for key, text in parts.items() if key.startswith("msgstr")]
        if msgid:
            found.append((msgid, "".join(forms) if all(forms) else "", flags))
    return found


def test_the_committed_catalogue_has_a_welsh_translation_for_every_entry() -> None:
    untranslated = [msgid for msgid, msgstr, flags in entries(CATALOGUE) if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in entries(CATALOGUE) if "fuzzy" in flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_msgfmt_accepts_the_catalogue_with_its_format_checks(tmp_path: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext's msgfmt is needed to build the translation: make install")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_string_marked_in_the_code_is_in_the_catalogue_and_translated(
    tmp_path: Path,
) -> None:
    """makemessages, run on a copy of the code, finds no string the committed catalogue lacks
    (it would add it untranslated) and none whose English changed (it would mark it fuzzy)."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SCANNED)
    for compiled in (source / "config" / "locale").rglob("*.mo"):
        compiled.unlink()
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "cy", "--no-location"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = entries(source / "config" / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    untranslated = [msgid for msgid, msgstr, _flags in extracted if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in extracted if "fuzzy" in flags]
    assert not untranslated, f"Add Welsh for these to {CATALOGUE.relative_to(ROOT)}: {untranslated}"
    assert not fuzzy, f"Their English changed; check the Welsh: {fuzzy}"
    committed = {msgid for msgid, _msgstr, _flags in entries(CATALOGUE)}
    stale = committed - {msgid for msgid, _msgstr, _flags in extracted}
    assert not stale, f"No longer in the code; remove from the catalogue: {sorted(stale)}"


def test_every_section_title_the_pack_templates_give_can_be_translated() -> None:
    titles = {
        spec.title
        for specs in BLUEPRINTS.values()
        for spec in specs
        if isinstance(spec, SectionSpec)
    } | set(DEFAULT_TITLES.values())
    assert titles <= set(SECTION_TITLES), sorted(titles - set(SECTION_TITLES))
    translated = {msgid for msgid, msgstr, _flags in entries(CATALOGUE) if msgstr}
    assert set(SECTION_TITLES) <= translated
