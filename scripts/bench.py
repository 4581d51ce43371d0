"""Benchmark the Atlas build on synthetic catalogs and write docs/about/benchmarks.md.

For each size N it generates a repository copy whose catalog has N realistic synthetic
models (scripts/synthetic_catalog.py), then measures, as the median of several runs:
the full `mkdocs build --strict` (wall time, CPU time, peak RSS); a baseline build of the
same pages as static Markdown with plain MkDocs + Material (no hooks, no bibtex, a
minimal nav); scripts/validate.py on the whole catalog (cold and warm cache) and on one
changed file; the site, search index and model page sizes; and the time from a YAML
edit to the end of the rebuild under `mkdocs serve`.

Examples:
    python scripts/bench.py                         # N = 100, 1,000 and 10,000, 3 runs each
    python scripts/bench.py --quick --output /tmp/benchmarks.md   # N = 100, 1 run (CI)
    python scripts/bench.py --sizes 1000 --lighthouse   # also score pages with Lighthouse
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic_catalog import write_repository  # noqa: E402

DEFAULT_OUTPUT = ROOT / "docs" / "about" / "benchmarks.md"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
EPOCH = "1767225600"  # a fixed SOURCE_DATE_EPOCH, so every run renders the same pages
MIB = 1024 * 1024
# Target figures from the issue; the benchmark reports them, tests never assert them.
TARGET_RATIO = 1.3
TARGET_GROWTH = 12.0
TARGET_RSS_MIB = 1024
TARGET_VALIDATE_S = 3.0
TARGET_VALIDATE_ONE_S = 0.5
TARGET_PAGE_KB = 40
TARGET_SEARCH_FIRST_KB = 300  # gzipped bytes fetched before the first result, at 10,000 models
TARGET_FIRST_RESULT_MS = 300
TARGET_KEYSTROKE_MS = 100
TARGET_INDEX_SHARE = 0.10
# The link check (htmlproofer, on in `make build` and CI) is timed once up to this size.
LINK_CHECK_MAX = 1000
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices")
LIGHTHOUSE_RUNS = 2  # the machine may be shared, so each page is scored more than once
LIGHTHOUSE_TARGET = 95
# What GitHub Pages serves gzipped; the local server does the same, so transfer sizes match.
COMPRESSED_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".bib", ".map"})
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
BASELINE_CONFIG = """\
site_name: MM-LLM Atlas (baseline)
site_url: https://mm-llm-atlas.github.io/atlas/
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.top, navigation.indexes, search.suggest, search.highlight, content.code.copy, toc.follow]
plugins:
  - search
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight:
      anchor_linenums: false
  - pymdownx.inlinehilite
  - pymdownx.superfences
nav:
  - Home: index.md
  - Models: models/index.md
"""


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    wall: float
    cpu: float
    rss_mib: float
    returncode: int
    stderr: str


@dataclass(frozen=True)
class LighthouseRun:
    """One Lighthouse report: category scores (0-100) and the main metrics."""

    scores: dict[str, int]
    lcp_ms: float
    tbt_ms: float
    cls: float


@dataclass
class SizeResult:
    """Every figure measured for one catalog size."""

    count: int
    runs: int
    pages: int = 0
    atlas: list[Run] = field(default_factory=list)
    baseline: list[Run] = field(default_factory=list)
    validate_cold: list[Run] = field(default_factory=list)
    validate_warm: list[Run] = field(default_factory=list)
    validate_one: list[Run] = field(default_factory=list)
    link_checked: list[Run] = field(default_factory=list)
    serve_rebuild: list[float] = field(default_factory=list)
    site_bytes: int = 0
    site_files: int = 0
    search_bytes: int = 0  # search/entities.json
    search_gzip: int = 0
    pagefind_bytes: int = 0
    pagefind_files: int = 0
    search_timing: dict[str, list[float]] = field(default_factory=dict)
    speed: object = None  # search_probe.Speed, when Chromium is there
    page_median: float = 0.0
    page_max: float = 0.0
    page_max_id: str = ""
    bib_bytes: int = 0
    lighthouse: dict[str, dict[str, list[LighthouseRun]]] = field(default_factory=dict)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def environment() -> dict[str, str]:
    """The environment for child processes: reproducible and free of MkDocs 2 notices."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("ATLAS_CACHE_DIR", None)  # the cache lives in each copy's .cache/, which the cold runs delete
    env.pop("ATLAS_ROOT", None)
    env.pop("ATLAS_LINK_CHECK", None)  # a plain `mkdocs build`; the link check is measured on its own
    return env


def measure(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to completion; wall time, CPU time and peak RSS come from wait4."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**environment(), **(env or {})}, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, stderr)


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed with exit code {run.returncode}:\n{run.stderr[-4000:]}")
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> str:
    """CPU model, core count and memory, from /proc where it exists."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB of memory"
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("mkdocs", "mkdocs-material", "mkdocs-bibtex", "pymdown-extensions", "markdown"))


def write_baseline(repo: Path, target: Path) -> int:
    """The Atlas's pages as static Markdown, with directives already expanded; returns the page count."""
    from atlas.render.directives import expand
    from atlas.site import generated_pages
    from atlas.pipeline import load_catalog

    catalog, problems = load_catalog(repo)
    if catalog is None:
        raise SystemExit("the synthetic catalog is invalid:\n" + "\n".join(map(str, problems)))
    docs = target / "docs"
    pages = dict(generated_pages(catalog, "https://mm-llm-atlas.github.io/atlas/", "2026"))
    for page in sorted((repo / "docs").rglob("*.md")):
        src = page.relative_to(repo / "docs").as_posix()
        if src.startswith(("overrides/", "includes/")):
            continue
        text = page.read_text(encoding="utf-8")
        pages[src] = expand(text, catalog, src) if "<!--" in text else text
    for src, text in pages.items():
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "mkdocs.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    return len(pages)


def site_figures(site: Path, result: SizeResult, model_ids: Sequence[str]) -> None:
    """Site size, search index size and model page sizes of a built site."""
    files = [p for p in site.rglob("*") if p.is_file()]
    result.site_files = len(files)
    result.site_bytes = sum(p.stat().st_size for p in files)
    entities = (site / "search" / "entities.json").read_bytes()
    result.search_bytes, result.search_gzip = len(entities), len(gzip.compress(entities, compresslevel=6, mtime=0))
    pagefind = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    result.pagefind_bytes, result.pagefind_files = sum(p.stat().st_size for p in pagefind), len(pagefind)
    sizes = {model_id: (site / "models" / model_id / "index.html").stat().st_size for model_id in model_ids}
    result.page_median = median(list(sizes.values())) / 1024
    result.page_max_id = max(sizes, key=lambda k: sizes[k])
    result.page_max = sizes[result.page_max_id] / 1024


def edit_model(path: Path, marker: str) -> None:
    """Change one model's summary, keeping the file valid."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^summary: (.*?)( Edited \S+\.)?$", lambda m: f"summary: {m.group(1)} Edited {marker}.", text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


class ServeStopped(Exception):
    """`mkdocs serve` ended before the measurement did (on a shared machine, a signal from outside)."""


def serve_rebuilds(repo: Path, model_ids: Sequence[str], timeout: float, attempts: int = 3) -> list[float]:
    """Seconds from each YAML edit to the end of its rebuild under one `mkdocs serve`, retried if serve is stopped."""
    for attempt in range(1, attempts + 1):
        try:
            return _serve_rebuilds(repo, model_ids, f"serve{attempt}", timeout)
        except ServeStopped as stopped:
            print(f"  mkdocs serve stopped before the rebuilds ended ({stopped}); attempt {attempt} of {attempts}", file=sys.stderr)
    raise SystemExit(f"mkdocs serve was stopped {attempts} times; no rebuild time measured")


def _serve_rebuilds(repo: Path, model_ids: Sequence[str], marker: str, timeout: float) -> list[float]:
    """Start serve, then for each model: edit it, wait for the rebuild, check the served page shows the edit."""
    port = free_port()
    log_path = repo / f"serve-{marker}.log"

    def log() -> str:
        return log_path.read_text(encoding="utf-8")

    def wait(done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if process.poll() is not None and process.returncode < 0:
                raise ServeStopped(f"signal {-process.returncode}")
            if process.poll() is not None or time.monotonic() > deadline or "error happened" in log():
                raise SystemExit(f"mkdocs serve did not {what}:\n{log()[-4000:]}")
            time.sleep(0.05)

    times = []
    with log_path.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=repo, env=environment(), stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            wait(lambda: "Serving on" in log(), "start")
            for index, model_id in enumerate(model_ids):
                time.sleep(1.0)  # let the file watcher settle
                before = log().count("Reloading browsers")
                start = time.monotonic()
                edit_model(repo / "catalog" / "models" / f"{model_id}.yaml", f"{marker}-{index}")
                wait(lambda: log().count("Reloading browsers") > before, "rebuild")
                times.append(time.monotonic() - start)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/atlas/models/{model_id}/", timeout=30) as response:
                    if f"{marker}-{index}" not in response.read().decode("utf-8"):
                        raise SystemExit("the rebuilt page does not show the edit")
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log_path.unlink(missing_ok=True)
    return times


def lighthouse(site: Path, pages: dict[str, str], out: Path, runs: int = LIGHTHOUSE_RUNS) -> dict[str, dict[str, list[LighthouseRun]]]:
    """Lighthouse reports per page and form factor, ``runs`` of each, with the site served gzipped on localhost."""
    command = shutil.which("lighthouse")
    if command is None:
        raise SystemExit("--lighthouse needs the `lighthouse` command (npm install -g lighthouse) and CHROME_PATH set to Chromium")
    handler = partial(GzipHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results: dict[str, dict[str, list[LighthouseRun]]] = {}
    out.mkdir(parents=True, exist_ok=True)
    try:
        for label, path in pages.items():
            results[label] = {"mobile": [], "desktop": []}
            for index in range(runs):
                for form in ("mobile", "desktop"):
                    report = out / f"lighthouse-{form}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}-{index + 1}.json"
                    args = [command, f"http://127.0.0.1:{server.server_port}/{path}", "--quiet", "--output=json", f"--output-path={report}",
                            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
                    if form == "desktop":
                        args.append("--preset=desktop")
                    subprocess.run(args, check=True, timeout=600, env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
                    results[label][form].append(lighthouse_run(json.loads(report.read_text(encoding="utf-8"))))
    finally:
        server.shutdown()
    return results


def lighthouse_run(report: dict) -> LighthouseRun:
    """The scores and main metrics of one Lighthouse JSON report."""
    audits = report["audits"]
    return LighthouseRun(
        scores={name: round(report["categories"][name]["score"] * 100) for name in LIGHTHOUSE_CATEGORIES},
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class GzipHandler(_QuietHandler):
    """Serves text files gzipped when the client accepts it, as GitHub Pages does."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED_SUFFIXES):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


def search_speed(site: Path, repo: Path):
    """The header search box on the built site, served gzipped: bytes and times (None without Chromium)."""
    import search_probe

    if not search_probe.CHROMIUM:
        print("  Chromium not found: no search timings", file=sys.stderr)
        return None
    from atlas.pipeline import load_catalog
    from playwright.sync_api import sync_playwright

    catalog, _ = load_catalog(repo)
    name = catalog.models[len(catalog.models) // 2].name
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = search_probe.launch(playwright)
            try:
                return search_probe.measure_speed(browser, f"http://127.0.0.1:{server.server_port}/", name)
            finally:
                browser.close()
    finally:
        server.shutdown()


def bench_size(count: int, runs: int, work: Path, serve_timeout: float, with_lighthouse: bool) -> SizeResult:
    """Every measurement for one catalog size."""
    repo = write_repository(count, work / f"atlas-{count}")
    model_ids = sorted(p.stem for p in (repo / "catalog" / "models").glob("*.yaml"))
    result = SizeResult(count, runs, bib_bytes=(repo / "catalog" / "references.bib").stat().st_size)
    python = sys.executable
    site = repo / "site"
    baseline = work / f"baseline-{count}"
    result.pages = write_baseline(repo, baseline)
    # Atlas and baseline builds alternate, so a change in the machine's load hits both alike.
    for index in range(runs):
        shutil.rmtree(repo / ".cache", ignore_errors=True)  # a cold build, as in CI
        shutil.rmtree(site, ignore_errors=True)
        timing = work / f"search-timing-{count}.json"
        result.atlas.append(checked(measure([python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], repo, {"ATLAS_SEARCH_TIMING": str(timing)}), f"Atlas build of {count} models"))
        runs_timing = json.loads(timing.read_text(encoding="utf-8"))
        for key, value in runs_timing.items():
            result.search_timing.setdefault(key + "_runs", []).append(value)
        shutil.rmtree(baseline / "site", ignore_errors=True)
        result.baseline.append(checked(measure([python, "-m", "mkdocs", "build", "-q", "-d", str(baseline / "site")], baseline), f"baseline build of {count} models"))
        print(f"  N={count}: build {index + 1}/{runs}: Atlas {result.atlas[-1].wall:.1f} s, baseline {result.baseline[-1].wall:.1f} s", file=sys.stderr)
    site_figures(site, result, model_ids)
    result.speed = search_speed(site, repo)
    if count <= LINK_CHECK_MAX:
        # What `make build` and CI add: htmlproofer checks every internal link (one run).
        shutil.rmtree(repo / ".cache", ignore_errors=True)
        checking = repo / "site-checked"
        result.link_checked.append(checked(measure([python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(checking)], repo, {"ATLAS_LINK_CHECK": "true"}), f"link-checked build of {count} models"))
        shutil.rmtree(checking, ignore_errors=True)
        print(f"  N={count}: build with the link check: {result.link_checked[-1].wall:.1f} s", file=sys.stderr)
    validate = [python, str(repo / "scripts" / "validate.py")]
    changed = model_ids[len(model_ids) // 2]
    for index in range(max(runs, 3)):
        shutil.rmtree(repo / ".cache", ignore_errors=True)
        result.validate_cold.append(checked(measure(validate, repo), "validate.py (cold)"))
        result.validate_warm.append(checked(measure(validate, repo), "validate.py (warm)"))
        edit_model(repo / "catalog" / "models" / f"{changed}.yaml", f"validate-{index}")
        result.validate_one.append(checked(measure(validate + [f"catalog/models/{changed}.yaml"], repo), "validate.py (one file)"))
    result.serve_rebuild = serve_rebuilds(repo, [model_ids[(index * 7 + 1) % len(model_ids)] for index in range(runs)], serve_timeout)
    print(f"  N={count}: serve rebuilds: {', '.join(f'{s:.1f} s' for s in result.serve_rebuild)}", file=sys.stderr)
    if with_lighthouse:
        pages = {"Home": "index.html", "Model page": f"models/{model_ids[0]}/", "Catalog table": "models/"}
        if (site / "timeline" / "index.html").is_file():
            pages["Timeline"] = "timeline/"
        if (site / "compare" / "index.html").is_file() and len(model_ids) > 1:
            pages["Compare"] = f"compare/?m={model_ids[0]},{model_ids[1]}"
        boards = sorted(p.parent.name for p in (site / "benchmarks").glob("*/index.html"))
        if boards:
            pages["Benchmark page"] = f"benchmarks/{boards[0]}/"
        result.lighthouse = lighthouse(site, pages, work)
    return result


def _s(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def size_table(result: SizeResult) -> list[str]:
    """The Markdown table of one size."""
    atlas_wall, base_wall = median([r.wall for r in result.atlas]), median([r.wall for r in result.baseline])
    atlas_cpu, base_cpu = median([r.cpu for r in result.atlas]), median([r.cpu for r in result.baseline])
    rss = max(r.rss_mib for r in result.atlas)
    per_model = result.search_gzip / 1024 / result.count
    ratio_target = result.count >= 1000
    rows = [
        ("Pages built", f"{result.pages:,}", "", ""),
        ("references.bib", f"{result.bib_bytes / MIB:.1f} MiB", "", ""),
        ("Atlas build, wall (CPU)", f"{_s(atlas_wall)} ({_s(atlas_cpu)})", "", ""),
        ("Baseline build, wall (CPU)", f"{_s(base_wall)} ({_s(base_cpu)})", "", ""),
        ("Ratio Atlas / baseline, wall (CPU)", f"{atlas_wall / base_wall:.2f} ({atlas_cpu / base_cpu:.2f})", f"≤ {TARGET_RATIO}" if ratio_target else "", _verdict(atlas_wall / base_wall <= TARGET_RATIO) if ratio_target else ""),
        *([("Atlas build with the link check (`make build`, CI), wall (CPU)", f"{_s(result.link_checked[0].wall)} ({_s(result.link_checked[0].cpu)})", "", "")] if result.link_checked else []),
        ("Peak RSS of the Atlas build", f"{rss:,.0f} MiB", f"≤ {TARGET_RSS_MIB:,} MiB", _verdict(rss <= TARGET_RSS_MIB)),
        ("Peak RSS of the baseline build", f"{max(r.rss_mib for r in result.baseline):,.0f} MiB", "", ""),
        ("validate.py, whole catalog, cold cache", _s(median([r.wall for r in result.validate_cold])), f"≤ {TARGET_VALIDATE_S:g} s" if result.count >= 10_000 else "", _verdict(median([r.wall for r in result.validate_cold]) <= TARGET_VALIDATE_S) if result.count >= 10_000 else ""),
        ("validate.py, whole catalog, warm cache", _s(median([r.wall for r in result.validate_warm])), f"≤ {TARGET_VALIDATE_S:g} s" if result.count >= 10_000 else "", _verdict(median([r.wall for r in result.validate_warm]) <= TARGET_VALIDATE_S) if result.count >= 10_000 else ""),
        ("validate.py, one changed file", _s(median([r.wall for r in result.validate_one])), f"≤ {TARGET_VALIDATE_ONE_S:g} s", _verdict(median([r.wall for r in result.validate_one]) <= TARGET_VALIDATE_ONE_S)),
        ("Site size", f"{result.site_bytes / MIB:,.1f} MiB in {result.site_files:,} files", "", ""),
        ("Search index", f"model finder {result.search_gzip / 1024:,.0f} KiB gzipped ({result.search_bytes / MIB:,.2f} MiB, {per_model:.2f} KiB per model); Pagefind {result.pagefind_bytes / MIB:,.1f} MiB in {result.pagefind_files:,} files, loaded in pieces", "", ""),
        *search_rows(result, atlas_wall),
        ("Model page HTML, median", f"{result.page_median:.1f} KiB", f"≤ {TARGET_PAGE_KB} KiB", _verdict(result.page_median <= TARGET_PAGE_KB)),
        ("Model page HTML, largest", f"{result.page_max:.1f} KiB ({result.page_max_id})", f"≤ {TARGET_PAGE_KB} KiB", _verdict(result.page_max <= TARGET_PAGE_KB)),
        ("First rebuild after a YAML edit under `mkdocs serve`", _s(median(result.serve_rebuild)), "", ""),
    ]
    lines = [f"### {result.count:,} models", "", f"Median of {result.runs} run{'s' if result.runs != 1 else ''} (validate.py: of {len(result.validate_one)}).", "",
             "| Measure | Value | Target | |", "| --- | ---: | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    if result.lighthouse:
        lines += lighthouse_table(result.count, result.lighthouse)
    return lines + [""]


def search_rows(result: SizeResult, atlas_wall: float) -> list[tuple[str, str, str, str]]:
    """The header search box's figures: index share of the build, bytes and times in Chromium."""
    rows = []
    timing = result.search_timing
    if timing.get("fulltext_s_runs"):
        spent = median(timing["fulltext_s_runs"]) + median(timing["entities_s_runs"])
        share = spent / atlas_wall
        big = result.count >= 1000
        rows.append(("Search indexes' share of the build (finder export + Pagefind time not overlapped with the build)", f"{share:.1%} ({_s(spent)})",
                     f"≤ {TARGET_INDEX_SHARE:.0%}" if big else "", _verdict(share <= TARGET_INDEX_SHARE) if big else ""))
    speed = result.speed
    if speed is not None:
        large = result.count >= 10_000
        kib = speed.bytes_before_first / 1024
        rows += [
            ("Search: bytes fetched from opening search to the first result", f"{kib:,.0f} KiB in {speed.requests_before_first} requests",
             f"≤ {TARGET_SEARCH_FIRST_KB} KB" if large else "", _verdict(speed.bytes_before_first <= TARGET_SEARCH_FIRST_KB * 1000) if large else ""),
            ("Search: opening search and typing to the first result", f"{speed.open_to_first_ms:,.0f} ms", f"≤ {TARGET_FIRST_RESULT_MS} ms" if large else "",
             _verdict(speed.open_to_first_ms <= TARGET_FIRST_RESULT_MS) if large else ""),
            ("Search: keystroke to results, median (worst)", f"{speed.median_ms:.0f} ms ({speed.worst_ms:.0f} ms)", f"≤ {TARGET_KEYSTROKE_MS} ms each" if large else "",
             _verdict(speed.worst_ms <= TARGET_KEYSTROKE_MS) if large else ""),
            ("Search: pathological queries", ", ".join(f"“{q}” {ms:.0f} ms" for q, ms in speed.pathological_ms.items()), "", ""),
        ]
    return rows


def lighthouse_table(count: int, pages: dict[str, dict[str, list[LighthouseRun]]]) -> list[str]:
    """Scores of every run, and the main metrics where performance is under the target."""
    def cell(runs: list[LighthouseRun]) -> str:
        return " / ".join(", ".join(str(r.scores[name]) for r in runs) for name in LIGHTHOUSE_CATEGORIES)

    lines = ["", f"Lighthouse at {count:,} models, served gzipped as GitHub Pages does (performance / accessibility / best practices; each run):", "",
             "| Page | Mobile | Desktop |", "| --- | --- | --- |"]
    lines += [f"| {label} | {cell(forms['mobile'])} | {cell(forms['desktop'])} |" for label, forms in pages.items()]
    slow = [(label, form, r) for label, forms in pages.items() for form, runs in forms.items() for r in runs if r.scores["performance"] < LIGHTHOUSE_TARGET]
    if slow:
        lines += ["", f"Runs under {LIGHTHOUSE_TARGET} for performance:", ""]
        lines += [f"- {label}, {form}: {r.scores['performance']} (LCP {r.lcp_ms / 1000:.1f} s, total blocking time {r.tbt_ms:,.0f} ms, CLS {r.cls:.3f})" for label, form, r in slow]
    return lines


def report(results: list[SizeResult], note: str) -> str:
    """The generated part of benchmarks.md."""
    lines = [START, "", f"Measured on {dt.date.today().isoformat()} on {machine()}.", f"Packages: {versions()}.",
             f"Load average when the run finished: {', '.join(f'{x:.2f}' for x in os.getloadavg())}.", ""]
    if note:
        lines += [note, ""]
    for result in results:
        lines += size_table(result)
    walls = {r.count: median([x.wall for x in r.atlas]) for r in results}
    if 1000 in walls and 10_000 in walls:
        growth = walls[10_000] / walls[1000]
        lines += [f"Growth: the 10,000-model build takes {growth:.1f} times the 1,000-model build (target ≤ {TARGET_GROWTH:g}: {_verdict(growth <= TARGET_GROWTH)}).", ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_report(output: Path, generated: str) -> None:
    """Replace the generated part of ``output``, keeping any hand-written text around it."""
    if output.exists() and START in (text := output.read_text(encoding="utf-8")) and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        output.write_text(head + generated + ("\n" + tail if tail else ""), encoding="utf-8")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("---\ntitle: Benchmarks\n---\n\n# Benchmarks\n\n" + generated, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="catalog sizes, comma-separated (default: 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default: 3)")
    parser.add_argument("--large-runs", type=int, default=None, help="runs for sizes of 10,000 and more (default: --runs)")
    parser.add_argument("--quick", action="store_true", help="N = 100 and 1 run: the CI smoke test")
    parser.add_argument("--lighthouse", action="store_true", help="also score pages with Lighthouse at the largest size up to 1,000")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown file to write (default: docs/about/benchmarks.md)")
    parser.add_argument("--workdir", type=Path, help="keep the generated repositories here instead of a temporary directory")
    args = parser.parse_args(argv)
    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    large_runs = args.large_runs or runs
    work = args.workdir or Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    lighthouse_size = max((s for s in sizes if s <= 1000), default=None) if args.lighthouse else None
    results = []
    try:
        for count in sizes:
            n_runs = large_runs if count >= 10_000 else runs
            print(f"N={count}: {n_runs} run(s)", file=sys.stderr)
            results.append(bench_size(count, n_runs, work, serve_timeout=120 + count * 0.1, with_lighthouse=count == lighthouse_size))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    notes = []
    if args.quick:
        notes.append("Quick mode: one run at 100 models, so these figures are a smoke test, not a benchmark.")
    if large_runs != runs:
        notes.append(f"Sizes of 10,000 and more ran {large_runs} time(s) instead of {runs}, to keep the benchmark under an hour.")
    write_report(args.output, report(results, " ".join(notes)))
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
