"""Link integrity: mkdocs-htmlproofer-plugin checks every internal link and anchor of every built page.

It runs inside each --strict build with ATLAS_LINK_CHECK=true, which every test build,
`make build` and the workflows set (so the real_site build of the other tests passes only
with zero broken internal links or anchors), and never fetches an external URL. These
tests pin that configuration and show the check catches what MkDocs alone lets through:
raw HTML links, anchors, and links written by the generators.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, VALID, run_mkdocs, site_config, site_project

pytestmark = pytest.mark.build

BROKEN = """\
# Broken links

A raw HTML link to a page that does not exist: <a href="../models/no-such-model/">gone</a>.

A Markdown link to a heading that does not exist: [nowhere](models/index.md#no-such-heading).

A link to an anchor that is not on this page: [here](#no-such-anchor).

Fine: [catalog](models/index.md), [a model](models/demo-vlm.md#lineage), <a href="../organizations/example-lab/">a lab</a>.

Wrong, as this page is built to broken/index.html: <a href="organizations/example-lab/">a lab</a>.
"""


def proofer() -> dict:
    return next(plugin["htmlproofer"] for plugin in site_config()["plugins"] if isinstance(plugin, dict) and "htmlproofer" in plugin)


def test_the_link_check_is_configured_offline_and_fatal() -> None:
    config = proofer()
    assert config["validate_external_urls"] is False  # no request leaves the machine
    assert config["validate_rendered_template"] is True  # navigation, header and footer too
    assert config["strict_anchors"] is True
    assert config["raise_error_after_finish"] is True
    # Off in a plain `mkdocs build` and `make serve`; on in the tests, `make build` and CI.
    assert "enabled: !ENV [ATLAS_LINK_CHECK, false]" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'env.setdefault("ATLAS_LINK_CHECK", "true")' in (ROOT / "scripts" / "build.py").read_text(encoding="utf-8")
    for workflow in ("pr-check.yml", "deploy.yml"):
        assert 'ATLAS_LINK_CHECK: "true"' in (ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8")


def test_broken_internal_links_and_anchors_fail_the_build(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project", VALID, {"broken.md": BROKEN})
    result = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(VALID)})
    assert result.returncode == 1
    errors = sorted(line.split("ERROR   -  ", 1)[1] for line in result.stderr.splitlines() if "ERROR" in line and "htmlproofer" in line)
    assert errors == [
        "htmlproofer: invalid url - #no-such-anchor [404] [broken.md]",
        "htmlproofer: invalid url - ../models/#no-such-heading [404] [broken.md]",
        "htmlproofer: invalid url - ../models/no-such-model/ [404] [broken.md]",
        "htmlproofer: invalid url - organizations/example-lab/ [404] [broken.md]",
    ]
    assert "Invalid links present." in result.stderr


def test_the_fixture_site_has_no_broken_links(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project", VALID)
    result = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(VALID)})
    assert result.returncode == 0, result.stderr
    assert "htmlproofer" not in result.stderr


def test_the_real_site_has_no_broken_links(real_site: Path) -> None:
    # real_site is built with --strict and mkdocs.yml's htmlproofer; it exists only if the
    # check found nothing. Make sure the pages it checked are there.
    assert len(list(real_site.rglob("*.html"))) > 150
    assert (real_site / "models" / "llava" / "index.html").is_file()
