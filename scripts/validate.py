"""Validate the MM-LLM Atlas catalog and print every problem as path:line: field: message.

Results for unchanged files are kept in .cache/ (or $ATLAS_CACHE_DIR), so a second run
reads only the files that changed; --no-cache checks everything afresh.

Examples:
    python scripts/validate.py                              # the whole catalog
    python scripts/validate.py catalog/models/llava.yaml    # one file, against the catalog
    python scripts/validate.py --github catalog/models/x.yaml   # also emit ::error annotations
    python scripts/validate.py --github -- "${files[@]}"        # file names that start with - are not options
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

from atlas.pipeline import load_catalog  # noqa: E402
from atlas.problems import Problem  # noqa: E402

# Workflow commands end at a line break, and their properties at ":" and ",".
DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
PROPERTY_ESCAPES = {**DATA_ESCAPES, ":": "%3A", ",": "%2C"}


def _escaped(text: str, escapes: dict[str, str]) -> str:
    return "".join(escapes.get(ch, ch) for ch in text)


def github_annotation(problem) -> str:
    """A GitHub Actions workflow command that marks the line in the pull request's diff."""
    message = _escaped(f"{problem.field}: {problem.message}", DATA_ESCAPES)
    return f"::error file={_escaped(problem.path, PROPERTY_ESCAPES)},line={problem.line}::{message}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="model files to check (default: the whole catalog)")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("--github", action="store_true", help="also print GitHub Actions ::error annotations")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not write the cache of unchanged files")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    cache_dir = None if args.no_cache else Path(os.environ.get("ATLAS_CACHE_DIR") or root / ".cache")
    try:
        # Paths stay as given (made absolute): a link is checked, and named, as itself.
        only = [Path(os.path.abspath(p)) for p in args.paths] or None
        models = {root / "catalog" / "models", Path(os.path.abspath(args.root)) / "catalog" / "models"}
        extra = [p for p in (only or []) if p.parent not in models]
        missing = [p for p in (only or []) if not os.path.lexists(p)]
        for path in missing:
            print(Problem(str(path), 1, "file", "does not exist"), file=sys.stderr)
        if missing:
            return 1
        checked = [p for p in extra if p.suffix in (".yaml", ".yml")]
        _, problems = load_catalog(root, only=[p for p in only or [] if p.suffix in (".yaml", ".yml")] or None, extra=checked, cache_dir=cache_dir, build=False)
    except Exception as exc:  # never show a contributor a traceback
        print(Problem("catalog", 1, "internal", f"the validator failed unexpectedly ({type(exc).__name__}: {exc}); please report this"), file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
        if args.github:
            print(github_annotation(problem))
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", file=sys.stderr)
        return 1
    if only:
        print(f"OK: {len(only)} file{'s' if len(only) != 1 else ''} checked against the catalog, no problems.")
        return 0
    # No problems, so every .yaml file in catalog/models (and every extra one) is one model.
    models = root / "catalog" / "models"
    count = sum(1 for p in models.glob("*.yaml") if not p.name.startswith(".") and p.is_file()) + len(checked) if models.is_dir() else len(checked)
    print(f"OK: {count} models, no problems.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
