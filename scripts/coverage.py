"""How much of the anchors' model lists the catalog holds, read from the coverage worklist.

The worklist (scripts/data/coverage-worklist.md, the team's ranked list of models the catalog
lacked on 2026-11-27) names the MM-LLMs survey's models that were missing (ranked rows with
reason survey-table, and appendix B) and the 50 most-starred model repositories of the
Awesome-MLLM list (appendix C). This script matches each name against the catalog's names
and aliases, folded as validation folds them, and prints the counts and what is still missing.

Examples:
    python scripts/coverage.py                 # counts and the missing names
    python scripts/coverage.py --ranks 1-100   # also the worklist rows of those ranks not in the catalog
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

from atlas.pipeline import load_catalog  # noqa: E402
from atlas.lookalikes import name_key  # noqa: E402

WORKLIST = ROOT / "scripts" / "data" / "coverage-worklist.md"
# What the worklist counted as held before its lists of missing models (its "Coverage ratios" table).
SURVEY_TOTAL, SURVEY_HELD_BEFORE, SURVEY_CUTOFF = 137, 23, "2024-05"
# Names the worklist writes differently from the developers, and rows that are a method, not a model.
SPELLINGS = {"v*": "v-star", "asm": "all-seeing-model", "rpg": "rpg-diffusionmaster", "α-umi": "alpha-umi", "magistral": "magistral-medium", "cosmos world models": "cosmos"}


def names_of(cell: str) -> list[str]:
    """The model names a worklist cell gives: 'Monkey / TextMonkey' and 'VILA, NVILA' -> both; what a
    parenthesis names too ('Mistral 3 (Mistral Large 3, Ministral 3)'); version lists dropped ('1/2/2.5')."""
    inside = [part for group in re.findall(r"\(([^)]*)\)", cell) for part in group.split(",")]
    outside = re.sub(r"\([^)]*\)", "", cell)
    parts = re.split(r"\s+/\s+|\s+and\s+|,\s*", outside) + inside
    names = [re.sub(r"\s+\d+(\.\d+)?(/\d+(\.\d+)?)+$", "", part.strip()) for part in parts]
    return [name for name in names if name]


def held(names: list[str], keys: set[str]) -> bool:
    return any(name_key(SPELLINGS.get(n.lower(), n)) in keys for n in names)


def rows(text: str) -> list[dict[str, str]]:
    """The ranked table's rows."""
    table = text.split("## Ranked list", 1)[1].split("## Appendix A", 1)[0]
    out = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 8 and cells[0].isdigit():
            out.append({"rank": cells[0], "model": cells[1], "released": cells[3], "reason": cells[6]})
    return out


def appendix(text: str, letter: str) -> str:
    return text.split(f"## Appendix {letter}.", 1)[1].split("\n## ", 1)[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worklist", type=Path, default=WORKLIST, help="the worklist file (default: scripts/data/coverage-worklist.md)")
    parser.add_argument("--ranks", help="also list the rows of these ranks (e.g. 1-100) the catalog does not hold")
    args = parser.parse_args(argv)
    catalog, problems = load_catalog(ROOT, build=True)
    if catalog is None:
        print(f"the catalog has {len(problems)} problem(s); run scripts/validate.py", file=sys.stderr)
        return 1
    keys = {name_key(label) for m in catalog.models for label in (m.name, *m.aliases, m.id)}
    text = args.worklist.read_text(encoding="utf-8")
    ranked = rows(text)
    survey = [(r["model"], r["released"]) for r in ranked if r["reason"] == "survey-table"]
    survey += [(m.group(1).strip(), m.group(2)) for m in re.finditer(r"(?:^|, |\n)([^,(\n]+?) \((\d{4}-\d{2}), [^)]*\)", appendix(text, "B").split("with arXiv ids:", 1)[1])]
    early = [(name, date) for name, date in survey if date <= SURVEY_CUTOFF]
    found = [name for name, _ in early if held(names_of(name), keys)]
    total_held = SURVEY_HELD_BEFORE + len(found)
    print(f"MM-LLMs survey table (models to {SURVEY_CUTOFF}): {SURVEY_HELD_BEFORE} held before + {len(found)} of the {len(early)} the worklist lists as missing"
          f" = {total_held} of {SURVEY_TOTAL} ({100 * total_held / SURVEY_TOTAL:.0f}%)")
    late = [(name, date) for name, date in survey if date > SURVEY_CUTOFF]
    print(f"  and {sum(held(names_of(n), keys) for n, _ in late)} of the {len(late)} later survey-site models")
    print("  missing: " + ", ".join(name for name, _ in early if name not in found))
    top = []
    for line in appendix(text, "C").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit():
            top.append((cells[1], cells[2], cells[4]))
    have = [(repo, models) for repo, models, state in top if state.startswith("present") or held(names_of(models), keys)]
    print(f"Awesome-MLLM top-50 repositories: {len(have)} of {len(top)} have their model in the catalog")
    print("  missing: " + ", ".join(f"{repo} ({models})" for repo, models, _ in top if (repo, models) not in have))
    if args.ranks:
        low, high = (int(x) for x in args.ranks.split("-"))
        absent = [r for r in ranked if low <= int(r["rank"]) <= high and not held(names_of(r["model"]), keys)]
        print(f"Worklist ranks {low}-{high}: {high - low + 1 - len(absent)} of {high - low + 1} in the catalog")
        for r in absent:
            print(f"  {r['rank']}: {r['model']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
