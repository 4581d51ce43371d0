"""The benchmark tools: the synthetic catalog is valid and complete, and bench.py --quick runs end to end."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import bench
from atlas.render.directives import build_filter
from atlas.pipeline import load_catalog
from conftest import ROOT
from synthetic_catalog import demands, write_repository

REQUIRED_FIELDS = ("name", "aliases", "organizations", "released", "kind", "modalities", "parameters", "variants", "context_window",
                   "training", "architecture", "built_on", "techniques", "access", "license", "links", "references", "sources",
                   "results", "summary", "description")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_repository(120, tmp_path_factory.mktemp("synthetic") / "repo")


def test_synthetic_catalog_is_valid_and_realistic(synthetic: Path) -> None:
    catalog, problems = load_catalog(synthetic)
    assert problems == []
    assert len(catalog.models) == 120
    assert all(2 <= len(m.references) <= 4 for m in catalog.models)
    assert sum(1 for m in catalog.models if m.built_on) >= 110
    assert {o for m in catalog.models for o in m.organizations} == set(catalog.organizations)
    assert len(catalog.references) > len(load_catalog(ROOT)[0].references)
    import yaml

    for path in sorted((synthetic / "catalog" / "models").glob("*.yaml"))[:20]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = [f for f in REQUIRED_FIELDS if f not in data] if data.get("built_on") else []
        assert missing == [], path.name


def test_synthetic_catalog_serves_every_directive_and_link(synthetic: Path) -> None:
    catalog, _ = load_catalog(synthetic)
    demand = demands(ROOT / "docs")
    # The linked models come first, as many as the catalog holds; the docs of the copy link
    # only to those (the others become plain text), so its strict build finds every page.
    held = [i for i in demand.linked_ids if catalog.has_model(i)]
    assert len(held) == min(len(demand.linked_ids), len(catalog.models))
    assert set(demands(synthetic / "docs").linked_ids) <= {m.id for m in catalog.models}
    for pairs in demand.filters:
        assert catalog.filtered(build_filter(dict(pairs), catalog)), pairs


def test_report_keeps_hand_written_text(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    output.write_text(f"# Benchmarks\n\nIntro.\n\n{bench.START}\nold figures\n{bench.END}\n\n## Notes\n\nKept.\n", encoding="utf-8")
    bench.write_report(output, f"{bench.START}\nnew figures\n{bench.END}\n")
    assert output.read_text(encoding="utf-8") == f"# Benchmarks\n\nIntro.\n\n{bench.START}\nnew figures\n{bench.END}\n\n## Notes\n\nKept.\n"


@pytest.mark.bench
def test_bench_quick_runs_and_reports_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--output", str(output)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    text = output.read_text(encoding="utf-8")
    assert "### 100 models" in text and "Quick mode" in text
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", text, re.MULTILINE))
    for measure in ("Atlas build, wall (CPU)", "Baseline build, wall (CPU)", "Ratio Atlas / baseline, wall (CPU)", "Peak RSS of the Atlas build", "Peak RSS of the baseline build",
                    "validate.py, whole catalog, cold cache", "validate.py, whole catalog, warm cache", "validate.py, one changed file",
                    "Site size", "Search index", "Model page HTML, median", "Model page HTML, largest",
                    "First rebuild after a YAML edit under `mkdocs serve`", "Atlas build with the link check (`make build`, CI), wall (CPU)"):
        assert re.search(r"\d", rows[measure]), measure
    assert float(rows["Ratio Atlas / baseline, wall (CPU)"].split()[0]) > 0


def test_lighthouse_server_gzips_text_as_github_pages_does(tmp_path: Path) -> None:
    import gzip
    import threading
    import urllib.request
    from functools import partial
    from http.server import ThreadingHTTPServer

    page = "<!doctype html><title>x</title>" + "<p>row</p>" * 200
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "favicon.png").write_bytes(b"\x89PNG")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(bench.GzipHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        with urllib.request.urlopen(urllib.request.Request(base + "models/", headers={"Accept-Encoding": "gzip"})) as response:
            assert (response.headers["Content-Encoding"], response.headers["Content-Type"]) == ("gzip", "text/html")
            assert gzip.decompress(response.read()).decode("utf-8") == page
        with urllib.request.urlopen(base + "models/") as response:
            assert (response.headers["Content-Encoding"], response.read().decode("utf-8")) == (None, page)
        with urllib.request.urlopen(urllib.request.Request(base + "favicon.png", headers={"Accept-Encoding": "gzip"})) as response:
            assert (response.headers["Content-Encoding"], response.read()) == (None, b"\x89PNG")
    finally:
        server.shutdown()


def test_lighthouse_table_gives_every_run_and_the_metrics_of_slow_ones() -> None:
    def report(performance: float) -> dict:
        return {
            "categories": {"performance": {"score": performance}, "accessibility": {"score": 1.0}, "best-practices": {"score": 0.96}},
            "audits": {"largest-contentful-paint": {"numericValue": 2512.0}, "total-blocking-time": {"numericValue": 1234.5}, "cumulative-layout-shift": {"numericValue": 0.0123}},
        }

    fast, slow = bench.lighthouse_run(report(0.99)), bench.lighthouse_run(report(0.71))
    assert fast.scores == {"performance": 99, "accessibility": 100, "best-practices": 96}
    lines = bench.lighthouse_table(1000, {"Catalog table": {"mobile": [slow, fast], "desktop": [fast, fast]}})
    assert lines[-5:] == [
        "| Catalog table | 71, 99 / 100, 100 / 96, 96 | 99, 99 / 100, 100 / 96, 96 |",
        "",
        "Runs under 95 for performance:",
        "",
        "- Catalog table, mobile: 71 (LCP 2.5 s, total blocking time 1,234 ms, CLS 0.012)",
    ]
