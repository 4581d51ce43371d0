"""Each shim in atlas.shims, held against the upstream behaviour it patches: the output stays the same."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from atlas.bibliography import formatted_text, read_bibliography
from atlas.shims import bibtex
from conftest import ROOT, VALID


@pytest.fixture
def stock_parse():
    """mkdocs-bibtex's own parse_file, put back after the test."""
    import mkdocs_bibtex.registry as registry

    original = getattr(registry.parse_file, "__wrapped__", registry.parse_file)
    yield original
    registry.parse_file = original


def test_mkdocs_bibtex_gets_the_catalog_entries_for_the_catalog_file_only(tmp_path: Path, stock_parse) -> None:
    import mkdocs_bibtex.registry

    bib = ROOT / "catalog" / "references.bib"
    references, problems = read_bibliography(bib.read_bytes(), "references.bib")
    assert problems == []
    stock = stock_parse(str(bib))
    bibtex.share_parse(bib, references)
    shared = mkdocs_bibtex.registry.parse_file(str(bib))
    assert list(shared.entries) == list(stock.entries)
    for key, entry in stock.entries.items():
        assert shared.entries[key].type == entry.type
        assert {k.lower(): v for k, v in shared.entries[key].fields.items()} == {k.lower(): v for k, v in entry.fields.items()}  # pybtex ignores case in field names
    other = tmp_path / "other.bib"
    other.write_text("@misc{solo, title = {Solo}, year = {2020}}\n", encoding="utf-8")
    assert list(mkdocs_bibtex.registry.parse_file(str(other)).entries) == ["solo"]  # a different file is parsed normally


def test_mkdocs_bibtex_reference_texts_are_word_for_word_its_own(stock_parse) -> None:
    import mkdocs_bibtex.registry

    bib = ROOT / "catalog" / "references.bib"
    references, _ = read_bibliography(bib.read_bytes(), "references.bib")
    stock_registry = mkdocs_bibtex.registry.SimpleRegistry([str(bib)])
    stock = {key: stock_registry.reference_text(SimpleNamespace(key=key)) for key in references}
    bibtex.share_parse(bib, references)
    registry = mkdocs_bibtex.registry.SimpleRegistry([str(bib)])
    memo: dict[str, str] = {}
    bibtex.share_formatting(SimpleNamespace(plugins={"bibtex": SimpleNamespace(registry=registry)}), references, memo)
    shared = {key: registry.reference_text(SimpleNamespace(key=key)) for key in references}
    assert shared == stock
    assert len(stock) > 150 and len(memo) == len(stock)
    assert registry.reference_text(SimpleNamespace(key=next(iter(references)).upper())) == next(iter(stock.values()))  # keys ignore case


def test_formatted_text_formats_each_entry_once_and_a_changed_entry_afresh() -> None:
    references, _ = read_bibliography((VALID / "catalog" / "references.bib").read_bytes(), "references.bib")
    reference = next(iter(references.values()))
    memo: dict[str, str] = {}
    text = formatted_text(reference, memo)
    assert memo == {reference.source: text}
    memo[reference.source] = "remembered"
    assert formatted_text(reference, memo) == "remembered"
    changed = type(reference)(**{**vars(reference), "source": reference.source.replace("}", "}", 1) + " "})
    assert formatted_text(changed, memo) == text  # not the memo's: its text differs


def test_linear_abbreviations_render_like_python_markdowns_abbr() -> None:
    import markdown

    from atlas.shims.abbr import makeExtension

    glossary = {"LLM": "Large language model", "GPU": "Graphics processing unit", "MoE": "Mixture of experts"}
    rows = "\n".join(f"| LLM {i} | *GPU* and LLM | MoE, not LLM |" for i in range(60))
    text = (
        "An LLM on a GPU, then *an LLM* again: LLM, MoE.\n\n"
        f"| A | B | C |\n| --- | --- | --- |\n{rows}\n\n"
        "- LLM\n- nested *GPU* text LLM tail\n    - MoE **LLM** GPU\n\n"
        "*[TPU]: Tensor processing unit\n\nA TPU and an LLM.\n"
    )
    stock = markdown.markdown(text, extensions=["abbr", "tables"], extension_configs={"abbr": {"glossary": glossary}})
    linear = markdown.markdown(text, extensions=[makeExtension(glossary=glossary), "tables"])
    assert linear == stock
    assert stock.count("<abbr") > 300


def test_the_navigation_is_rendered_once_per_folder_for_pages_outside_it() -> None:
    from atlas.shims.navigation import SharedNav

    shared = SharedNav()
    calls: list[str] = []
    listed = [SimpleNamespace(url="about/"), SimpleNamespace(url="about/more/")]
    plain = SimpleNamespace(pages=listed, items=[SimpleNamespace(active=False), SimpleNamespace(active=False)])
    placed = SimpleNamespace(pages=listed, items=[SimpleNamespace(active=False), SimpleNamespace(active=True)])

    def render(page: object, nav: object, part: str = "nav") -> str:
        url = page.url
        return shared(part, page, nav, caller=lambda: calls.append(f"{part} {url}") or f"{part} for {url}")

    def outside(url: str) -> object:
        return SimpleNamespace(url=url)

    assert render(outside("models/a/"), plain) == "nav for models/a/"
    assert render(outside("models/b/"), plain) == "nav for models/a/"  # same folder: the same relative links
    assert render(outside("organizations/x/"), plain) == "nav for organizations/x/"  # another folder: rendered again
    assert render(outside("models/c/"), plain, "tabs") == "tabs for models/c/"
    # A page placed under a section marks that section active: shared only with pages placed the same way.
    assert render(outside("models/d/"), placed) == "nav for models/d/"
    assert render(outside("models/e/"), placed) == "nav for models/d/"
    # A page in the navigation marks itself active: always its own rendering.
    assert render(listed[0], plain) == "nav for about/"
    assert render(listed[1], plain) == "nav for about/more/"
    assert calls == ["nav models/a/", "nav organizations/x/", "tabs models/c/", "nav models/d/", "nav about/", "nav about/more/"]


def test_narrow_html_displays_the_same_in_one_byte_per_character() -> None:
    from bs4 import BeautifulSoup

    from atlas.shims.html import narrow

    page = ('<p title="in → out">2017–2023 → 日本語 ü é 😀</p><pre><code>a → b</code></pre>'
            '<script type="application/json">{"label": "a → b"}</script><STYLE>p::after { content: "→"; }</STYLE><p>end –</p>')
    narrowed = narrow(page)
    assert narrowed == ('<p title="in &#x2192; out">2017&#x2013;2023 &#x2192; &#x65e5;&#x672c;&#x8a9e; ü é &#x1f600;</p><pre><code>a &#x2192; b</code></pre>'
                        '<script type="application/json">{"label": "a → b"}</script><STYLE>p::after { content: "→"; }</STYLE><p>end &#x2013;</p>')
    assert BeautifulSoup(narrowed, "html.parser").get_text() == BeautifulSoup(page, "html.parser").get_text()
    assert BeautifulSoup(narrowed, "html.parser").p["title"] == "in → out"
    assert narrow("plain ASCII <b>only</b>") == "plain ASCII <b>only</b>"
    assert max(map(ord, narrow("<p>ü → é</p>"))) <= 0xFF


def test_stripped_indentation_keeps_what_the_page_shows() -> None:
    from bs4 import BeautifulSoup

    from atlas.shims.html import strip_indentation

    page = ("<div>\n    <p>one\n      two</p>\n\n\n    <pre><code>keep\n    this indent\n</code></pre>\n"
            "  <textarea>\n  as typed</textarea>\n  <script>\n  var a = `x\n    y`;\n</script>\n  <STYLE>\n  p { }\n</STYLE>\n</div>\n")
    stripped = strip_indentation(page)
    assert stripped == ("<div>\n<p>one\ntwo</p>\n<pre><code>keep\n    this indent\n</code></pre>\n"
                        "<textarea>\n  as typed</textarea>\n<script>\n  var a = `x\n    y`;\n</script>\n<STYLE>\n  p { }\n</STYLE>\n</div>\n")
    shown = lambda html: " ".join(BeautifulSoup(html, "html.parser").get_text().split())  # noqa: E731
    assert shown(stripped) == shown(page)
    assert BeautifulSoup(stripped, "html.parser").pre.get_text() == "keep\n    this indent\n"


def test_header_override_is_materials_own_but_for_the_search_block() -> None:
    """docs/overrides/partials/header.html copies Material's; only the search block may differ."""
    import material

    upstream = (Path(material.__file__).parent / "templates" / "partials" / "header.html").read_text(encoding="utf-8")
    ours = (ROOT / "docs" / "overrides" / "partials" / "header.html").read_text(encoding="utf-8")
    begin, end = '    {% if "material/search" in config.plugins %}', '    {% if config.repo_url %}'
    head, rest = upstream.split(begin, 1)
    tail = rest.split(end, 1)[1]
    head = head.split("-#}\n", 1)[1]  # Material's "generated" comment
    assert ours.split("-#}\n", 1)[1].startswith(head) and ours.endswith(end + tail)
    block = ours[len(ours.split("-#}\n", 1)[0]) + 4 + len(head):-len(end + tail)]
    assert '{% include "partials/search.html" %}' in block and "atlas-search-nojs" in block and "config.plugins" not in block
