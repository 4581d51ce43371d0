"""Start a new catalog entry: write catalog/models/<id>.yaml with TODO where only you can answer.

The file begins with the `# yaml-language-server: $schema=` line, so editors complete and check
fields as you type. It holds every required field; summary, references, sources and any access
level not given on the command line are TODO placeholders, and scripts/validate.py names each
one until it is filled. With --arxiv, the paper's BibTeX entry is added to
catalog/references.bib from arXiv's API, or as a stub marked TODO when arXiv cannot be reached.
Bad arguments are refused with a message, and then nothing is written.

Examples:
    python scripts/new_model.py llava-1-5 --name LLaVA-1.5 --organization uw-madison \\
        --organization microsoft-research --released 2023-10 --kind mm-llm --arxiv 2310.03744
    python scripts/new_model.py my-llm --name "My LLM" --organization meta --released 2024-04 \\
        --kind llm --parameters 8B --weights open --code open --data closed --api no
"""
from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

from atlas import arxiv, scaffold  # noqa: E402
from atlas.bibliography import read_bibliography  # noqa: E402

ARXIV_TIMEOUT = 10.0  # seconds; past that the scaffold writes a stub instead of waiting
USER_AGENT = "mm-llm-atlas-new-model/1 (+https://github.com/mm-llm-atlas/atlas)"
LINK_FLAGS = {"paper": "paper", "code_url": "code", "weights_url": "weights", "website": "website", "demo": "demo"}


def fetch_arxiv(arxiv_id: str, timeout: float = ARXIV_TIMEOUT) -> bytes:
    """arXiv's Atom answer for one id (the only network call of the scaffold)."""
    request = urllib.request.Request(arxiv.API_URL.format(id=arxiv_id), headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - fixed https URL
        return answer.read(arxiv.MAX_ANSWER_BYTES + 1)


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Repeated flags and comma-separated lists alike: --input text,image --input video."""
    return tuple(item.strip() for value in values or () for item in value.split(",") if item.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="new_model.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("id", help="the new model's id and file name: lowercase letters, digits, single hyphens (llava-1-5)")
    parser.add_argument("--name", required=True, help="display name, as the developers write it (LLaVA-1.5)")
    parser.add_argument("--organization", action="append", required=True, metavar="ORG_ID", help="id from catalog/organizations.yaml; repeat for several, lead developer first")
    parser.add_argument("--released", required=True, metavar="DATE", help="first public release or paper: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--kind", required=True, help=f"one of: {', '.join(scaffold.kinds())}")
    parser.add_argument("--arxiv", metavar="ID", help="primary paper on arXiv (2310.03744): adds its BibTeX entry and the paper link")
    parser.add_argument("--offline", action="store_true", help="with --arxiv, do not ask arXiv; write a stub entry marked TODO")
    parser.add_argument("--alias", action="append", help="another name people search for; repeatable")
    parser.add_argument("--input", action="append", metavar="MODALITY", help="input modalities, e.g. text,image (default: the usual ones of the kind)")
    parser.add_argument("--output", action="append", metavar="MODALITY", help="output modalities, e.g. text")
    parser.add_argument("--parameters", help='largest variant\'s parameter count: "13B", "560M", or "undisclosed"')
    parser.add_argument("--built-on", action="append", metavar="MODEL_ID", help="catalog model this one reuses; repeatable")
    parser.add_argument("--technique", action="append", metavar="TECHNIQUE_ID", help="id from catalog/techniques.yaml; repeatable")
    parser.add_argument("--weights", choices=("open", "restricted", "closed"), help="weights access (default: TODO)")
    parser.add_argument("--code", choices=("open", "partial", "closed"), help="code access (default: TODO)")
    parser.add_argument("--data", choices=("open", "partial", "closed"), help="training data access (default: TODO)")
    parser.add_argument("--api", choices=("yes", "no"), help="does the developer offer a hosted API (default: TODO)")
    parser.add_argument("--license", help='SPDX id ("Apache-2.0"), licence name, or "proprietary"')
    parser.add_argument("--paper", help="URL of the primary paper (default with --arxiv: its arXiv page)")
    parser.add_argument("--code-url", help="URL of the official code repository")
    parser.add_argument("--weights-url", help="URL where the weights are published")
    parser.add_argument("--website", help="URL of the official announcement or product page")
    parser.add_argument("--demo", help="URL of an official demo")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    return parser


def _draft(args: argparse.Namespace, arxiv_id: str | None) -> scaffold.Draft:
    links = [(LINK_FLAGS[flag], getattr(args, flag)) for flag in LINK_FLAGS if getattr(args, flag)]
    if arxiv_id and not args.paper:
        links.insert(0, ("paper", arxiv.ABS_URL.format(id=arxiv_id)))
    return scaffold.Draft(
        model_id=args.id,
        name=args.name,
        organizations=_split(args.organization),
        released=args.released,
        kind=args.kind,
        inputs=_split(args.input),
        outputs=_split(args.output),
        aliases=tuple(args.alias or ()),
        parameters=args.parameters,
        built_on=_split(args.built_on),
        techniques=_split(args.technique),
        weights=args.weights,
        code=args.code,
        data=args.data,
        api=None if args.api is None else args.api == "yes",
        license=args.license,
        links=tuple(links),
    )


def _refuse(errors: list[str]) -> int:
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)
    return 1


def _same_paper(eprint: str, arxiv_id: str) -> bool:
    try:
        return bool(eprint) and arxiv.normalize_id(eprint) == arxiv_id
    except arxiv.ArxivError:
        return False


def _bibtex(arxiv_id: str, model_id: str, bib_path: Path, offline: bool) -> tuple[str, str | None, list[str]]:
    """(key, entry to append or None to reuse an existing one, notes for the contributor)."""
    references, _ = read_bibliography(bib_path.read_bytes() if bib_path.exists() else b"", "catalog/references.bib")
    for key, reference in references.items():
        if _same_paper(reference.get("eprint"), arxiv_id):
            notes = [f"catalog/references.bib already has arXiv:{arxiv_id} as {key}; the new entry cites it"]
            for other in scaffold.primary_users(bib_path.parents[1], key):
                notes.append(f"{key} is also the primary reference of {other!r}; if both models come from that paper, add shares_paper_with: [{other}]")
            return key, None, notes
    if not offline:
        try:
            paper = arxiv.parse_answer(fetch_arxiv(arxiv_id), arxiv_id)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            offline_note = f"could not reach arXiv ({reason}); wrote a stub entry marked TODO instead"
        else:
            key = arxiv.bibtex_key(paper, model_id)
            base, suffix = key, ord("b")
            while key in references:
                key, suffix = f"{base}{chr(suffix)}", suffix + 1
            return key, arxiv.bibtex_entry(key, paper), [f"added {key} to catalog/references.bib from arXiv"]
    else:
        offline_note = "wrote a stub BibTeX entry marked TODO (--offline)"
    key = arxiv.stub_key(arxiv_id)
    return key, arxiv.stub_entry(key, arxiv_id), [offline_note, f"fill in the TODO fields of {key} in catalog/references.bib"]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = args.root.resolve()
    arxiv_id = None
    errors = []
    if args.arxiv:
        try:
            arxiv_id = arxiv.normalize_id(args.arxiv)
        except arxiv.ArxivError as exc:
            errors.append(f"--arxiv {exc}")
    draft = _draft(args, arxiv_id)
    errors = scaffold.refusals(draft, root) + errors
    if scaffold.ID_RE.fullmatch(draft.model_id):
        errors += scaffold.validator_problems(draft, root)
    if errors:
        return _refuse(errors)

    notes: list[str] = []
    entry = None
    bib_path = root / "catalog" / "references.bib"
    if arxiv_id:
        try:
            key, entry, notes = _bibtex(arxiv_id, draft.model_id, bib_path, args.offline)
        except arxiv.ArxivError as exc:
            return _refuse([str(exc)])
        draft = replace(draft, references=(key,))

    target = root / draft.relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(scaffold.render(draft))
    if entry:
        existing = bib_path.read_text(encoding="utf-8") if bib_path.exists() else ""
        separator = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
        with bib_path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(separator + entry)
    print(f"Wrote {draft.relative_path}")
    for note in notes:
        print(f"note: {note}")
    print(f"Next: replace each TODO, then run python scripts/validate.py {draft.relative_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
