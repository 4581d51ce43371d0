"""Drive the header search box in Chromium as a person would, and measure it.

Used by the browser tests (tests/test_search.py: the query set's hit@1 and hit@3) and by
scripts/bench.py (bytes fetched before the first result, time from opening search to the
first result, time from a keystroke to its results). Needs Playwright and Chromium.
"""
from __future__ import annotations

import os
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

QUERIES = Path(__file__).resolve().parents[1] / "tests" / "data" / "search_queries.yaml"
CHROMIUM = os.environ.get("ATLAS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
INPUT = "input.md-search__input"
READY = "() => (document.querySelector('.md-search-result__meta') || {}).textContent.trim() === 'Type to start searching'"
# The worker's last answer to this query, complete (entities, then full text).
DONE = "q => (window.atlasSearch.timings.filter(t => t.query === q).pop() || {}).done === true"
TARGET_HIT1, TARGET_HIT3, TARGET_CATEGORY_HIT1 = 0.95, 0.98, 0.9


def query_set(path: Path = QUERIES) -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def open_search(page, base_url: str, path: str = "") -> None:
    page.goto(base_url + path, wait_until="networkidle")
    page.locator(INPUT).click()
    page.wait_for_function(READY, timeout=30_000)


def results(page) -> list[str]:
    """The result links in the panel, as paths from the site root (without the site's own path)."""
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    root = urlparse(page.evaluate("new URL(JSON.parse(document.getElementById('__config').textContent).base, location.href).href")).path
    return [urlparse(h).path[len(root):] if urlparse(h).path.startswith(root) else urlparse(h).path for h in hrefs]


def ask(page, query: str, delay: float = 15) -> list[str]:
    """Clear the box, type ``query`` key by key, wait for its complete answer; the result paths."""
    box = page.locator(INPUT)
    box.fill("")
    page.wait_for_function(DONE, arg="", timeout=30_000)
    box.press_sequentially(query, delay=delay)
    page.wait_for_function(DONE, arg=query, timeout=30_000)
    page.wait_for_timeout(20)  # Material renders the message it was just sent
    return results(page)


@dataclass
class Quality:
    """hit@1 and hit@3 of one category."""

    category: str
    total: int = 0
    hit1: int = 0
    hit3: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def at1(self) -> float:
        return self.hit1 / self.total if self.total else 0.0

    @property
    def at3(self) -> float:
        return self.hit3 / self.total if self.total else 0.0


def evaluate(page, base_url: str, queries: dict[str, list[dict[str, Any]]] | None = None) -> list[Quality]:
    """Every query of the set typed into the search box of ``base_url``'s home page."""
    open_search(page, base_url)
    out = []
    for category, items in (queries or query_set()).items():
        quality = Quality(category)
        for item in items:
            found = ask(page, item["q"])
            expected = item["first"]
            quality.total += 1
            if expected is None:
                ok1 = ok3 = not found
            else:
                ok1, ok3 = found[:1] == [expected], expected in found[:3]
            quality.hit1 += ok1
            quality.hit3 += ok3
            if not ok1:
                quality.misses.append(f"{item['q']!r}: expected {expected}, got {found[:3]}")
        out.append(quality)
    return out


def overall(qualities: list[Quality]) -> Quality:
    total = Quality("all")
    for q in qualities:
        total.total += q.total
        total.hit1 += q.hit1
        total.hit3 += q.hit3
    return total


def quality_table(qualities: list[Quality]) -> list[str]:
    lines = ["| Category | Queries | hit@1 | hit@3 |", "| --- | ---: | ---: | ---: |"]
    for q in [*qualities, overall(qualities)]:
        lines.append(f"| {q.category.replace('_', ' ')} | {q.total} | {q.at1:.2f} | {q.at3:.2f} |")
    return lines


@dataclass
class Speed:
    """The search box's speed on one site."""

    bytes_before_first: int = 0
    requests_before_first: int = 0
    open_to_first_ms: float = 0.0
    keystrokes_ms: list[float] = field(default_factory=list)
    pathological_ms: dict[str, float] = field(default_factory=dict)
    entity_index_gzip: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.keystrokes_ms) if self.keystrokes_ms else float("nan")

    @property
    def worst_ms(self) -> float:
        return max([*self.keystrokes_ms, *self.pathological_ms.values()], default=float("nan"))


KEYDOWNS = "() => { window.atlasKeydowns = []; addEventListener('keydown', () => window.atlasKeydowns.push(performance.now()), true); }"
# Milliseconds from the last keydown to the rendering of the entity answer to the box's value.
ANSWERED = """() => {
  const value = document.querySelector('input.md-search__input').value;
  const t = window.atlasSearch.timings.filter(t => t.query === value && t.phase === 'entities').pop();
  const key = window.atlasKeydowns[window.atlasKeydowns.length - 1];
  return t && key !== undefined && t.at >= key ? t.at - key : null;
}"""


def _press(page, key: str) -> float:
    page.keyboard.press("Space" if key == " " else key)
    handle = page.wait_for_function(ANSWERED, timeout=60_000, polling="raf")
    return float(handle.json_value())


def measure_speed(browser, base_url: str, name: str, pathological: tuple[str, ...] = ("-", "a", "g", "gpt-", "zzzzzzzzzzzzzzzz")) -> Speed:
    """Open search on a fresh page (empty cache) and type ``name`` key by key, then the pathological queries.

    Bytes are what crossed the network (gzipped, as served) from opening search to the first
    result; keystroke times run from the keydown to the rendering of that keystroke's entity results.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # Every request of the page and of its workers, with when it finished; sizes are read afterwards.
    finished: list[tuple[float, object]] = []
    context.on("requestfinished", lambda request: finished.append((time.monotonic(), request)))
    speed = Speed()
    try:
        page.goto(base_url, wait_until="networkidle")
        page.evaluate(KEYDOWNS)
        loaded = len(finished)
        page.locator(INPUT).focus()
        start = page.evaluate("performance.now()")
        page.keyboard.press(name[0])
        handle = page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0 && performance.now()", timeout=60_000, polling="raf")
        speed.open_to_first_ms = float(handle.json_value()) - start
        page.wait_for_timeout(10)
        first = time.monotonic()
        before = [request for t, request in finished[loaded:] if t <= first]
        for key in name[1:]:
            speed.keystrokes_ms.append(_press(page, key))
        for query in pathological:
            page.locator(INPUT).fill(query[:-1])
            page.wait_for_timeout(100)
            speed.pathological_ms[query] = _press(page, query[-1])
        speed.requests_before_first = len(before)
        # As sent: a gzipped body where the server compressed it, and the headers.
        speed.bytes_before_first = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in before)
    finally:
        context.close()
    return speed


def launch(playwright):
    if not CHROMIUM:
        raise SystemExit("Chromium is needed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
