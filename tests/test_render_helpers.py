"""Helpers the renderers use on every page behave as the library functions they stand in for."""
from __future__ import annotations

import posixpath

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st


def test_name_key_ascii_fast_path_matches_the_unicode_folds() -> None:
    import string

    from hypothesis import given, strategies as st

    from atlas.lookalikes import name_key

    # A zero-width space changes no key, and it sends the text down the Unicode path.
    @given(st.text(alphabet=string.printable, max_size=40))
    def check(text: str) -> None:
        assert name_key(text) == name_key(text + "\u200b") == name_key("\u200b" + text)

    check()


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




def test_every_sources_key_in_the_catalog_has_words_for_it() -> None:
    from atlas.pipeline import load_catalog
    from atlas.vocabulary import FACT_LABELS, fact_label
    from conftest import ROOT

    catalog, problems = load_catalog(ROOT)
    assert problems == []
    keys = {source.field for model in catalog.models for source in model.sources}
    assert sorted(keys - set(FACT_LABELS)) == []
    assert fact_label("training.data") == "Training data" and fact_label("architecture.llm_backbone") == "LLM backbone"
    assert fact_label("new_field") == "New field" and fact_label("training.new_part") == "Training: new part"
