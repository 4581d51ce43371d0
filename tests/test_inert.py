"""Catalog text is inert in every renderer, whether or not validation let it through.

Each payload of tests/fixtures/xss_payloads.txt is put in every free-text field of one
model, organization and technique (bypassing validation). The generated Markdown is then
converted with the site's own Markdown extensions (from mkdocs.yml, snippets armed with a
secret file) and the HTML is parsed: no active element, no event handler, no link other than
http(s) or a relative one, no included file, no evaluated template, and the text displays
exactly as written.
"""
from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
from typing import Any, Callable
from urllib.parse import urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data

from atlas.records import Catalog, Lineage, Result, Source, Training, Variant
from atlas.render.description import ALLOWED_TAGS, to_html
from atlas.render.directives import expand
from atlas.render.escape import UnsafeValue, script_json
from atlas.render.exports import models_csv, models_json
from atlas.render.index_pages import models_index, organization_page, organizations_index, technique_page, techniques_index
from atlas.render.model_page import cite_entry, model_page
from atlas.pipeline import load_catalog
from conftest import FIXTURES, ROOT, SECRET, VALID, site_config

PAYLOADS = [line for line in (FIXTURES / "xss_payloads.txt").read_text(encoding="utf-8").splitlines() if line]
SITE_URL = "https://example.org/atlas/"
ACTIVE_TAGS = ["script", "iframe", "object", "embed", "style", "img", "svg", "math", "base", "meta", "link", "form", "input", "textarea", "details", "video", "audio"]


@pytest.fixture(scope="module")
def site_markdown(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], BeautifulSoup]:
    """Markdown -> parsed HTML with the extensions and settings of mkdocs.yml."""
    base = tmp_path_factory.mktemp("snippets")
    (base / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    config = site_config()
    names, settings = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        settings[name] = dict(options or {})
    # The site does not use snippets; arm them anyway, so catalog text is shown to stay
    # inert even if a later change turns them on.
    if "pymdownx.snippets" not in names:
        names.append("pymdownx.snippets")
        settings["pymdownx.snippets"] = {}
    settings["pymdownx.snippets"]["base_path"] = [str(base), str(ROOT)]
    converter = markdown.Markdown(extensions=names, extension_configs=settings)
    # The converter is armed: a snippet line of the site's own pages does include the file.
    assert SECRET in converter.convert('--8<-- "secret.txt"')

    def convert(text: str) -> BeautifulSoup:
        converter.reset()
        return BeautifulSoup(converter.convert(text), "html.parser")

    return convert


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded, problems = load_catalog(VALID)
    assert problems == []
    return loaded


def hostile(catalog: Catalog, payload: str) -> Catalog:
    """The fixture catalog with ``payload`` in every free-text field of demo-vlm, example-corp and linear-projection."""
    demo = dataclasses.replace(
        catalog.model("demo-vlm"),
        name=payload,
        aliases=(payload,),
        summary=payload,
        description=payload,
        license=payload,
        training=Training(data=payload, tokens="1T", hardware=payload),
        parts=(("modality_encoder", ("vision-enc",)), ("input_projector", (payload,))),
        variants=(Variant(name=payload, parameters="1B"),),
        results=(Result("example-qa", "test", 1.0, payload, "examplecorp2023demo", setting=payload, checkpoint=payload),),
        sources=(Source("released", "examplecorp2023demo", payload),),
    )
    organizations = {**catalog.organizations, "example-corp": dataclasses.replace(catalog.organizations["example-corp"], name=payload, country=payload)}
    techniques = {**catalog.techniques, "linear-projection": dataclasses.replace(catalog.techniques["linear-projection"], name=payload, summary=payload, aliases=(payload,))}
    models = tuple(demo if model.id == "demo-vlm" else model for model in catalog.models)
    return dataclasses.replace(catalog, models=models, organizations=organizations, techniques=techniques, lineage=Lineage.of(models))


def text(element: Any) -> str:
    """Displayed text of an element, without the headings' permalink sign."""
    return element.get_text().removesuffix("¶")


# Diagrams the renderers draw themselves; their insides are checked below like the rest.
OWN_SVG_CLASSES = {"atlas-lineage", "atlas-timeline", "atlas-timeline__lanes", "atlas-key", "atlas-chart", "atlas-diagram"}


def _own_svg(tag: BeautifulSoup) -> bool:
    return tag.name == "svg" and bool(OWN_SVG_CLASSES & set(tag.get("class") or []))


# The catalog table's own filter form (atlas.render.catalog_table): fixed fields, no action.
FILTER_INPUTS = {
    "q": "search", "orgq": "search", "pmin": "number", "pmax": "number", "from": "number", "to": "number",
    "kind": "checkbox", "modality": "checkbox", "weights": "checkbox", "org": "checkbox", "col": "checkbox",
}
FILTER_DISCLOSURES = {"atlas-choice", "atlas-filters__more"}


# The timeline's kind filter (atlas.render.timeline): checkboxes only.
OWN_FORMS = {("atlas-filters", "atlas-catalog"): FILTER_INPUTS, ("atlas-timeline__filter", "atlas-timeline-view"): {"kind": "checkbox"}}


def _own_control(tag: BeautifulSoup) -> bool:
    form = tag if tag.name == "form" else tag.find_parent("form")
    if form is None:
        return False
    inputs = OWN_FORMS.get((" ".join(form.get("class") or []), " ".join(form.parent.get("class") or [])))
    if inputs is None:
        return False
    if tag.name == "form":
        return not ({"action", "method", "target"} & set(tag.attrs))
    if tag.name == "details":
        return bool(FILTER_DISCLOSURES & set(tag.get("class") or [])) and not any(name.startswith("on") for name in tag.attrs)
    return tag.name == "input" and inputs.get(tag.get("name")) == tag.get("type")


def assert_inert(page: BeautifulSoup) -> None:
    """Nothing in ``page`` can run, load, navigate off http(s), or came from a file."""
    own = [tag for tag in page.find_all("svg") if _own_svg(tag)]
    for svg in own:
        assert svg.find_all(["script", "foreignobject", "foreignObject", "iframe", "image", "use"]) == []
    assert [str(tag)[:80] for tag in page.find_all(ACTIVE_TAGS) if not (_own_svg(tag) or _own_control(tag))] == []
    handlers = [(tag.name, name) for tag in page.find_all(True) for name in tag.attrs if name.lower().startswith("on")]
    assert handlers == []
    for tag in page.find_all(True):
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if tag.get(name) is not None:
                assert urlsplit(tag[name]).scheme in ("", "http", "https"), (tag.name, tag[name])
                assert not tag[name].startswith("//"), tag[name]
    assert SECRET not in str(page)


def cells(page: BeautifulSoup, heading: str) -> list[list[BeautifulSoup]]:
    """The body cells of the table following the heading with id ``heading``."""
    table = page.find(id=heading).find_next("table")
    return [row.find_all("td") for row in table.find("tbody").find_all("tr")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_model_page_is_inert_and_shows_text_as_written(payload: str, catalog: Catalog, site_markdown: Callable[[str], BeautifulSoup]) -> None:
    evil = hostile(catalog, payload)
    model = evil.model("demo-vlm")
    source, meta = get_data(model_page(model, evil, SITE_URL, "2026"))
    page = site_markdown(source)
    assert_inert(page)
    assert meta["title"] == html.escape(payload, quote=True)
    assert meta["description"] == html.escape(payload, quote=True)
    assert text(page.find("h1")) == payload
    assert text(page.find("h1").find_next_sibling("p")) == payload
    infobox = {row.th.get_text(): row.td for row in page.select("table.atlas-infobox tr")}
    assert text(infobox["Licence"]) == payload
    assert [text(a) for a in infobox["Organizations"].find_all("a")] == [payload, "Example Lab"]
    assert [[text(c) for c in row] for row in cells(page, "architecture")] == [["Modality encoder", "Vision Enc"], ["Input projector", payload]]
    assert [text(c) for c in cells(page, "variants")[0]] == [payload, "1B", "–", "–"]
    assert [[text(c) for c in row] for row in cells(page, "training")] == [["Data", payload], ["Tokens", "1T"], ["Hardware", payload]]
    assert [text(c) for c in cells(page, "results")[0]][:7] == ["ExampleQA", "test", "1", "only result", payload, payload, payload]
    assert [[text(c) for c in row] for row in cells(page, "sources")][1] == ["Release date", "Example Corp 2023 [@examplecorp2023demo]", payload]
    assert [text(li) for li in page.find(id="techniques").find_next("ul").find_all("li")][0] == f"{payload}: {payload}"
    assert page.find(id="cite-this-entry").find_next("code").get_text().strip() == cite_entry(model, SITE_URL, "2026")
    # A payload that is only a link definition ("[^x]: ...") renders to nothing, and then
    # the page has no Overview; otherwise the description holds allowed tags only.
    description = page.select_one("div.atlas-description")
    assert (description is None) == (to_html(payload) == "")
    assert description is None or {tag.name for tag in description.find_all(True)} <= ALLOWED_TAGS


@pytest.mark.parametrize("payload", PAYLOADS)
def test_index_pages_and_directives_are_inert(payload: str, catalog: Catalog, site_markdown: Callable[[str], BeautifulSoup]) -> None:
    evil = hostile(catalog, payload)
    pages = {
        "models/index.md": models_index(evil),
        "organizations/index.md": organizations_index(evil),
        "organizations/example-corp.md": organization_page("example-corp", evil),
        "techniques/index.md": techniques_index(evil),
        "techniques/linear-projection.md": technique_page("linear-projection", evil),
        "index.md": expand("# Home\n\n<!-- atlas: models columns=name,organizations,license,summary -->\n\n<!-- atlas: licenses -->\n\n<!-- atlas: stats -->\n", evil, "index.md"),
    }
    soups = {}
    for path, content in pages.items():
        source, meta = get_data(content)
        soups[path] = site_markdown(source)
        assert_inert(soups[path])
        assert meta.get("title", "") in ("", "Model catalog", "Organizations", "Techniques", html.escape(payload, quote=True)), path
    assert payload in [text(a) for a in soups["models/index.md"].select("tbody tr td:first-child a")]
    assert [text(a) for a in soups["organizations/index.md"].select("tbody td:first-child a")] == sorted(["Example Lab", payload], key=str.casefold)
    assert text(soups["organizations/example-corp.md"].find("h1")) == payload
    assert text(soups["techniques/linear-projection.md"].find("h1")) == payload
    assert text(soups["techniques/linear-projection.md"].find("h1").find_next_sibling("p")) == payload
    rows = [[text(c) for c in row.find_all("td")] for row in soups["index.md"].find("table").find("tbody").find_all("tr")]
    assert [payload, f"{payload}, Example Lab", payload, payload] in rows
    licences = [[text(c) for c in row.find_all("td")][0] for row in soups["index.md"].find_all("table")[1].find("tbody").find_all("tr")]
    assert payload in licences
    assert soups["index.md"].find_all("p")[-1].get_text() == f"Newest entry by release date: {payload} (2023-03-14)."


@pytest.mark.parametrize("payload", PAYLOADS)
def test_exports_carry_text_as_data(payload: str, catalog: Catalog) -> None:
    evil = hostile(catalog, payload)
    record = {m["id"]: m for m in json.loads(models_json(evil, SITE_URL))["models"]}["demo-vlm"]
    assert (record["name"], record["summary"], record["description"], record["license"], record["aliases"]) == (payload, payload, payload, payload, [payload])
    assert record["training"]["data"] == payload and record["results"][0]["setting"] == payload and record["results"][0]["checkpoint"] == payload
    row = {r["id"]: r for r in csv.DictReader(io.StringIO(models_csv(evil, SITE_URL).removeprefix("\ufeff")))}["demo-vlm"]
    shown = "'" + payload if payload.startswith(("=", "+", "-", "@", "\t", "\r")) else payload
    assert (row["name"], row["summary"], row["license"]) == (shown, shown, shown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_description_allows_only_the_documented_markdown(payload: str, site_markdown: Callable[[str], BeautifulSoup]) -> None:
    rendered = BeautifulSoup(to_html(payload + "\n\n[ok](https://example.com/) and *emphasis*"), "html.parser")
    assert {tag.name for tag in rendered.find_all(True)} <= ALLOWED_TAGS
    hrefs = [a["href"] for a in rendered.find_all("a") if a.get("href")]
    assert hrefs[-1] == "https://example.com/"
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    assert_inert(rendered)


def test_links_outside_http_are_refused_by_the_renderers(catalog: Catalog) -> None:
    demo = dataclasses.replace(catalog.model("demo-vlm"), links=(("website", "javascript:alert(1)"),))
    evil = dataclasses.replace(catalog, models=tuple(demo if m.id == "demo-vlm" else m for m in catalog.models))
    with pytest.raises(UnsafeValue, match=r"refusing to link to 'javascript:alert\(1\)': only http:// and https:// URLs are rendered"):
        model_page(demo, evil, SITE_URL, "2026")
    cited = dataclasses.replace(catalog.model("vision-enc"), references=("x](javascript:alert(1))",))
    with pytest.raises(UnsafeValue, match="not a BibTeX key"):
        model_page(cited, catalog, SITE_URL, "2026")
    org = {**catalog.organizations, "example-lab": dataclasses.replace(catalog.organizations["example-lab"], website="data:text/html,x")}
    with pytest.raises(UnsafeValue, match="refusing to link to 'data:text/html,x'"):
        organization_page("example-lab", dataclasses.replace(catalog, organizations=org))


def test_cite_block_fence_outgrows_backticks_in_the_name(catalog: Catalog, site_markdown: Callable[[str], BeautifulSoup]) -> None:
    evil = hostile(catalog, "Demo ``` <script>alert(1)</script> ````")
    page = site_markdown(get_data(model_page(evil.model("demo-vlm"), evil, SITE_URL, "2026"))[0])
    assert_inert(page)
    assert page.find(id="cite-this-entry").find_next("code").get_text().strip() == cite_entry(evil.model("demo-vlm"), SITE_URL, "2026")


def test_script_json_cannot_close_its_element() -> None:
    data = {"name": "</script><script>alert(1)</script>", "sep": "\u2028\u2029", "amp": "&"}
    text = str(script_json(data))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data
