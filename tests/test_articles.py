"""The themed articles keep their size and sources, and their directives render content."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas.glossary import abbreviations
from atlas.render.directives import DIRECTIVE_RE, expand
from atlas.pipeline import load_catalog
from conftest import ROOT

ARTICLES = ("history", "tuning", "ethics", "open-vs-proprietary", "applications")
MIN_WORDS = 1500
MIN_CITATIONS = 12
CITE_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_:-]*)")
CITE_BLOCK_RE = re.compile(r"\[@[^\]]+\]")


def prose(markdown: str) -> str:
    """The article's own words: no front matter, code, directives, tables, citations or markup."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = DIRECTIVE_RE.sub("", text)
    text = CITE_BLOCK_RE.sub("", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    return re.sub(r"[#*_`>\[\]()!]", " ", text)


@pytest.fixture(scope="module")
def catalog():
    loaded, problems = load_catalog(ROOT)
    assert problems == []
    return loaded


@pytest.mark.parametrize("name", ARTICLES)
def test_article_keeps_its_length_and_sources(name: str) -> None:
    text = (ROOT / "docs" / "articles" / f"{name}.md").read_text(encoding="utf-8")
    words = len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", prose(text)))
    cited = {key for block in CITE_BLOCK_RE.findall(text) for key in CITE_RE.findall(block)}
    assert words >= MIN_WORDS, f"{name}.md has {words} words of prose; the floor is {MIN_WORDS}"
    assert len(cited) >= MIN_CITATIONS, f"{name}.md cites {len(cited)} distinct references; the floor is {MIN_CITATIONS}"


@pytest.mark.parametrize("name", ARTICLES)
def test_article_directives_render_content(name: str, catalog) -> None:
    here = f"articles/{name}.md"
    text = (ROOT / "docs" / here).read_text(encoding="utf-8")
    found = DIRECTIVE_RE.findall(text)
    assert found, f"{name}.md embeds no live catalog data"
    for match in DIRECTIVE_RE.finditer(text):
        rendered = expand(match.group(0), catalog, here)
        assert rendered.strip(), f"{match.group(0)} rendered nothing"
        if match.group("body").startswith("count"):
            assert rendered.isdigit()
        else:
            assert len(rendered) > 40, f"{match.group(0)} rendered almost nothing: {rendered!r}"


def test_home_page_counts_are_generated(catalog) -> None:
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "<!-- atlas: stats -->" in home
    stats = expand("<!-- atlas: stats -->", catalog, "index.md")
    assert f"**{len(catalog.models)}**" in stats
    assert not re.search(rf"\b{len(catalog.models)}\b", DIRECTIVE_RE.sub("", home)), "the home page types the model count by hand"


def test_glossary_feeds_the_abbreviations() -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = re.findall(r"^([^\s:][^\n]*)\n:   ", glossary, flags=re.M)
    assert len(terms) >= 40
    found = abbreviations(glossary)
    assert len(found) >= 40
    assert found["CLIP"].startswith("Contrastive Language-Image Pre-training: ")
    assert found["CoT"].startswith("Chain-of-thought prompting: ")
    assert all(text and "[" not in text and '"' not in text for text in found.values())


@pytest.mark.build
def test_abbreviations_become_hover_definitions(real_site: Path) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((real_site / "articles" / "tuning" / "index.html").read_text(encoding="utf-8"), "html.parser")
    titles = {abbr.get_text(): abbr["title"] for abbr in page.select("article abbr")}
    assert "LoRA" in titles and titles["LoRA"]
