"""Hostile inputs stay cheap: the validator runs them under a memory and CPU limit, quickly."""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas.bibliography import MAX_AUTHORS
from atlas.bibliography import MAX_BYTES as BIB_MAX_BYTES
from atlas.load import MAX_BYTES
from conftest import INVALID, ROOT, VALID, overlay_case

MEMORY_LIMIT = 512 * 1024 * 1024  # address space; a normal run needs about a third of it
CPU_SECONDS = 30
WALL_SECONDS = 20
VISION_ENC = (VALID / "catalog" / "models" / "vision-enc.yaml").read_text(encoding="utf-8")
BIB = (VALID / "catalog" / "references.bib").read_text(encoding="utf-8")
HEAVY_CASES = ["alias-bomb", "recursive-alias", "yaml-merge-key", "deep-nesting", "too-many-values", "oversized", "bib-string-bomb"]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def validate_limited(root: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run scripts/validate.py on ``root`` with the limits above; return the result and seconds taken."""
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), "--root", str(root)],
        capture_output=True, text=True, preexec_fn=_limit, timeout=WALL_SECONDS * 3,
    )
    return result, time.monotonic() - start


def fixture_with(tmp_path: Path, model: bytes | None = None, bib: bytes | None = None) -> Path:
    """The valid fixture catalog with vision-enc.yaml and/or references.bib replaced."""
    root = overlay_case(INVALID / "empty-file", tmp_path / "repo")
    (root / "catalog" / "models" / "vision-enc.yaml").write_bytes(model if model is not None else VISION_ENC.encode())
    if bib is not None:
        (root / "catalog" / "references.bib").write_bytes(bib)
    return root


def padded(text: str, size: int = MAX_BYTES) -> bytes:
    """``text`` cut or padded with a trailing comment to exactly ``size`` bytes."""
    data = text.encode()[:size]
    return data + b"\n#" + b"x" * (size - len(data) - 2) if len(data) < size else data


@pytest.mark.parametrize("case", HEAVY_CASES)
def test_heavy_corpus_cases_are_refused_within_limits(case: str, tmp_path: Path) -> None:
    root = overlay_case(INVALID / case, tmp_path / "repo")
    result, seconds = validate_limited(root)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert "Traceback" not in result.stderr
    assert seconds < WALL_SECONDS


def test_largest_allowed_file_with_one_huge_line(tmp_path: Path) -> None:
    head = VISION_ENC[: VISION_ENC.index("summary: ") + len("summary: ")]
    summary = ("Vision Enc " * 30_000)[: MAX_BYTES - len(head) - 2] + "."
    model = (head + summary + "\n").encode()
    assert len(model) == MAX_BYTES
    result, seconds = validate_limited(fixture_with(tmp_path, model))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"catalog/models/vision-enc.yaml:17: summary: must be at most 300 characters long (got {len(summary)})"]
    assert seconds < WALL_SECONDS


def test_largest_allowed_file_with_thousands_of_unknown_fields(tmp_path: Path) -> None:
    model = padded(VISION_ENC + "".join(f"field{i:05d}: x\n" for i in range(17_000)))
    assert len(model) == MAX_BYTES
    result, seconds = validate_limited(fixture_with(tmp_path, model))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == 17_000
    assert lines[0].startswith("catalog/models/vision-enc.yaml:18: field00000: unknown field; allowed fields: access, aliases,")
    assert lines[-1].startswith("catalog/models/vision-enc.yaml:17017: field16999: unknown field;")
    assert result.stderr == "17000 problems found.\n"
    assert seconds < WALL_SECONDS


def test_file_one_byte_over_the_limit_is_not_parsed(tmp_path: Path) -> None:
    result, seconds = validate_limited(fixture_with(tmp_path, padded(VISION_ENC, MAX_BYTES + 1)))
    assert result.stdout.splitlines() == ["catalog/models/vision-enc.yaml:1: file: is 262,145 bytes; the limit is 262,144 bytes (256 KiB)"]
    assert seconds < WALL_SECONDS


def test_bibliography_over_its_limit_is_not_parsed(tmp_path: Path) -> None:
    bib = BIB.encode() + b"%" * (BIB_MAX_BYTES + 1 - len(BIB.encode()))
    result, seconds = validate_limited(fixture_with(tmp_path, bib=bib))
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["catalog/references.bib:1: file: is 8,388,609 bytes; the limit is 8,388,608 bytes (8 MiB)"]
    assert seconds < WALL_SECONDS


def test_author_bomb_in_the_bibliography(tmp_path: Path) -> None:
    names = (BIB_MAX_BYTES - len(BIB) - 100) // len("A and ")
    bib = BIB.replace("author = {Doe, Jane and Roe, Richard},", "author = {" + " and ".join(["A"] * names) + "},").encode()
    assert BIB_MAX_BYTES - 200 < len(bib) <= BIB_MAX_BYTES
    result, seconds = validate_limited(fixture_with(tmp_path, bib=bib))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"catalog/references.bib:3: bibtex: joins more than {MAX_AUTHORS:,} names with 'and' by this line; end long author lists with 'and others'"]
    assert seconds < WALL_SECONDS


def test_lineage_chain_a_thousand_models_deep_closing_in_a_cycle(tmp_path: Path) -> None:
    root = fixture_with(tmp_path)
    models = root / "catalog" / "models"
    depth = 1000
    for i in range(depth):
        text = VISION_ENC.replace("name: Vision Enc", f"name: Chain {i}").replace("roe2021vision", "doe2020base")
        (models / f"chain-{i:04d}.yaml").write_text(text + f"built_on: [chain-{(i - 1) % depth:04d}]\n", encoding="utf-8")
    result, seconds = validate_limited(root)
    assert result.returncode == 1, result.stderr
    cycle = " -> ".join(f"chain-{i:04d}" for i in [0, *range(depth - 1, -1, -1)])
    assert result.stdout.splitlines() == [f"catalog/models/chain-0000.yaml:18: built_on[0]: lineage cycle: {cycle}"]
    assert seconds < WALL_SECONDS
