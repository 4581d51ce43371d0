"""When each catalog entry landed and was last changed, read from git in one call."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EntryDates:
    """Commit dates (ISO 8601) of a model file's first and latest commits."""

    added: str
    updated: str


def entry_dates(root: Path) -> dict[str, EntryDates]:
    """Model id -> EntryDates for every committed file in catalog/models; {} without git history."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%cI", "--name-only", "--no-renames", "--", "catalog/models"],
            capture_output=True, text=True, timeout=60, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    newest: dict[str, str] = {}
    oldest: dict[str, str] = {}
    for block in result.stdout.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        date = lines[0].strip()
        for name in lines[1:]:
            if name.startswith("catalog/models/") and name.endswith(".yaml"):
                model_id = name[len("catalog/models/"):-len(".yaml")]
                newest.setdefault(model_id, date)  # git log lists newest first
                oldest[model_id] = date
    return {model_id: EntryDates(oldest[model_id], newest[model_id]) for model_id in newest}
