"""Print the catalog model files changed since a commit, one per line (NUL-terminated with -z), for scripts/validate.py.

Prints nothing, so that validate.py checks the whole catalog, when a change can break files
it did not touch: a shared catalog file changed (organizations, techniques, references.bib,
the schemas) or a model file was deleted or renamed. The pull request check runs it as

    python scripts/changed_files.py -z "$BASE_SHA" > changed.txt
    mapfile -d '' -t files < changed.txt
    python scripts/validate.py --github -- "${files[@]}"

A file name may hold a line break, so only the NUL-terminated list is safe to split.

Example:
    python scripts/changed_files.py origin/main
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
MODELS = "catalog/models/"


def changed_models(base: str, root: Path = ROOT) -> list[str]:
    """Added or modified model files since ``base``; [] when the whole catalog needs checking."""
    diff = subprocess.run(
        ["git", "diff", "--name-status", "--no-renames", "-z", base, "HEAD", "--", "catalog/"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    pairs = list(zip(diff[0::2], diff[1::2]))
    if any(status.startswith("D") or not path.startswith(MODELS) for status, path in pairs):
        return []
    return sorted(path for _, path in pairs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the commit to compare HEAD with, e.g. the pull request's base")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("-z", action="store_true", help="end each path with a NUL byte instead of a line break")
    args = parser.parse_args(argv)
    try:
        paths = changed_models(args.base, args.root)
    except subprocess.CalledProcessError as exc:
        print(f"error: git diff failed: {exc.stderr.strip()}", file=sys.stderr)
        return 2
    sys.stdout.write("".join(path + ("\0" if args.z else "\n") for path in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
