"""Shared fixtures: repository paths, fixture catalogs, and one build of the real site."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# Builds and validate.py cache per-file results; keep them out of the fixture folders.
os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-test-cache-"))

SECRET = "ATLAS-SECRET-3c1f9e"
# Filled by the browser tests and printed in the terminal summary. It lives here, not in
# test_browser.py, because that module skips itself at import when Chromium is missing.
MEASUREMENTS: list[str] = []
FIXTURE_INDEX = """\
# Home

<!-- atlas: models columns=name,organizations,license,summary -->

<!-- atlas: licenses -->

<!-- atlas: stats -->
"""


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml, dropping the values of tags such as !ENV."""


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)


def site_config() -> dict:
    """mkdocs.yml as data (values behind tags such as !ENV are None)."""
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)


def site_project(target: Path, catalog_root: Path, pages: dict[str, str] | None = None) -> Path:
    """A project in ``target`` built like the real site (mkdocs.yml's theme, plugins and
    extensions) from the catalog under ``catalog_root``, with a small docs/ of ``pages``.

    Its directory holds secret.txt, which a snippet line ``--8<-- "secret.txt"`` would include.
    """
    docs = target / "docs"
    docs.mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    shutil.copyfile(ROOT / "docs" / "tags.md", docs / "tags.md")
    for name, content in {"index.md": FIXTURE_INDEX, **(pages or {})}.items():
        (docs / name).write_text(content, encoding="utf-8")
    (target / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    config = site_config()
    config.pop("watch", None)
    # The site does not use snippets; they are armed here on purpose, so the tests show
    # that catalog text stays inert even if a later change turns them on.
    if not any(isinstance(e, dict) and "pymdownx.snippets" in e for e in config["markdown_extensions"]):
        config["markdown_extensions"].append({"pymdownx.snippets": {"check_paths": True}})
    config["theme"]["custom_dir"] = str(ROOT / "docs" / "overrides")
    config["hooks"] = [str(ROOT / "hooks" / "main.py")]
    config["nav"] = [
        {"Home": "index.md"},
        {"Models": ["models/index.md", {"Organizations": "organizations/index.md"}, {"Techniques": "techniques/index.md"}, {"Tags": "tags.md"}]},
        *({name[:-3].capitalize(): name} for name in sorted(pages or {}) if name != "index.md"),
    ]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "bibtex" in plugin:
            plugin["bibtex"]["bib_file"] = str(catalog_root / "catalog" / "references.bib")
        if isinstance(plugin, dict) and "htmlproofer" in plugin:
            plugin["htmlproofer"]["enabled"] = True
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def overlay_case(case: Path, target: Path) -> Path:
    """Copy the valid fixture catalog to ``target`` and lay the case's files over it."""
    shutil.copytree(VALID, target)
    for file in sorted(case.rglob("*")):
        if file.is_file() and file.name != "expected.txt":
            destination = target / file.relative_to(case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
    return target


def run_mkdocs(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Every test build checks its links unless a test turns the check off.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600", "ATLAS_LINK_CHECK": "true", **(env_extra or {})}
    return subprocess.run(MKDOCS + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalog built once with --strict into a temporary directory."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = run_mkdocs(["build", "--strict", "--site-dir", str(site)], ROOT)
    assert result.returncode == 0, result.stderr[-5000:]
    return site


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Print measurements taken by the browser tests (reported, not asserted)."""
    for line in MEASUREMENTS:
        terminalreporter.write_line(f"MEASURED: {line}")


@pytest.fixture(scope="session")
def catalog():
    """The real catalog, loaded once for every test module that reads it."""
    from atlas.pipeline import load_catalog

    loaded, problems = load_catalog(ROOT)
    assert [str(p) for p in problems] == []
    return loaded
