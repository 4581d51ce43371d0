"""The themed articles keep their size and sources, and their directives render content."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas.glossary import abbreviations
from atlas.render.directives import DIRECTIVE_RE, expand
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


def _count(catalog, technique: str, years: range, kind: str | None = None) -> int:
    return sum(1 for m in catalog.models if technique in m.techniques and m.year in years and kind in (None, m.kind))


def _encoders(catalog, years: range) -> dict[str, int]:
    from collections import Counter

    from atlas.render.by_year import by_year

    chart = by_year([m for m in catalog.models if m.kind == "mm-llm"], catalog, "encoder", 9)
    total: Counter = Counter()
    for year in chart.categories:
        if int(year) in years:
            total.update(chart.values[year])
    return dict(total)


def _largest_group_each_year_is_in_words(catalog) -> bool:
    from atlas.render.by_year import IN_WORDS, by_year

    chart = by_year([m for m in catalog.models if m.kind == "mm-llm"], catalog, "encoder", 9)
    return all(chart.values[y].get(IN_WORDS, 0) == max(chart.values[y].values()) for y in chart.categories)


def _share(catalog, years: range, wanted, among=lambda m: True) -> float:
    models = [m for m in catalog.models if m.kind == "mm-llm" and m.year in years and among(m)]
    return sum(1 for m in models if wanted(m)) / len(models)


Y2023, Y2024, Y2025, LATER = range(2023, 2024), range(2024, 2025), range(2025, 2026), range(2025, 2027)
# What the articles' "What the catalog shows" sections say the data shows. Each words-only
# claim is checked against the catalog: when new entries make one false, this fails, and the
# sentence has to change with the data (the numbers in those sentences are count directives).
CLAIMS = [
    ("history", "The learned bottleneck of BLIP-2 gave way to the plain projection",
     lambda c: _count(c, "q-former", LATER, "mm-llm") < _count(c, "q-former", Y2023, "mm-llm") and _count(c, "linear-projection", LATER, "mm-llm") > _count(c, "q-former", LATER, "mm-llm")),
    ("history", "CLIP encoders dominate the 2023 releases",
     lambda c: max((v, k) for k, v in _encoders(c, Y2023).items() if k not in ("described in words", "other"))[1] == "CLIP"),
    ("history", "from 2024 on, encoders of the SigLIP family are named more often than CLIP's",
     lambda c: _encoders(c, range(2024, 2027)).get("SigLIP", 0) > _encoders(c, range(2024, 2027)).get("CLIP", 0)),
    ("history", "In every year the largest group is of entries that describe their encoder in words", _largest_group_each_year_is_in_words),
    ("tuning", "Reinforcement learning from human feedback and DPO carried the alignment of the 2023 and 2024 releases",
     lambda c: all(_count(c, "rlhf", y) + _count(c, "dpo", y) > _count(c, "reasoning-rl", y) for y in (Y2023, Y2024))),
    ("tuning", "more than any other alignment method among the 2025 releases",
     lambda c: _count(c, "reasoning-rl", Y2025) > max(_count(c, t, Y2025) for t in ("rlhf", "dpo", "constitutional-ai")) and _count(c, "reasoning-rl", Y2025) > _count(c, "reasoning-rl", Y2024)),
    ("tuning", "it is named far less often since",
     lambda c: _count(c, "lora", range(2024, 2027), "mm-llm") < _count(c, "lora", Y2023, "mm-llm")),
    ("ethics", "The closed share has grown",
     lambda c: _share(c, Y2023, lambda m: m.access.weights == "closed") < _share(c, LATER, lambda m: m.access.weights == "closed")),
    ("ethics", "open weights with closed data are now the usual pattern even among open releases",
     lambda c: _share(c, LATER, lambda m: m.access.data == "closed", lambda m: m.access.weights == "open") > 0.5
     and _share(c, LATER, lambda m: m.access.data == "open") < _share(c, Y2023, lambda m: m.access.data == "open")),
    ("tuning", "while knowledge distillation, the route by which",
     lambda c: _count(c, "knowledge-distillation", Y2025, "mm-llm") > _count(c, "knowledge-distillation", Y2023, "mm-llm")),
]


@pytest.mark.parametrize("name, phrase, holds", CLAIMS, ids=[f"{name}: {phrase[:40]}" for name, phrase, _ in CLAIMS])
def test_what_the_articles_say_the_data_shows_holds(name: str, phrase: str, holds, catalog) -> None:
    text = " ".join((ROOT / "docs" / "articles" / f"{name}.md").read_text(encoding="utf-8").split())
    assert phrase in text, f"the claim is no longer in {name}.md; update CLAIMS"
    assert holds(catalog), f"{name}.md says {phrase!r}, and the catalog no longer shows it"


@pytest.mark.parametrize("name", ["history", "tuning", "ethics", "open-vs-proprietary"])
def test_each_article_embeds_two_live_views_of_the_data(name: str, catalog) -> None:
    text = (ROOT / "docs" / "articles" / f"{name}.md").read_text(encoding="utf-8")
    views = [m.group("body") for m in DIRECTIVE_RE.finditer(text) if m.group("body").startswith(("by-year", "open-closed"))]
    assert len(views) >= 2
    rendered = expand(text, catalog, f"articles/{name}.md")
    assert rendered.count('<figure class="atlas-figure atlas-figure--chart"') >= 2
