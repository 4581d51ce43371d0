"""Builds are deterministic (byte-identical twice over) and atomic (a failed build changes nothing)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import INVALID, ROOT, VALID, overlay_case, site_project

pytestmark = pytest.mark.build

BUILD = ROOT / "scripts" / "build.py"
BROKEN_PAGE = "# Broken\n\n<!-- atlas: models kind=robot -->\n"


def build(project: Path, catalog_root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/build.py on ``project`` with the fixture catalog ``catalog_root``."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600", "ATLAS_ROOT": str(catalog_root), **env}
    return subprocess.run([sys.executable, str(BUILD), "-f", str(project / "mkdocs.yml")], cwd=project, env=environment, capture_output=True, text=True, timeout=600)


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    # Different directories and hash seeds: neither may show in the output.
    first = site_project(tmp_path / "a" / "project", VALID)
    second = site_project(tmp_path / "b" / "elsewhere", VALID)
    assert build(first, VALID, PYTHONHASHSEED="1").returncode == 0
    assert build(second, VALID, PYTHONHASHSEED="2").returncode == 0
    one, two = snapshot(first / "site"), snapshot(second / "site")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    # The files most likely to differ are there and were compared.
    assert {"sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "search/entities.json", "api/models.json", "models/demo-vlm/index.html"} <= set(one)


def test_build_uses_source_date_epoch(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project", VALID)
    assert build(project, VALID, SOURCE_DATE_EPOCH="1700000000").returncode == 0
    site = project / "site"
    assert "<lastmod>2023-11-14</lastmod>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    # MkDocs stamps the gzip header with that day at midnight UTC.
    assert int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little") == 1699920000
    page = BeautifulSoup((site / "models" / "demo-vlm" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "  year = {2023}," in page.find(id="cite-this-entry").find_next("code").get_text().splitlines()


def test_successful_build_replaces_the_site_whole(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project", VALID)
    (project / "site").mkdir()
    (project / "site" / "stale.html").write_text("old", encoding="utf-8")
    result = build(project, VALID)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"build.py: built {project / 'site'}")
    assert not (project / "site" / "stale.html").exists()
    assert (project / "site" / "models" / "demo-vlm" / "index.html").is_file()
    assert leftovers(project) == []
    assert oct((project / "site").stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project", VALID)
    assert build(project, VALID).returncode == 0
    before = snapshot(project / "site")
    # A directive error stops MkDocs in on_page_markdown, after it has emptied its site_dir.
    (project / "docs" / "index.md").write_text(BROKEN_PAGE, encoding="utf-8")
    result = build(project, VALID)
    assert result.returncode == 1
    assert "docs/index.md: <!-- atlas: models kind=robot -->: unknown kind 'robot'" in result.stderr
    assert result.stderr.strip().endswith(f"build.py: the build failed (exit 1); {project / 'site'} is unchanged.")
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_failed_first_build_writes_no_site(tmp_path: Path) -> None:
    root = overlay_case(INVALID / "lineage-cycle", tmp_path / "repo")
    project = site_project(tmp_path / "project", root)
    result = build(project, root)
    assert result.returncode == 1
    assert "lineage cycle: demo-vlm -> vision-enc -> demo-vlm" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("build.py: the build failed (exit 1); no site/ was written.")
    assert not (project / "site").exists()
    assert leftovers(project) == []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
