"""Shared fixtures: repository paths, fixture catalogs, and one build of the real site."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# Builds and validate.py cache per-file results; keep them out of the fixture folders.
os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-test-cache-"))


def overlay_case(case: Path, target: Path) -> Path:
    """Copy the valid fixture catalog to ``target`` and lay the case's files over it."""
    shutil.copytree(VALID, target)
    for file in sorted(case.rglob("*")):
        if file.is_file() and file.name != "expected.txt":
            destination = target / file.relative_to(case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
    return target


def run_mkdocs(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600", **(env_extra or {})}
    return subprocess.run(MKDOCS + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalog built once with --strict into a temporary directory."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = run_mkdocs(["build", "--strict", "--site-dir", str(site)], ROOT)
    assert result.returncode == 0, result.stderr[-5000:]
    return site
