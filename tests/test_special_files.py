"""Links and special files under catalog/ are named and refused, and never read through.

They cannot be kept as fixture files (a checkout makes a link a plain file on some systems,
and git keeps no pipes), so each case is made here on a copy of the valid fixture catalog.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from atlas.pipeline import load_catalog
from conftest import ROOT, VALID

FIX = "catalog files must be regular files: put the file itself here"
SECRET = "secret: build machine\n"


def repo(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(VALID, tmp_path / "repo"))
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    catalog, problems = load_catalog(root)
    assert catalog is None
    return [str(p) for p in problems]


def test_symbolic_links_anywhere_under_catalog_are_refused(tmp_path: Path) -> None:
    root = repo(tmp_path)
    catalog = root / "catalog"
    (catalog / "models" / "leak.yaml").symlink_to("../../../secret.yaml")
    (catalog / "schema").mkdir()
    (catalog / "schema" / "model.schema.json").symlink_to("/etc/hostname")
    (catalog / "models" / "folder").symlink_to("/")
    techniques = catalog / "techniques.yaml"
    techniques.rename(tmp_path / "techniques.yaml")
    techniques.symlink_to(tmp_path / "techniques.yaml")
    assert problems_of(root) == [
        f"catalog/models/folder:1: file: is a symbolic link (to '/'); {FIX}",
        f"catalog/models/leak.yaml:1: file: is a symbolic link (to '../../../secret.yaml'); {FIX}",
        f"catalog/schema/model.schema.json:1: file: is a symbolic link (to '/etc/hostname'); {FIX}",
        f"catalog/techniques.yaml:1: file: is a symbolic link (to {str(tmp_path / 'techniques.yaml')!r}); {FIX}",
    ]


def test_hard_links_are_refused(tmp_path: Path) -> None:
    root = repo(tmp_path)
    os.link(tmp_path / "secret.yaml", root / "catalog" / "models" / "leak.yaml")
    bib = root / "catalog" / "references.bib"
    os.link(bib, tmp_path / "references.bib")
    assert problems_of(root) == [
        f"catalog/models/leak.yaml:1: file: is a hard link (2 names share its content); {FIX}, a copy rather than a link",
        f"catalog/references.bib:1: file: is a hard link (2 names share its content); {FIX}, a copy rather than a link",
    ]


def test_named_pipes_are_refused_without_waiting(tmp_path: Path) -> None:
    root = repo(tmp_path)
    os.mkfifo(root / "catalog" / "models" / "stdin.yaml")
    bib = root / "catalog" / "references.bib"
    bib.unlink()
    os.mkfifo(bib)
    (root / "catalog" / "models" / "tty.yaml").symlink_to("/dev/stdin")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), "--root", str(root)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.PIPE,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"catalog/models/stdin.yaml:1: file: is a named pipe (FIFO); {FIX}",
        f"catalog/models/tty.yaml:1: file: is a symbolic link (to '/dev/stdin'); {FIX}",
        f"catalog/references.bib:1: file: is a named pipe (FIFO); {FIX}",
    ]


def test_a_linked_file_given_to_the_validator_is_named_as_itself(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "new-model.yaml").symlink_to(tmp_path / "secret.yaml")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), "--root", str(root), str(root / "new-model.yaml")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"new-model.yaml:1: file: is a symbolic link (to {str(tmp_path / 'secret.yaml')!r}); {FIX}"]
