"""Citable releases: CITATION.cff and .zenodo.json are valid, agree with each other, and the About page points to them."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from atlas.bibliography import read_bibliography
from conftest import ROOT

# Keys of the Citation File Format 1.2.0 (top level, and of a reference that this file uses).
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords", "license",
    "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact", "repository-code",
    "title", "type", "url", "version",
}
CFF_REFERENCE_KEYS = {"type", "title", "authors", "year", "status", "doi", "url", "journal", "identifiers"}
ZENODO_UPLOAD_TYPES = {"publication", "poster", "presentation", "dataset", "image", "video", "software", "lesson", "physicalobject", "other"}
ZENODO_RELATIONS = {"isCitedBy", "cites", "isSupplementTo", "isSupplementedBy", "isDerivedFrom", "isSourceOf", "references", "isReferencedBy", "isDocumentedBy", "documents", "continues", "isContinuedBy"}


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zenodo() -> dict:
    return json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))


def test_citation_cff_has_the_required_and_key_fields(cff: dict) -> None:
    assert set(cff) <= CFF_KEYS
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "MM-LLM Atlas"
    assert cff["message"].startswith("If you use the MM-LLM Atlas, please cite the release you used")
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "MM-LLM Atlas contributors"}]
    assert cff["repository-code"] == "https://github.com/mm-llm-atlas/atlas"
    assert cff["url"] == "https://mm-llm-atlas.github.io/atlas/"


def test_citation_version_is_the_project_version(cff: dict) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(cff["version"], str) and cff["version"] == project["version"]


def test_the_review_reference_matches_the_bibliography(cff: dict) -> None:
    references, problems = read_bibliography((ROOT / "catalog" / "references.bib").read_bytes(), "catalog/references.bib")
    assert problems == []
    review = references["carolan2024review"]
    [cited] = cff["references"]
    assert set(cited) <= CFF_REFERENCE_KEYS
    assert cited["title"] == review.get("title")
    assert cited["doi"] == review.get("doi")
    assert cited["url"] == review.get("url")
    assert cited["year"] == int(review.get("year"))
    assert [f"{a['family-names']}, {a['given-names']}" for a in cited["authors"]] == list(review.authors)
    assert re.fullmatch(r"10\.\d{4,9}/\S+", cited["doi"])


def test_zenodo_metadata_is_valid_and_agrees_with_citation_cff(cff: dict, zenodo: dict) -> None:
    assert zenodo["title"] == cff["title"]
    assert zenodo["upload_type"] in ZENODO_UPLOAD_TYPES and zenodo["upload_type"] == cff["type"]
    assert zenodo["license"] == cff["license"].lower()
    assert zenodo["access_right"] == "open"
    assert zenodo["creators"] == cff["authors"]
    assert zenodo["keywords"] == cff["keywords"]
    assert zenodo["description"] and "version" not in zenodo  # Zenodo takes the version from the release tag
    relations = {(r["identifier"], r["relation"]) for r in zenodo["related_identifiers"]}
    assert all(relation in ZENODO_RELATIONS for _, relation in relations)
    assert (cff["references"][0]["doi"], "isDerivedFrom") in relations


def test_about_page_says_how_to_cite_a_release() -> None:
    text = (ROOT / "docs" / "about" / "index.md").read_text(encoding="utf-8")
    section = text.split("### Cite a release\n", 1)[1].split("\n## ", 1)[0]
    assert "[`CITATION.cff`](https://github.com/mm-llm-atlas/atlas/blob/main/CITATION.cff)" in section
    assert text.index("## How to cite the Atlas") < text.index("### Cite a release") < text.index("## Sourcing policy")


@pytest.mark.build
def test_built_about_page_links_to_citation_cff(real_site: Path) -> None:
    page = BeautifulSoup((real_site / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    heading = page.find(id="cite-a-release")
    assert heading is not None and heading.name == "h3"
    link = heading.find_next("p").find("a")
    assert link["href"] == "https://github.com/mm-llm-atlas/atlas/blob/main/CITATION.cff"
    assert link.get_text() == "CITATION.cff"
