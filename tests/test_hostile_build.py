"""A site built like the real one from a catalog whose text fields are full of attacks.

tests/fixtures/hostile passes validation: its payloads sit where the schema allows them
(description Markdown, summary, notes, names, BibTeX fields). The built site must contain
no script but Material's own, no event handler, no javascript:/data: link, nothing read
through snippets, nothing evaluated as a template, and must show the text as written.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import FIXTURES, SECRET, overlay_case, run_mkdocs, site_project

pytestmark = pytest.mark.build

HOSTILE = FIXTURES / "hostile"
CONTROL = '# Control\n\nThis page includes a file on purpose, to show the snippets extension is armed:\n\n--8<-- "secret.txt"\n'
# Material's own scripts: its bundle, its configuration, and three short inline ones.
BUNDLE = re.compile(r"^(?:\.\./)*(?:/atlas/)?assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js$")
# The Atlas's own scripts, shipped with the site (extra_javascript).
OWN = re.compile(r"^(?:\.\./)*(?:/atlas/)?assets/(?:catalog|compare|diagrams)\.js$")
MATERIAL_INLINE = ("__md_scope=new URL(", "var palette=__md_get(", "var target=document.getElementById(location.hash")
# The Atlas's own inline scripts, exactly as its theme overrides write them (they hold no template values).
OVERRIDES = Path(__file__).resolve().parents[1] / "docs" / "overrides"
ATLAS_INLINE = frozenset(
    match.strip() for template in sorted(OVERRIDES.rglob("*.html"))
    for match in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), flags=re.S)
)
MARKERS = ("alert(", SECRET, "javascript:", "onerror", "onload", "onclick", "onmouseover")
SEARCH_TAGS = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The hostile catalog built with mkdocs.yml's theme, plugins and extensions, and its demo-vlm data."""
    tmp = tmp_path_factory.mktemp("hostile")
    root = overlay_case(HOSTILE, tmp / "repo")
    project = site_project(tmp / "project", root, {"control.md": CONTROL})
    result = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(root)})
    assert result.returncode == 0, result.stderr[-5000:]
    data = yaml.safe_load((root / "catalog" / "models" / "demo-vlm.yaml").read_text(encoding="utf-8"))
    return project / "site", data


def pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in sorted(site.rglob("*.html"))}


def test_the_model_appears_on_the_expected_pages(hostile_site: tuple[Path, dict]) -> None:
    site, data = hostile_site
    found = sorted(path for path, page in pages(site).items() if data["name"] in page.get_text())
    assert found == [
        "benchmarks/example-qa/index.html", "benchmarks/index.html", "browse/access/index.html", "browse/kinds/index.html", "browse/modalities/index.html", "index.html", "models/base-llm/index.html", "models/demo-vlm/index.html", "models/index.html", "models/vision-enc/index.html", "organizations/example-corp/index.html",
        "organizations/example-lab/index.html", "tags/index.html", "techniques/instruction-tuning/index.html", "techniques/linear-projection/index.html",
    ]


def test_no_script_but_materials_own(hostile_site: tuple[Path, dict]) -> None:
    site, _ = hostile_site
    foreign = []
    for path, page in pages(site).items():
        for script in page.find_all("script"):
            text = script.string or ""
            own = (
                (script.get("src") and (BUNDLE.match(script["src"]) or OWN.match(script["src"])) and not text)
                or (script.get("id") == "__config" and script.get("type") == "application/json" and json.loads(text))
                or (not script.get("src") and text.startswith(MATERIAL_INLINE))
                or (not script.get("src") and text.strip() in ATLAS_INLINE)
            )
            if not own or any(marker in text for marker in MARKERS):
                foreign.append(f"{path}: {str(script)[:100]}")
    assert foreign == []


def test_the_atlas_inline_scripts_are_known_and_present(hostile_site: tuple[Path, dict]) -> None:
    site, _ = hostile_site
    found = {(script.string or "").strip() for script in pages(site)["models/demo-vlm/index.html"].find_all("script", src=False)}
    assert len(ATLAS_INLINE) == 3 and ATLAS_INLINE <= found


def test_no_event_handler_or_unsafe_url(hostile_site: tuple[Path, dict]) -> None:
    site, _ = hostile_site
    found = []
    for path, page in pages(site).items():
        for tag in page.find_all(True):
            for name, value in tag.attrs.items():
                if name.lower().startswith("on"):
                    found.append(f"{path}: <{tag.name} {name}>")
                if name in ("href", "src", "action", "formaction", "srcset", "poster", "data") and urlsplit(str(value).strip()).scheme.lower() not in ("", "http", "https"):
                    found.append(f"{path}: <{tag.name} {name}={value}>")
        for tag in page.find_all(["iframe", "object", "embed", "base", "frame"]):
            found.append(f"{path}: <{tag.name}>")
    assert found == []


def test_snippets_read_no_file_for_catalog_text(hostile_site: tuple[Path, dict]) -> None:
    site, _ = hostile_site
    holders = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes())
    # The control page includes the file on purpose (Pagefind's index pieces are compressed).
    assert holders == ["control/index.html"]


def test_catalog_text_displays_exactly_as_written(hostile_site: tuple[Path, dict]) -> None:
    site, data = hostile_site
    name, summary = data["name"], data["summary"]
    page = BeautifulSoup((site / "models" / "demo-vlm" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.title.get_text() == f"{name} - MM-LLM Atlas"
    assert page.select_one("[data-md-component=header-topic] .md-ellipsis").get_text().strip() == name
    assert page.find("meta", attrs={"name": "description"})["content"] == summary
    h1 = page.find("h1")
    assert h1.get_text().removesuffix("¶") == name
    assert h1.find_next_sibling("p").get_text() == summary  # "{{ 7*7 }}" stays as written: no template ran
    cells = {row.find_all("td")[0].get_text(): row.find_all("td")[1].get_text() for row in page.find(id="training").find_next("table").find("tbody").find_all("tr")}
    assert cells == {"Data": data["training"]["data"], "Hardware": data["training"]["hardware"]}
    notes = [row.find_all("td")[2].get_text() for row in page.find(id="sources").find_next("table").find("tbody").find_all("tr")]
    assert data["sources"]["parameters"]["note"] in notes
    paragraphs = [p.get_text() for p in page.select("div.atlas-description p")]
    assert "{{ 7*7 }} {{ config.site_name }}" in paragraphs
    assert '--8<-- "secret.txt"' in paragraphs
    assert "<script>alert(1)</script>" in paragraphs
    footnote = page.find(id="fn:examplecorp2023demo").get_text().strip()
    assert footnote.startswith('Example Corp. Introducing [x](javascript:alert(1)) : onclick="alert(1)"')
    tags = BeautifulSoup((site / "tags" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert name in [a.get_text().strip() for a in tags.select("article li a")]
    catalog = BeautifulSoup((site / "models" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert name in [a.get_text() for a in catalog.select("article table tbody td:first-child a")]


def test_search_index_holds_only_inert_markup(hostile_site: tuple[Path, dict]) -> None:
    # The model finder's index is data, not HTML: names as written, which the worker escapes
    # (tests/test_browser_xss.py renders them); the stub Material still fetches has no documents.
    site, data = hostile_site
    index = json.loads((site / "search" / "entities.json").read_text(encoding="utf-8"))
    row = next(r for r in index["rows"] if r[0] == 0 and r[2] == data["name"])
    assert row[1] in (0, "demo-vlm")
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"] == []


def test_exports_carry_the_text_as_data(hostile_site: tuple[Path, dict]) -> None:
    site, data = hostile_site
    record = {m["id"]: m for m in json.loads((site / "api" / "models.json").read_text(encoding="utf-8"))["models"]}["demo-vlm"]
    assert (record["name"], record["summary"], record["description"]) == (data["name"], data["summary"], data["description"])
    row = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "api" / "models.csv").read_text(encoding="utf-8-sig")))}["demo-vlm"]
    assert (row["name"], row["summary"], row["license"]) == (data["name"], data["summary"], data["license"])
    assert (site / "api" / "references.bib").read_bytes() == (HOSTILE / "catalog" / "references.bib").read_bytes()


# Attributes through which a page loads something by itself, without a click.
ASSET_ATTRIBUTES = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
                    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "input": ("src",)}
LINK_ASSETS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}


def foreign_assets(site: Path) -> list[str]:
    """Every asset a built page would fetch from another origin (the site must load only its own files)."""
    found = []
    for path, page in pages(site).items():
        for tag in page.find_all(True):
            names = ASSET_ATTRIBUTES.get(tag.name, ())
            if tag.name == "link" and LINK_ASSETS & set(tag.get("rel") or ()):
                names = ("href",)
            for name in names:
                for value in str(tag.get(name) or "").split(","):
                    url = urlsplit(value.strip().split(" ")[0])
                    if url.scheme or url.netloc:
                        found.append(f"{path}: <{tag.name} {name}={value.strip()!r}>")
        for style in page.find_all(style=True):
            if "url(" in style["style"]:
                found.append(f"{path}: style={style['style']!r}")
    return found


def test_no_page_loads_an_asset_from_another_origin(hostile_site: tuple[Path, dict], real_site: Path) -> None:
    # The site makes no third-party request (fonts, images, scripts): privacy, and no tracking
    # pixel from a contributor's text. Links may point anywhere; assets may not.
    assert foreign_assets(hostile_site[0]) == []
    assert foreign_assets(real_site) == []


def test_the_asset_check_catches_a_foreign_asset(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://fonts.example/css"><img src="//cdn.example/x.png">'
        '<img srcset="a.png 1x, https://cdn.example/b.png 2x"><a href="https://example.org/">fine</a>'
        '<link rel="canonical" href="https://mm-llm-atlas.github.io/atlas/"><div style="background: url(https://t.example/p)"></div>',
        encoding="utf-8")
    assert foreign_assets(tmp_path) == [
        "page.html: <link href='https://fonts.example/css'>",
        "page.html: <img src='//cdn.example/x.png'>",
        "page.html: <img srcset='https://cdn.example/b.png 2x'>",
        "page.html: style='background: url(https://t.example/p)'",
    ]
