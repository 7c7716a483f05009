"""The built wheel is the whole app: installed on its own, away from the checkout, it migrates
and serves the sign-in page, and it carries every template, data file and built asset the code
reads at run time (docs/0018-app-dependencies.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "accounts", "indicators", "returns", "audits", "complaints", "scrutiny", "demo")
# What the build needs, and nothing it would leave behind in the checkout (build/, egg-info).
NOT_BUILT = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", "*.pyc", "tests",
    "bench", "docs", "media", "staticfiles", "*.sqlite3*", ".*_cache", ".hypothesis",
    "test-results",
)  # fmt: skip

# Run inside the installed venv: settings from the environment, as a deployment has them.
SMOKE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    import config
    from django.contrib.staticfiles import finders
    from django.template.loader import get_template
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in, as a test run does

    from audits.demo import DEMO_FILE as AUDITS_DEMO
    from complaints.demo import DEMO_FILE as COMPLAINTS_DEMO
    from complaints.redaction import DATA_DIR as REDACTION_DATA
    from indicators.catalogue import CATALOGUE_DIR
    from indicators.demo import DEMO_DIR
    from returns.published import SHIPPED_MAPPINGS
    from scrutiny.glossary import TABLE as GLOSSARY
    from scrutiny.pdf import STYLESHEET

    call_command("migrate", verbosity=0)
    response = Client().get("/accounts/sign-in/")
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy").get("/accounts/sign-in/")
    print(json.dumps({
        "welsh_page": welsh.content.decode(),
        "config": config.__file__,
        "status": response.status_code,
        "page": response.content.decode(),
        "templates": [get_template(name).origin.name for name in ("base.html", "404.html")],
        "app_css": finders.find("dist/app.css"),
        "data": {
            str(path): path.exists()
            for path in (AUDITS_DEMO, COMPLAINTS_DEMO, REDACTION_DATA / "names.txt",
                         CATALOGUE_DIR / "indicators.csv", DEMO_DIR / "figures.csv",
                         SHIPPED_MAPPINGS, GLOSSARY, STYLESHEET)
        },
    }))
    """
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreters with fixed arguments
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _shipped_files() -> set[str]:
    """Every template and data file in the checkout, as the wheel names them."""
    shipped = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.is_file() and path.suffix in {".html", ".csv", ".json", ".txt", ".css"}:
                shipped.add(path.relative_to(ROOT).as_posix())
    return shipped


def test_the_wheel_installed_alone_serves_the_sign_in_page(tmp_path: Path) -> None:
    assert (ROOT / "config/static/dist/app.css").exists(), "build the assets first: make assets"
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_BUILT)
    # The Welsh translation is built from its .po file before the wheel, as `make install`
    # and the Dockerfile build it (docs/0026): the checkout's own .mo is not relied on.
    for compiled in (source / "config" / "locale").rglob("*.mo"):
        compiled.unlink()
    settings_env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    _run(sys.executable, "manage.py", "compilemessages", cwd=source, env=settings_env)
    # Built with the project venv's own setuptools (a dev dependency): nothing is fetched.
    pip = (sys.executable, "-m", "pip")
    _run(
        *pip,
        "wheel",
        source,
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        tmp_path,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("csc_performance-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    assert _shipped_files() <= names, sorted(_shipped_files() - names)
    assert {"config/static/dist/app.css", "config/static/js/app.js"} <= names
    assert "config/locale/cy/LC_MESSAGES/django.mo" in names
    assert "accounts/migrations/0001_initial.py" in names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)

    # A fresh venv that sees the project's installed dependencies through a plain path line:
    # the editable install's finder in that folder is not run, so the checkout is out of sight.
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel, cwd=tmp_path)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(_run(python, "-c", where, cwd=tmp_path).strip())
    (site_packages / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env |= {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    outcome = json.loads(_run(python, "-c", SMOKE, cwd=tmp_path, env=env).splitlines()[-1])

    assert outcome["config"].startswith(str(site_packages))
    assert outcome["status"] == 200
    page = outcome["page"]
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert ">Username</label>" in page
    assert ">Password</label>" in page
    # The installed wheel speaks Welsh to a browser that asks for it.
    assert '<html lang="cy"' in outcome["welsh_page"]
    assert '<h1 class="govuk-heading-l">Mewngofnodi</h1>' in outcome["welsh_page"]
    assert all(origin.startswith(str(site_packages)) for origin in outcome["templates"])
    assert outcome["app_css"] and outcome["app_css"].startswith(str(site_packages))
    assert all(outcome["data"].values()), outcome["data"]
    assert all(path.startswith(str(site_packages)) for path in outcome["data"])
