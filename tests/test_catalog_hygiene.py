"""Data hygiene of the real catalog, in the style of linguist's tests: each failure names the fix."""
from __future__ import annotations

import datetime as dt
import re

from conftest import ROOT

CITE_RE = re.compile(r"\[@([A-Za-z][A-Za-z0-9_:-]*)")
REQUIRED_SOURCES = ("released", "access")


def cited_keys(catalog) -> set[str]:
    keys: set[str] = set()
    for model in catalog.models:
        keys.update(model.references)
        keys.update(s.ref for s in model.sources)
        keys.update(r.source for r in model.results)
    for technique in catalog.techniques.values():
        keys.update(technique.references)
    for family in catalog.families.values():
        keys.update(family.references)
    keys.update(benchmark.reference for benchmark in catalog.benchmarks.values())
    keys.update(split.reference for benchmark in catalog.benchmarks.values() for split in benchmark.splits if split.reference)
    for organization in catalog.organizations.values():
        keys.update(s.ref for s in organization.sources)
    for page in (ROOT / "docs").rglob("*.md"):
        keys.update(CITE_RE.findall(page.read_text(encoding="utf-8")))
    return keys


def test_catalog_has_at_least_120_models(catalog) -> None:
    assert len(catalog.models) >= 120


def test_every_bibtex_entry_is_cited(catalog) -> None:
    unused = sorted(set(catalog.references) - cited_keys(catalog))
    assert unused == [], f"these BibTeX entries are cited nowhere; cite or remove them: {unused}"


def test_every_citation_in_docs_resolves(catalog) -> None:
    missing = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for key in CITE_RE.findall(page.read_text(encoding="utf-8")):
            if key not in catalog.references:
                missing.append(f"{page.relative_to(ROOT)}: [@{key}]")
    assert missing == []


def test_every_primary_reference_is_locatable(catalog) -> None:
    unlocatable = [f"{m.id}: {m.references[0]}" for m in catalog.models if not catalog.references[m.references[0]].url]
    assert unlocatable == [], "primary references need an arXiv eprint, a DOI or a URL"


def test_key_facts_have_sources(catalog) -> None:
    missing = []
    for model in catalog.models:
        fields = {s.field.split(".")[0] for s in model.sources}
        for field in REQUIRED_SOURCES + (("parameters",) if model.parameters else ()):
            if field not in fields:
                missing.append(f"{model.path}: sources.{field} is missing")
    assert missing == []


def test_closed_models_do_not_state_parameter_counts_without_a_source(catalog) -> None:
    for model in catalog.models:
        if model.access.weights == "closed" and model.parameters not in (None, "undisclosed"):
            assert any(s.field == "parameters" for s in model.sources), f"{model.id}: a closed model's parameter count needs a source"


def test_no_release_date_is_in_the_future(catalog) -> None:
    today = dt.date.today().isoformat()
    future = [f"{m.id}: {m.released}" for m in catalog.models if m.released > today[: len(m.released)]]
    assert future == []


def test_shared_primary_papers_are_marked(catalog) -> None:
    by_eprint: dict[str, list[str]] = {}
    for model in catalog.models:
        eprint = catalog.references[model.references[0]].get("eprint")
        if eprint:
            by_eprint.setdefault(eprint, []).append(model.id)
    for eprint, ids in by_eprint.items():
        for a in ids:
            for b in ids:
                if a < b:
                    assert b in catalog.model(a).shares_paper_with or a in catalog.model(b).shares_paper_with, f"{a} and {b} share arXiv {eprint} unmarked"


def test_every_organization_is_used(catalog) -> None:
    # Techniques may have no model yet: their pages explain them for the articles.
    used_orgs = {o for m in catalog.models for o in m.organizations}
    parents = {o.parent for o in catalog.organizations.values() if o.parent}
    assert sorted(set(catalog.organizations) - used_orgs - parents) == []


def test_model_files_start_with_the_schema_comment() -> None:
    missing = [p.name for p in sorted((ROOT / "catalog" / "models").glob("*.yaml")) if not p.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/model.schema.json\n")]
    assert missing == []


# Families whose entries cannot form one line, and why.
ENTANGLED_FAMILIES = {
    "eva": "the EVA-CLIP entry starts with EVA-01-CLIP (2022-11) but its later models are built on EVA-02, so neither succeeds the other",
}


def test_every_family_has_a_model_and_walks_back_from_its_newest_to_its_first(catalog) -> None:
    # A family with no member is an empty page. From the newest member, `succeeds` leads
    # generation by generation to the oldest one (side lines such as mini or vision models may
    # start on their own, but the main line is unbroken).
    members: dict[str, list] = {family: [] for family in catalog.families}
    for model in catalog.models:
        if model.family:
            members[model.family].append(model)
    empty = sorted(family for family, models in members.items() if not models)
    assert not empty, f"families with no model; add their models (family: <id>) or remove them from catalog/families.yaml: {empty}"
    by_id = {m.id: m for m in catalog.models}
    broken = {}
    for family, models in members.items():
        if family in ENTANGLED_FAMILIES:
            continue
        newest = max(models, key=lambda m: (m.released, m.id))
        oldest = min(m.released for m in models)
        step = newest
        while step.succeeds:
            step = by_id[step.succeeds]
        if step.released != oldest:
            broken[family] = f"{newest.id} walks back only to {step.id} ({step.released}), the family starts {oldest}"
    assert not broken, f"families whose main line is broken; give the missing generations `succeeds`: {broken}"
