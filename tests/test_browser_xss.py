"""XSS payloads in a real browser: every page where a hostile model appears stays inert.

Each payload from fixtures/xss_payloads.txt becomes its own model: as the Markdown
description, and, where the schema lets the characters through, in the summary, an alias,
the training data, a source note and the licence. The site is built like the real one and
served on localhost; Chromium visits every page listing those models and the test asserts
that no dialog opens and no injected element or handler exists in the DOM.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from conftest import FIXTURES, ROOT, VALID, run_mkdocs, site_project
from test_browser import CHROMIUM, Watched, browser, serve  # noqa: F401 (browser is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.build]
PAYLOADS = [line for line in (FIXTURES / "xss_payloads.txt").read_text(encoding="utf-8").splitlines() if line]
ONE_LINE = re.compile(r"[<>\n]")
# Anything a payload could have injected: scripts that are not Material's or the Atlas's,
# frames, objects, inline handlers, and javascript:/data: URLs.
INJECTED_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'data'].includes(name) && /^(javascript|data|vbscript):/.test(value)) bad.push(el.tagName + ' ' + name + '=' + value);
    }
  }
  for (const el of document.querySelectorAll('iframe, object, embed, base, meta[http-equiv], math')) bad.push(el.tagName);
  // Forms and styles inside the page content, other than the Atlas's own controls.
  for (const el of document.querySelectorAll('.md-content form, .md-content input, .md-content textarea, .md-content style')) {
    if (!el.closest('.atlas-filters, .atlas-compare__picker, .atlas-compare__toggle, .atlas-timeline__filter, .atlas-lineage__tools, .atlas-chart__controls')) bad.push(el.tagName);
  }
  for (const s of document.querySelectorAll('script')) {
    const src = s.getAttribute('src') || '';
    if (src ? !/assets\\/(javascripts\\/bundle\\.[0-9a-f]{8}\\.min|atlas-match|vendor\\/minisearch-7\\.2\\.0|catalog|compare|diagrams)\\.js$/.test(src) : /alert\\(/.test(s.textContent)) bad.push('script ' + (src || s.textContent.slice(0, 60)));
  }
  return bad;
}"""


def hostile_model(index: int, payload: str) -> dict:
    """A valid model carrying ``payload`` wherever the schema allows its characters."""
    text = ONE_LINE.sub(" ", payload).strip() or "payload"
    model = yaml.safe_load((VALID / "catalog" / "models" / "demo-vlm.yaml").read_text(encoding="utf-8"))
    model.update({
        "name": f"Hostile {index}",
        "aliases": [f"Hostile alias {index}"],
        "description": payload,
        "summary": f"Hostile model {index} carries a payload: {text}"[:300].rstrip(),
        "training": {"data": text[:400]},
        "license": "proprietary",
    })
    model["sources"]["parameters"] = {"ref": "examplecorp2023demo", "note": text[:400]}
    return model


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    if not CHROMIUM:
        pytest.skip("Chromium is not installed")
    tmp = tmp_path_factory.mktemp("xss")
    root = tmp / "repo"
    shutil.copytree(VALID, root)
    ids = []
    for index, payload in enumerate(PAYLOADS):
        model = hostile_model(index, payload)
        text = yaml.safe_dump(model, allow_unicode=True, sort_keys=False)
        (root / "catalog" / "models" / f"hostile-{index}.yaml").write_text(text, encoding="utf-8")
        ids.append(f"hostile-{index}")
    pages = {
        "timeline.md": "# Timeline\n\n<!-- atlas: timeline -->\n",
        "lineage.md": "# Lineage\n\n<!-- atlas: lineage view=graph -->\n",
        "compare.md": (ROOT / "docs" / "compare.md").read_text(encoding="utf-8"),
    }
    project = site_project(tmp / "project", root, pages)
    result = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(root)})
    assert result.returncode == 0, result.stderr[-4000:]
    url, server = serve(project / "site")
    yield url, ids
    server.shutdown()


def test_there_are_at_least_twenty_payloads() -> None:
    assert len(PAYLOADS) >= 20


def visit(watched: Watched, url: str) -> tuple[list[str], list[str]]:
    dialogs: list[str] = []
    watched.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched.page.goto(url, wait_until="networkidle")
    watched.page.wait_for_timeout(100)
    # Hover and focus every link, so injected mouse and focus handlers would fire.
    watched.page.evaluate("() => document.querySelectorAll('a').forEach(a => { a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); a.focus(); })")
    return dialogs, watched.page.evaluate(INJECTED_JS)


def test_model_pages_stay_inert(hostile_site: tuple[str, list[str]], browser) -> None:
    url, ids = hostile_site
    failures = []
    watched = Watched(browser)
    try:
        for model_id in ids:
            dialogs, injected = visit(watched, f"{url}models/{model_id}/")
            if dialogs or injected:
                failures.append((model_id, dialogs, injected))
        assert watched.foreign == []
    finally:
        watched.close()
    assert failures == []


@pytest.mark.parametrize(
    "path",
    ["", "models/", "organizations/example-corp/", "organizations/example-lab/", "techniques/instruction-tuning/", "techniques/linear-projection/",
     "browse/kinds/", "browse/access/", "browse/modalities/", "tags/", "timeline/", "lineage/", "models/base-llm/", "models/vision-enc/"],
)
def test_listing_pages_stay_inert(path: str, hostile_site: tuple[str, list[str]], browser) -> None:
    url, _ = hostile_site
    watched = Watched(browser)
    try:
        dialogs, injected = visit(watched, url + path)
        assert (dialogs, injected, watched.foreign) == ([], [], [])
    finally:
        watched.close()


def test_compare_view_stays_inert(hostile_site: tuple[str, list[str]], browser) -> None:
    url, ids = hostile_site
    watched = Watched(browser)
    try:
        for start in range(0, len(ids), 4):
            chosen = ids[start:start + 4]
            dialogs, injected = visit(watched, f"{url}compare/?m={','.join(chosen)}")
            assert (dialogs, injected) == ([], [])
            # The payloads were on the page: the table was drawn with every chosen model.
            if len(chosen) >= 2:
                assert watched.page.locator(".atlas-compare__table thead th").count() == len(chosen) + 1
    finally:
        watched.close()


def test_search_results_stay_inert(hostile_site: tuple[str, list[str]], browser) -> None:
    url, _ = hostile_site
    watched = Watched(browser)
    dialogs: list[str] = []
    watched.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        watched.page.goto(url, wait_until="networkidle")
        watched.page.locator("label.md-search__icon, .md-search__input").first.click()
        watched.page.locator("input.md-search__input").press_sequentially("Hostile", delay=40)
        watched.page.wait_for_selector(".md-search-result__item", timeout=15_000)
        watched.page.wait_for_timeout(500)
        assert dialogs == []
        assert watched.page.evaluate(INJECTED_JS) == []
    finally:
        watched.close()
