"""Families, typed relations, "what changed" and entry history agree with the data and are reproducible."""
from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from atlas.history import entry_histories
from atlas.pipeline import load_catalog
from atlas.render.families import COMPARED, family_page, members, predecessor_changes
from atlas.render.model_page import model_page
from atlas.render.whats_new import atom_feed, changes_json
from conftest import VALID

SITE = "https://example.org/atlas/"


def test_a_family_page_lists_every_member_oldest_first(catalog) -> None:
    page = family_page("qwen", catalog)
    found = members(catalog, "qwen")
    assert [m.id for m in found] == [m.id for m in sorted(catalog.by_family("qwen"), key=lambda m: (m.released, m.name.casefold()))]
    rows = [line for line in page.split("## Generations")[1].splitlines() if line.startswith("| [")]
    assert len(rows) == len(found) >= 6
    positions = [page.index(f"(../models/{m.id}.md)") for m in found]
    assert positions == sorted(positions)


def test_a_value_that_moved_from_the_predecessor_is_bold(catalog) -> None:
    page = family_page("qwen", catalog)
    qwen2 = catalog.model("qwen2")
    before = catalog.model(qwen2.succeeds)
    row = next(line for line in page.splitlines() if line.startswith("| [") and "(../models/qwen2.md)" in line.split("|")[1])
    cells = [cell.strip() for cell in row.strip("|").split("|")][3:]
    for (label, shown), cell in zip(COMPARED, cells):
        assert cell.startswith("**") == (shown(before) != shown(qwen2)), label


def test_what_changed_lists_the_fields_that_differ(catalog) -> None:
    model = catalog.model("qwen2-5-vl")
    before = catalog.model(model.succeeds)
    changes = predecessor_changes(model, catalog)
    assert changes, "Qwen2.5-VL differs from Qwen2-VL"
    page = model_page(model, catalog, SITE, "2026")
    section = page.split("## What changed since ")[1].split("\n## ")[0]
    for label, old, new in changes:
        assert f"| {label} | {old} | {new} |" in section
    assert "Parameters" not in [label for label, _, _ in changes] or before.parameters != model.parameters


def test_every_succeeds_points_within_the_family_and_back_in_time(catalog) -> None:
    for model in catalog.models:
        if model.succeeds:
            before = catalog.model(model.succeeds)
            assert before.released[:7] <= model.released[:7], model.id
            assert model.id in before.successors
            assert model.family is None or before.family in (None, model.family), model.id


def test_relation_coverage(catalog) -> None:
    alone = [m.id for m in catalog.models if not (m.built_on or m.used_by or m.family or m.succeeds or m.successors or m.derived_from or m.derivatives)]
    assert len(alone) / len(catalog.models) < 0.15, alone


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+00:00", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00", "PATH": "/usr/bin:/bin"})


@pytest.fixture
def history_repo(tmp_path: Path) -> Path:
    """The valid fixture catalog in a git repository with two commits: one adds it, one edits base-llm."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Add the fixture catalog")
    model = repo / "catalog" / "models" / "base-llm.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("context_window: 2048", "context_window: 4096").replace("parameters: 7B\n", "parameters: 7B\n# a comment only\n"), encoding="utf-8")
    _git(repo, "commit", "-qam", "Base LLM: context window from the paper's table")
    (repo / "catalog" / "models" / "vision-enc.yaml").write_text((repo / "catalog" / "models" / "vision-enc.yaml").read_text(encoding="utf-8") + "# formatting only\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "Reformat")
    return repo


def test_the_change_feed_lists_a_synthetic_edit(history_repo: Path) -> None:
    history = entry_histories(history_repo)
    assert [c.kind for c in history["base-llm"].changes] == ["added", "changed"]
    assert history["base-llm"].changes[1].fields == (("context_window", 2048, 4096),)
    assert [c.kind for c in history["vision-enc"].changes] == ["added"]  # a formatting-only commit changes no fact
    catalog, _ = load_catalog(history_repo)
    feed = json.loads(changes_json(catalog, history, SITE))
    assert next(c for c in feed["changes"] if c["change"] == "changed") == {
        "date": "2026-01-02T03:04:05+00:00", "model": "base-llm", "url": SITE + "models/base-llm/", "change": "changed",
        "commit": history["base-llm"].changes[1].commit, "subject": "Base LLM: context window from the paper's table",
        "fields": {"context_window": {"old": 2048, "new": 4096}},
    }
    assert sorted((c["model"], c["change"]) for c in feed["changes"]) == [("base-llm", "added"), ("base-llm", "changed"), ("demo-vlm", "added"), ("vision-enc", "added")]
    atom = ET.fromstring(atom_feed(catalog, history, SITE))
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in atom.findall("{http://www.w3.org/2005/Atom}entry")]
    assert "Updated: Base LLM" in titles and "Added: Base LLM" in titles
    ids = [e.findtext("{http://www.w3.org/2005/Atom}id") for e in atom.findall("{http://www.w3.org/2005/Atom}entry")]
    assert len(ids) == len(set(ids))


def test_history_is_reproducible_and_absent_outside_git(history_repo: Path, tmp_path: Path) -> None:
    assert entry_histories(history_repo) == entry_histories(history_repo)
    assert entry_histories(VALID.parent.parent.parent / "does-not-exist") == {}
    plain = tmp_path / "plain"
    shutil.copytree(VALID, plain)
    assert entry_histories(plain) == {} or all(h.changes for h in entry_histories(plain).values())
    catalog, _ = load_catalog(plain)
    page = model_page(catalog.model("base-llm"), catalog, SITE, "2026", None, False)
    assert "The history of this entry is not available in this build (no git history)." in page
