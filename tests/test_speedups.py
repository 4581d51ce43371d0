"""The engine's speed-ups change no output: inlined schema, abbreviation glossary, bibtex once,
the shared navigation, relative links and JSON front matter."""
from __future__ import annotations

import posixpath
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import bibtex_once
from atlas import schema
from atlas.bibliography import formatted_text, last_parse, parse_bibliography
from atlas.load import load_file
from conftest import INVALID, ROOT, VALID

MODEL_FILES = sorted(
    path for path in [*VALID.rglob("models/*.yaml"), *INVALID.rglob("models/*.yaml"), *(ROOT / "catalog" / "models").glob("*.yaml")]
    if load_file(path, path.name)[0] is not None
)


def _messages(validator: jsonschema.protocols.Validator, data: object) -> list[tuple[tuple, str, str]]:
    return sorted((tuple(e.absolute_path), e.validator, e.message) for e in validator.iter_errors(data))


def test_inlined_schema_has_no_references_left() -> None:
    full = schema.schema("model")
    assert "$ref" not in str(schema.inline_refs(full, full["$defs"]))


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_inlined_schema_finds_the_same_errors(path: Path) -> None:
    document, _ = load_file(path, path.name)
    original = jsonschema.Draft202012Validator(schema.schema("model"))
    assert _messages(schema._validator("model"), document.data) == _messages(original, document.data)


def test_inlining_keeps_a_clashing_target_under_all_of() -> None:
    defs = {"short": {"type": "string", "maxLength": 3}}
    assert schema.inline_refs({"$ref": "#/$defs/short", "maxLength": 9, "description": "d"}, defs) == {
        "maxLength": 9, "description": "d", "allOf": [{"type": "string", "maxLength": 3}],
    }
    with pytest.raises(ValueError, match="cannot inline"):
        schema.inline_refs({"$ref": "https://example.org/other.json"}, defs)


def test_bibtex_reference_text_is_formatted_once_per_key() -> None:
    calls: list[str] = []
    registry = SimpleNamespace(reference_text=lambda citation: calls.append(citation.key) or f"text of {citation.key}")
    config = SimpleNamespace(plugins={"bibtex": SimpleNamespace(registry=registry)})
    bibtex_once.format_once(config)
    bibtex_once.format_once(config)  # a second build keeps the one wrapper
    texts = [registry.reference_text(SimpleNamespace(key=key)) for key in ("a", "b", "a", "a")]
    assert texts == ["text of a", "text of b", "text of a", "text of a"]
    assert calls == ["a", "b"]


def test_mkdocs_bibtex_reuses_the_catalog_parse(tmp_path: Path) -> None:
    import mkdocs_bibtex.registry

    bib = VALID / "catalog" / "references.bib"
    references, problems = parse_bibliography(bib.read_bytes(), "references.bib")
    assert problems == []
    bibtex_once.share_parse()
    shared = mkdocs_bibtex.registry.parse_file(str(bib))
    assert shared is last_parse(bib.read_bytes())
    assert sorted(shared.entries) == sorted(references)
    other = tmp_path / "other.bib"
    other.write_text("@misc{solo, title = {Solo}, year = {2020}}\n", encoding="utf-8")
    assert list(mkdocs_bibtex.registry.parse_file(str(other)).entries) == ["solo"]  # a different file is parsed normally


def test_mkdocs_bibtex_reuses_the_loaders_formatting_word_for_word() -> None:
    import mkdocs_bibtex.registry

    bib = ROOT / "catalog" / "references.bib"
    references, problems = parse_bibliography(bib.read_bytes(), "references.bib")
    assert problems == []
    bibtex_once.share_parse()
    registry = mkdocs_bibtex.registry.SimpleRegistry([str(bib)])
    stock = {key: registry.reference_text(SimpleNamespace(key=key)) for key in references}
    calls: list[str] = []
    original = registry.reference_text
    registry.reference_text = lambda citation: calls.append(citation.key) or original(citation)
    bibtex_once.format_once(SimpleNamespace(plugins={"bibtex": SimpleNamespace(registry=registry)}))
    shared = {key: registry.reference_text(SimpleNamespace(key=key)) for key in references}
    assert shared == stock
    assert calls == []  # every entry came from the loader's formatting, none was formatted again
    assert len(stock) > 150


def test_a_different_entry_with_the_same_key_is_formatted_afresh() -> None:
    from pybtex.database import Entry

    parse_bibliography((VALID / "catalog" / "references.bib").read_bytes(), "references.bib")
    shared = last_parse((VALID / "catalog" / "references.bib").read_bytes())
    key, entry = next(iter(shared.entries.items()))
    assert formatted_text(entry)
    stranger = Entry(entry.type, fields=dict(entry.fields))
    stranger.key = key
    assert formatted_text(stranger) is None


def test_linear_abbreviations_render_like_python_markdowns_abbr() -> None:
    import markdown

    from atlas.abbreviations import makeExtension

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


def test_name_key_ascii_fast_path_matches_the_unicode_folds() -> None:
    import string
    import unicodedata

    from hypothesis import given, strategies as st

    from atlas.validate import CONFUSABLES, NAME_PUNCTUATION, name_key

    def slow(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).translate(CONFUSABLES).casefold()
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
        return NAME_PUNCTUATION.sub("", folded)

    @given(st.text(alphabet=string.printable, max_size=40))
    def check(text: str) -> None:
        assert name_key(text) == slow(text)

    check()


def test_the_navigation_is_rendered_once_per_folder_for_pages_outside_it() -> None:
    from atlas.shared_nav import SharedNav

    shared = SharedNav()
    calls: list[str] = []
    outside = SimpleNamespace(items=[SimpleNamespace(active=False), SimpleNamespace(active=False)])
    inside = SimpleNamespace(items=[SimpleNamespace(active=False), SimpleNamespace(active=True)])

    def render(url: str, nav: object, part: str = "nav") -> str:
        return shared(part, SimpleNamespace(url=url), nav, caller=lambda: calls.append(f"{part} {url}") or f"{part} for {url}")

    assert render("models/a/", outside) == "nav for models/a/"
    assert render("models/b/", outside) == "nav for models/a/"  # same folder: the same relative links
    assert render("organizations/x/", outside) == "nav for organizations/x/"  # another folder: rendered again
    assert render("models/c/", outside, "tabs") == "tabs for models/c/"
    assert render("models/d/", inside) == "nav for models/d/"  # in the navigation: its own active state
    assert render("models/e/", inside) == "nav for models/e/"
    assert calls == ["nav models/a/", "nav organizations/x/", "tabs models/c/", "nav models/d/", "nav models/e/"]


_FOLDERS = st.lists(st.sampled_from(["models", "a", "b", "organizations"]), max_size=3)
_PAGES = st.sampled_from(["index.md", "x.md", "a.md"])


@given(_FOLDERS, _PAGES, _FOLDERS, _PAGES)
def test_relative_links_match_posixpath_relpath(target_dir: list[str], target_page: str, here_dir: list[str], here_page: str) -> None:
    # Links join two Markdown sources under docs/: folders, then a .md file.
    from atlas.render.templating import relative

    target_path, here_path = "/".join([*target_dir, target_page]), "/".join([*here_dir, here_page])
    assert relative(target_path, here_path) == posixpath.relpath(target_path, posixpath.dirname(here_path) or ".")


FRONT_MATTER_VALUES = ["plain", "quotes \" and ' and \\ backslash", "colon: and # hash", "---", "...", "- dash", "{brace} [bracket]", "yes", "null", "1e3",
                       "tab\there", "new\nline", "nel\x85", "line\u2028sep", "para\u2029sep", "del\x7f", "c1\x9b", "bom\ufeff", "emoji \U0001F600", "café ü", "\x00nul", "&amp; <b>"]


@pytest.mark.parametrize("value", FRONT_MATTER_VALUES)
def test_front_matter_reads_back_as_written(value: str) -> None:
    from atlas.render.escape import front_matter

    data = {"title": value, "search": {"boost": 3, "exclude": True}, "tags": [value, "LLM"], "hide": ["toc"]}
    text = front_matter(data)
    assert text.startswith("---\n") and text.endswith("\n---\n\n") and text.count("\n") == 4
    assert yaml.safe_load(text.split("\n")[1]) == data


def test_narrow_html_displays_the_same_in_one_byte_per_character() -> None:
    from bs4 import BeautifulSoup

    from atlas.render.escape import narrow

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

    from atlas.render.escape import strip_indentation

    page = ("<div>\n    <p>one\n      two</p>\n\n\n    <pre><code>keep\n    this indent\n</code></pre>\n"
            "  <textarea>\n  as typed</textarea>\n  <script>\n  var a = `x\n    y`;\n</script>\n  <STYLE>\n  p { }\n</STYLE>\n</div>\n")
    stripped = strip_indentation(page)
    assert stripped == ("<div>\n<p>one\ntwo</p>\n<pre><code>keep\n    this indent\n</code></pre>\n"
                        "<textarea>\n  as typed</textarea>\n<script>\n  var a = `x\n    y`;\n</script>\n<STYLE>\n  p { }\n</STYLE>\n</div>\n")
    shown = lambda html: " ".join(BeautifulSoup(html, "html.parser").get_text().split())  # noqa: E731
    assert shown(stripped) == shown(page)
    assert BeautifulSoup(stripped, "html.parser").pre.get_text() == "keep\n    this indent\n"
