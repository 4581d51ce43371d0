"""Site builds: a small fixture site, failure behaviour, and the real catalog with --strict."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import INVALID, ROOT, VALID, overlay_case, run_mkdocs

pytestmark = pytest.mark.build

SMOKE_CONFIG = """\
site_name: Atlas fixture
site_url: https://example.org/atlas/
edit_uri: https://github.com/example/atlas/edit/main/docs/
theme:
  name: material
  font: false
  features: [content.action.edit]
hooks:
  - {hooks}
plugins:
  - search
  - bibtex:
      bib_file: {bib}
      enable_inline_citations: false
markdown_extensions: [tables, footnotes, attr_list, admonition]
"""
SMOKE_INDEX = """\
# Fixture

There are <!-- atlas: count weights=open --> models with open weights.

<!-- atlas: models kind=mm-llm -->

```
<!-- atlas: not-expanded-inside-code -->
```
"""


def smoke_project(tmp_path: Path, catalog_root: Path, index: str = SMOKE_INDEX) -> Path:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text(index, encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        SMOKE_CONFIG.format(hooks=ROOT / "hooks" / "main.py", bib=catalog_root / "catalog" / "references.bib"), encoding="utf-8"
    )
    return project


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_smoke_build_of_the_fixture_catalog(tmp_path: Path) -> None:
    project = smoke_project(tmp_path, VALID)
    result = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(VALID)})
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for page in ("models/index.html", "models/base-llm/index.html", "models/demo-vlm/index.html", "organizations/example-lab/index.html", "techniques/linear-projection/index.html"):
        assert (site / page).is_file(), page
    index = soup(site / "index.html")
    paragraph = index.find("h1").find_next("p")
    assert paragraph.get_text(" ", strip=True) == "There are 2 models with open weights."
    rows = index.select("article table tbody tr")
    assert [row.find("a").get_text() for row in rows] == ["Demo-VLM"]
    assert index.find("code").get_text().strip() == "<!-- atlas: not-expanded-inside-code -->"


def test_directive_errors_stop_the_build(tmp_path: Path) -> None:
    project = smoke_project(tmp_path, VALID, "# X\n\n<!-- atlas: models kind=robot -->\n")
    result = run_mkdocs(["build"], project, {"ATLAS_ROOT": str(VALID)})
    assert result.returncode == 1
    assert "docs/index.md: <!-- atlas: models kind=robot -->: unknown kind 'robot'; allowed:" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_catalog_fails_with_validator_messages_and_no_site(tmp_path: Path) -> None:
    case = INVALID / "unknown-bibkey"
    root = overlay_case(case, tmp_path / "repo")
    project = smoke_project(tmp_path, root)
    result = run_mkdocs(["build"], project, {"ATLAS_ROOT": str(root)})
    assert result.returncode == 1
    for line in (case / "expected.txt").read_text().splitlines():
        assert line in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_broken_catalog_leaves_a_previous_site_untouched(tmp_path: Path) -> None:
    project = smoke_project(tmp_path, VALID)
    assert run_mkdocs(["build"], project, {"ATLAS_ROOT": str(VALID)}).returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    root = overlay_case(INVALID / "lineage-cycle", tmp_path / "repo")
    result = run_mkdocs(["build"], project, {"ATLAS_ROOT": str(root)})
    assert result.returncode == 1
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


# --- the real catalog -------------------------------------------------------------

def test_every_yaml_file_has_a_page_and_an_export(real_site: Path, catalog) -> None:
    ids = sorted(p.stem for p in (ROOT / "catalog" / "models").glob("*.yaml"))
    exported = json.loads((real_site / "api" / "models.json").read_text(encoding="utf-8"))
    assert [m["id"] for m in exported["models"]] == ids
    assert exported["count"] == len(ids)
    for model_id in ids:
        assert (real_site / "models" / model_id / "index.html").is_file(), model_id


def test_models_json_matches_the_catalog(real_site: Path, catalog) -> None:
    exported = {m["id"]: m for m in json.loads((real_site / "api" / "models.json").read_text())["models"]}
    for model in catalog.models:
        record = exported[model.id]
        assert record["name"] == model.name
        assert record["released"] == model.released
        assert record["parameters"] == model.parameter_count
        assert record["built_on"] == list(model.built_on)
        assert record["used_by"] == list(model.used_by)
        assert record["access"]["weights"] == model.access.weights
        assert record["url"] == f"https://mm-llm-atlas.github.io/atlas/models/{model.id}/"
    llava = exported["llava"]
    assert llava["parameters"] == 13_000_000_000 and llava["parameters_text"] == "13B"


def test_models_csv_matches_the_catalog(real_site: Path, catalog) -> None:
    rows = list(csv.DictReader(io.StringIO((real_site / "api" / "models.csv").read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == sorted(m.id for m in catalog.models)
    by_id = {r["id"]: r for r in rows}
    for model in catalog.models:
        assert by_id[model.id]["name"] == model.name
        assert by_id[model.id]["organizations"] == ";".join(model.organizations)


def test_other_exports_are_published(real_site: Path) -> None:
    assert (real_site / "api" / "references.bib").read_bytes() == (ROOT / "catalog" / "references.bib").read_bytes()
    schema = json.loads((real_site / "schema" / "model.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_model_page_html(real_site: Path, catalog) -> None:
    model = catalog.model("llava")
    page_path = real_site / "models" / "llava" / "index.html"
    page = soup(page_path)
    assert page.find("h1").get_text(strip=True).rstrip("¶") == "LLaVA"
    infobox = {row.th.get_text(strip=True): row.td for row in page.select("table.atlas-infobox tr")}
    assert infobox["Released"].get_text() == "April 2023"
    assert infobox["Parameters"].get_text() == "13B"
    assert infobox["Kind"].get_text() == "MM-LLM"
    assert infobox["Input"].get_text() == "text, image"
    assert [a.get_text() for a in infobox["Organizations"].find_all("a")] == [catalog.organizations[o].name for o in model.organizations]
    assert infobox["Weights"].get_text() == "open"
    assert infobox["API"].get_text() == "no"
    assert [a.get_text() for a in infobox["Links"].find_all("a")] == [name for name, _ in model.links]
    # Organization links in the infobox resolve to generated pages.
    for link in infobox["Organizations"].find_all("a"):
        assert (page_path.parent / link["href"] / "index.html").resolve().is_file()
    # Lineage in both directions, each link resolving to a page.
    paragraphs = {p.strong.get_text(): p for p in page.find(id="lineage").find_next_siblings("p", limit=8) if p.strong}
    built_on = [a.get_text() for a in paragraphs["Built on:"].find_all("a")]
    assert built_on == [catalog.model(m).name for m in model.built_on]
    used_by = [a["href"] for a in paragraphs["Used by:"].find_all("a")]
    assert len(used_by) == len(model.used_by) > 0
    assert [a.get_text() for a in paragraphs["Next version:"].find_all("a")] == [catalog.model(m).name for m in model.successors] == ["LLaVA-1.5"]
    for href in [a["href"] for a in paragraphs["Built on:"].find_all("a")] + used_by:
        assert (page_path.parent / href / "index.html").resolve().is_file(), href
    # Citations rendered by mkdocs-bibtex, with a reference list.
    footnotes = page.select("div.footnote li")
    assert footnotes and any("visual instruction tuning" in li.get_text().lower() for li in footnotes)
    assert page.select_one("div.footnote")["data-search-exclude"] == ""
    # Cite this entry, and the edit link that opens the YAML file.
    bibtex = page.find(id="cite-this-entry").find_next("code").get_text()
    assert bibtex.startswith("@misc{atlas:llava,") and "primary source: liu2023llava" in bibtex
    edit = page.select_one("a.md-content__button[href*='edit']")
    assert edit["href"] == "https://github.com/mm-llm-atlas/atlas/edit/main/catalog/models/llava.yaml"


def test_all_internal_links_resolve_on_generated_pages(real_site: Path) -> None:
    broken = []
    for page in [real_site / "models" / "index.html", *sorted((real_site / "models").glob("*/index.html"))[:40]]:
        for anchor in soup(page).select("article a[href]"):
            href = anchor["href"]
            if urlparse(href).scheme or href.startswith(("#", "mailto:")):
                continue
            target = urlparse(urljoin(page.relative_to(real_site).as_posix(), href)).path
            path = real_site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{page.relative_to(real_site)} -> {href}")
    assert broken == []


def test_no_third_party_assets(real_site: Path) -> None:
    offenders = []
    for page in [real_site / "index.html", real_site / "models" / "llava" / "index.html", real_site / "articles" / "history" / "index.html"]:
        html = soup(page)
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in html.find_all(tag):
                value = element.get(attribute)
                if value and urlparse(value).scheme in ("http", "https") and not (tag == "link" and element.get("rel") == ["canonical"]):
                    offenders.append(f"{page.name}: <{tag} {attribute}={value}>")
    assert offenders == []


def test_model_pages_are_not_in_the_navigation(real_site: Path) -> None:
    nav_links = [a["href"] for a in soup(real_site / "index.html").select("nav.md-nav--primary a[href]")]
    assert not any("models/llava" in href for href in nav_links)
    assert any(href.rstrip("/").endswith("models") for href in nav_links)


def test_site_wide_abbreviations_reach_generated_pages(real_site: Path) -> None:
    abbreviations = {abbr.get_text(): abbr["title"] for abbr in soup(real_site / "models" / "llava" / "index.html").select("article abbr")}
    assert abbreviations["CLIP"] == "Contrastive Language-Image Pre-training: A pair of image and text encoders trained together so that matching images and captions end up close in a shared embedding space."


def test_glossary_terms_can_be_linked_to(real_site: Path) -> None:
    page = soup(real_site / "glossary" / "index.html")
    terms = page.select("article dl > dt")
    assert len(terms) > 40 and all(term.get("id") for term in terms)
    ids = [element["id"] for element in page.select("[id]")]
    assert len(ids) == len(set(ids))
    cot = page.find(id="chain-of-thought-prompting")
    assert cot.name == "dt" and cot.select_one("a.headerlink")["href"] == "#chain-of-thought-prompting"
    assert page.find(id="cot").parent is cot  # the short form links to the same term
    assert page.find(id="clip").name == "dt" and page.find(id="lora").name == "dt"


def test_pages_unfurl_with_open_graph_and_twitter_tags(real_site: Path, catalog) -> None:
    def meta(page: BeautifulSoup, key: str) -> str:
        tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
        return tag["content"]

    llava = next(model for model in catalog.models if model.id == "llava")
    model = soup(real_site / "models" / "llava" / "index.html")
    assert meta(model, "og:title") == meta(model, "twitter:title") == "LLaVA"
    assert meta(model, "og:description") == meta(model, "twitter:description") == meta(model, "description") == llava.summary
    assert meta(model, "og:url") == "https://mm-llm-atlas.github.io/atlas/models/llava/"
    assert meta(model, "og:type") == "article" and meta(model, "twitter:card") == "summary"
    home = soup(real_site / "index.html")
    assert meta(home, "og:type") == "website" and meta(home, "og:description") == meta(home, "description")
    timeline = soup(real_site / "timeline" / "index.html")
    assert meta(timeline, "og:title") == "Timeline"


def test_the_404_page_offers_search_and_ways_back(real_site: Path) -> None:
    page = soup(real_site / "404.html")
    assert page.h1.get_text() == "Page not found"
    form = page.select_one("form.atlas-404__search")
    assert form["method"] == "get" and form["action"].endswith("/models/")
    assert form.select_one("input")["name"] == "q" and page.find("label", attrs={"for": "atlas-404-q"})
    links = {a.get_text() for a in page.select("ul.atlas-404__links a")}
    assert {"Home", "All models", "Organizations", "Benchmarks", "Timeline", "Glossary"} <= links


def test_accessibility_fixes_are_in_the_pages(real_site: Path) -> None:
    page = soup(real_site / "models" / "llava" / "index.html")
    assert page.select_one("div.md-search[role=dialog]")["aria-label"] == "Search"
    assert [link["href"] for link in page.find_all("link", rel="stylesheet") if "atlas" in link["href"]] == ["../../assets/atlas.css", "../../assets/atlas-search.css"]
    css = (real_site / "assets" / "atlas.css").read_text(encoding="utf-8")
    assert ".md-typeset :is(p, li, td, dd) > a:not(.headerlink) {\n  text-decoration: underline;" in css


def test_catalog_filter_form_comes_with_the_page(real_site: Path, catalog) -> None:
    page = soup(real_site / "models" / "index.html")
    form = page.select_one("div.atlas-catalog > form.atlas-filters[role=search]")
    # The choices are exactly those the catalog offers, so the script only has to wire them.
    def values(name: str) -> set[str]:
        return {box["value"] for box in form.select(f"input[type=checkbox][name={name}]")}
    def counts(name: str) -> dict[str, int]:
        return {span["data-value"]: int(span.get_text()) for span in form.select(f"details[data-name={name}] .atlas-choice__count")}
    assert values("kind") == {m.kind for m in catalog.models}
    assert values("modality") == {x for m in catalog.models for x in m.modalities}
    assert values("weights") == {"open", "restricted", "closed"}
    assert counts("weights") == {w: sum(1 for m in catalog.models if m.access.weights == w) for w in ("open", "restricted", "closed")}
    # Organizations are listed with their parents, and a parent counts its units' models.
    parents = {o.parent for o in catalog.organizations.values() if o.parent}
    assert values("org") == {o for m in catalog.models for o in m.organizations} | (parents & values("org"))
    google = {m.id for m in catalog.models if any(o == "google" or catalog.organizations[o].parent == "google" for o in m.organizations)}
    assert counts("org")["google"] == len(google) and len(google) > counts("org").get("google-deepmind", 0) > 0
    options = form.select("details[data-name=org] .atlas-choice__option")
    at = next(i for i, label in enumerate(options) if label.input["value"] == "google")
    assert options[at].get_text(" ", strip=True).startswith("Google (all)")
    units = sorted((o for o in catalog.organizations.values() if o.parent == "google" and o.id in values("org")), key=lambda o: o.name.casefold())
    assert [label.input["value"] for label in options[at + 1 : at + 1 + len(units)]] == [o.id for o in units]
    assert all("atlas-choice__option--depth1" in label["class"] for label in options[at + 1 : at + 1 + len(units)])
    years = sorted(m.year for m in catalog.models)
    assert (form.select_one("input[name=from]")["min"], form.select_one("input[name=to]")["max"]) == (str(years[0]), str(years[-1]))
    assert [i["name"] for i in form.select("input:not([type=checkbox]), select")] == ["q", "orgq", "pmin", "pmax", "from", "to", "score"]
    assert page.select_one("div.atlas-catalog p.atlas-filters__status").get_text() == f"Showing {len(catalog.models)} of {len(catalog.models)} models."
    # Every extra column the form offers is published, with a cell for the models that have the fact.
    for box in form.select("input[name=col]"):
        column = json.loads((real_site / "api" / "columns" / f"{box['value']}.json").read_text(encoding="utf-8"))
        assert set(column) <= {m.id for m in catalog.models}
    licences = json.loads((real_site / "api" / "columns" / "license.json").read_text(encoding="utf-8"))
    assert licences == {m.id: [m.license, m.license.casefold()] for m in catalog.models if m.license}
    for option in form.select("select[name=score] option[value]"):
        if option["value"]:
            scores = json.loads((real_site / "api" / "columns" / f"score-{option['value']}.json").read_text(encoding="utf-8"))
            assert option.get_text().endswith(f", {len(scores)} models") and len(scores) >= 3


def test_pages_defer_their_scripts_and_hold_the_search_index(real_site: Path) -> None:
    page = soup(real_site / "models" / "llava" / "index.html")
    external = [(s["src"], s.has_attr("defer")) for s in page.find_all("script", src=True)]
    assert [src.rsplit("/", 1)[-1].split(".")[0] for src, _ in external] == ["bundle", "catalog", "compare", "diagrams"]
    assert all(deferred for _, deferred in external)
    # The search-on-demand script runs before the bundle, so it sees the bundle's requests.
    scripts = page.find_all("script")
    holder = next(i for i, s in enumerate(scripts) if "search_index" in s.get_text())
    assert holder < next(i for i, s in enumerate(scripts) if "bundle" in s.get("src", ""))
    # Material's palette component is replaced by the Atlas's (see partials/palette.html).
    assert page.select("[data-md-component=palette]") == [] and len(page.select("form[data-atlas-palette] input[name=__palette]")) == 2


def test_instant_navigation_stays_off() -> None:
    from conftest import site_config

    # partials/search-on-demand.html never sends the sitemap request that instant navigation
    # waits for, so with the feature on, every click would fall back to a full page load.
    assert "navigation.instant" not in site_config()["theme"]["features"]
