"""Each catalog entry's history, read from git: when it was added, and which commits changed which facts.

One ``git log`` lists the commits that touched catalog/models, and one ``git cat-file
--batch`` hands back every version of every file, which is read with the catalog's own
reader and compared field by field. Commit dates make it reproducible; outside a git
checkout there is no history, and the pages say so.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas.load import read_yaml

MODELS = "catalog/models/"


@dataclass(frozen=True)
class Change:
    """One commit's change to one entry: added, or the fields it changed with their old and new values."""

    date: str  # ISO 8601 commit date
    commit: str
    subject: str
    kind: str  # "added" or "changed"
    fields: tuple[tuple[str, Any, Any], ...] = ()


@dataclass(frozen=True)
class EntryHistory:
    """Every change to one entry's facts, oldest first (a commit that changed no field is left out)."""

    changes: tuple[Change, ...]

    @property
    def added(self) -> str:
        return self.changes[0].date

    @property
    def updated(self) -> str:
        return self.changes[-1].date


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout


def _commits(root: Path) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(hash, date, subject, [(status, path)]) of every commit that touched catalog/models, oldest first."""
    out = _git(root, "log", "--reverse", "--format=%x00%H%x01%cI%x01%s", "--name-status", "--no-renames", "--", MODELS)
    if out is None:
        return []
    commits = []
    for block in out.decode("utf-8", "replace").split("\x00")[1:]:
        head, _, rest = block.partition("\n")
        commit, date, subject = (head.split("\x01") + ["", ""])[:3]
        files = [tuple(line.split("\t", 1)) for line in rest.splitlines() if "\t" in line]
        commits.append((commit, date, subject, [(status, path) for status, path in files if path.startswith(MODELS) and path.endswith(".yaml")]))
    return commits


def _blobs(root: Path, names: list[str]) -> list[bytes | None]:
    """The content of each ``commit:path`` in ``names``, in one git process."""
    if not names:
        return []
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in names).encode())
    if out is None:
        return [None] * len(names)
    contents, position = [], 0
    for _ in names:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] != b"blob":
            contents.append(None)
            continue
        size = int(header[2])
        contents.append(out[position:position + size])
        position += size + 1
    return contents


def _data(raw: bytes | None, path: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        document, _ = read_yaml(raw.decode("utf-8"), path)
    except UnicodeDecodeError:
        return None
    return document.data if document is not None and isinstance(document.data, dict) else None


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    """(field, old, new) for each top-level field whose value differs, in the new file's order, then removed fields."""
    names = list(new) + [name for name in old if name not in new]
    return tuple((name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name))


def entry_histories(root: Path) -> dict[str, EntryHistory]:
    """Model id -> its history, for every model file in git's history; {} outside a git checkout."""
    commits = _commits(root)
    wanted = [(commit, date, subject, status, path) for commit, date, subject, files in commits for status, path in files if status[:1] in "AM"]
    contents = _blobs(root, [f"{commit}:{path}" for commit, _, _, _, path in wanted])
    last: dict[str, dict[str, Any]] = {}
    changes: dict[str, list[Change]] = {}
    for (commit, date, subject, _, path), raw in zip(wanted, contents):
        model_id = path[len(MODELS):-len(".yaml")]
        data = _data(raw, path)
        if data is None:
            continue  # a version that did not parse: its facts are unknown
        previous = last.get(model_id)
        if previous is None:
            changes.setdefault(model_id, []).append(Change(date, commit[:12], subject, "added"))
        elif fields := diff(previous, data):
            changes[model_id].append(Change(date, commit[:12], subject, "changed", fields))
        last[model_id] = data
    return {model_id: EntryHistory(tuple(found)) for model_id, found in changes.items()}
