"""scripts/new_model.py: the scaffold, its refusals and its arXiv entry, with arXiv's answer recorded."""
from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from atlas.schema import schema
from bs4 import BeautifulSoup

import new_model
from atlas import arxiv
from atlas.problems import Problem
from atlas.pipeline import load_catalog
from conftest import FIXTURES, ROOT, VALID, run_mkdocs
from validate import github_annotation

ANSWERS = FIXTURES / "arxiv"
EXPECTED = FIXTURES / "scaffold"
BASE = ["new-vlm", "--name", "New VLM", "--organization", "example-lab", "--released", "2024-02", "--kind", "mm-llm"]
TRANSFORMER_BIB = """\
@misc{vaswani2017newvlm,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N. and Kaiser, Lukasz and Polosukhin, Illia},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  url = {https://arxiv.org/abs/1706.03762}
}
"""
STUB_BIB = """\
% TODO: written offline by scripts/new_model.py. Copy the title and authors from
% https://arxiv.org/abs/1706.03762, then delete these two comment lines.
@misc{arxiv1706-03762,
  title = {TODO: the title of arXiv:1706.03762},
  author = {TODO},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  url = {https://arxiv.org/abs/1706.03762}
}
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real request fails the test; each test decides what arXiv answers."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tests must not use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(VALID, tmp_path / "repo"))


def answer_with(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Make arXiv answer with a recorded file; returns the ids asked for."""
    asked: list[str] = []

    def fetch(arxiv_id: str, timeout: float = 0) -> bytes:
        asked.append(arxiv_id)
        return (ANSWERS / name).read_bytes()

    monkeypatch.setattr(new_model, "fetch_arxiv", fetch)
    return asked


def scaffold(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = new_model.main([*args, "--root", str(repo)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def problems_of(repo: Path, model_id: str) -> list[str]:
    catalog, problems = load_catalog(repo, only=[repo / "catalog" / "models" / f"{model_id}.yaml"])
    assert catalog is None or not problems
    return [str(p) for p in problems]


def fill(path: Path, replacements: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


FILLED = {
    "weights: TODO  # open, restricted or closed": "weights: open",
    "code: TODO  # open, partial or closed": "code: open",
    "data: TODO  # open, partial or closed": "data: closed",
    "api: TODO  # true or false": "api: false",
    "released: TODO  # the BibTeX key or URL that supports this fact": "released: vaswani2017newvlm",
    "access: TODO\n": "access: https://example.org/new-vlm\n",
    "summary: 'TODO: one plain sentence, in your own words, saying what the model is and why it matters'":
        "summary: New VLM is a fixture model that the scaffold tests write, fill in and build.",
}


# --- success -------------------------------------------------------------------------

def test_scaffold_writes_every_required_field_with_todo_placeholders(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    code, out, err = scaffold(repo, capsys, *BASE, "--parameters", "7B", "--built-on", "base-llm")
    assert (code, err) == (0, "")
    assert out == "Wrote catalog/models/new-vlm.yaml\nNext: replace each TODO, then run python scripts/validate.py catalog/models/new-vlm.yaml\n"
    written = repo / "catalog" / "models" / "new-vlm.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/model.schema.json"
    assert text == (EXPECTED / "new-vlm.yaml").read_text(encoding="utf-8")
    assert set(snapshot(repo)) - set(before) == {"catalog/models/new-vlm.yaml"}
    assert {k: v for k, v in snapshot(repo).items() if k in before} == before


def test_validator_names_each_placeholder_until_filled(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scaffold(repo, capsys, *BASE, "--parameters", "7B", "--built-on", "base-llm")
    expected = (EXPECTED / "new-vlm.expected.txt").read_text(encoding="utf-8").splitlines()
    assert problems_of(repo, "new-vlm") == expected
    assert all("still holds the TODO placeholder; " in line for line in expected)
    fields = [line.split(": ")[1] for line in expected]
    assert fields == ["access.weights", "access.code", "access.data", "access.api", "references[0]", "sources.released", "sources.parameters", "sources.access", "summary"]


def test_scaffold_with_arxiv_adds_the_recorded_paper(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer_with(monkeypatch, "1706.03762.atom")
    bib_before = (repo / "catalog" / "references.bib").read_text(encoding="utf-8")
    code, out, err = scaffold(repo, capsys, *BASE, "--arxiv", "arXiv:1706.03762v7")
    assert (code, err, asked) == (0, "", ["1706.03762"])
    assert out.splitlines()[1] == "note: added vaswani2017newvlm to catalog/references.bib from arXiv"
    assert (repo / "catalog" / "references.bib").read_text(encoding="utf-8") == bib_before + "\n" + TRANSFORMER_BIB
    text = (repo / "catalog" / "models" / "new-vlm.yaml").read_text(encoding="utf-8")
    assert "references: [vaswani2017newvlm]  # the first is the primary source\n" in text
    assert "links:\n  paper: https://arxiv.org/abs/1706.03762\n" in text
    assert not any("references" in line for line in problems_of(repo, "new-vlm"))


@pytest.mark.build
def test_filled_scaffold_validates_and_builds(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from test_build import smoke_project

    answer_with(monkeypatch, "1706.03762.atom")
    assert scaffold(repo, capsys, *BASE, "--arxiv", "1706.03762")[0] == 0
    path = repo / "catalog" / "models" / "new-vlm.yaml"
    fill(path, FILLED)
    assert not [line for line in path.read_text(encoding="utf-8").splitlines() if "TODO" in line and not line.startswith("#")]
    catalog, problems = load_catalog(repo)
    assert [str(p) for p in problems] == []
    assert catalog.model("new-vlm").references == ("vaswani2017newvlm",)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), "--root", str(repo), str(path)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "OK: 1 file checked against the catalog, no problems.\n")
    project = smoke_project(tmp_path, repo)
    built = run_mkdocs(["build", "--strict"], project, {"ATLAS_ROOT": str(repo)})
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup((project / "site" / "models" / "new-vlm" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("h1").get_text(strip=True).rstrip("¶") == "New VLM"
    assert any("attention is all you need" in li.get_text().lower() for li in page.select("div.footnote li"))


def test_offline_writes_a_stub_that_fails_validation(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(arxiv_id: str, timeout: float = 0) -> bytes:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(new_model, "fetch_arxiv", unreachable)
    bib_before = (repo / "catalog" / "references.bib").read_text(encoding="utf-8")
    code, out, err = scaffold(repo, capsys, *BASE, "--arxiv", "1706.03762")
    assert (code, err) == (0, "")
    assert out.splitlines()[1:3] == [
        "note: could not reach arXiv (Name or service not known); wrote a stub entry marked TODO instead",
        "note: fill in the TODO fields of arxiv1706-03762 in catalog/references.bib",
    ]
    assert (repo / "catalog" / "references.bib").read_text(encoding="utf-8") == bib_before + "\n" + STUB_BIB
    fill(repo / "catalog" / "models" / "new-vlm.yaml", {**FILLED, "released: TODO  # the BibTeX key or URL that supports this fact": "released: arxiv1706-03762"})
    # The model file is complete, yet checking it still reports the stub it cites.
    line = (repo / "catalog" / "references.bib").read_text(encoding="utf-8").splitlines().index("@misc{arxiv1706-03762,") + 1
    assert problems_of(repo, "new-vlm") == [
        f"catalog/references.bib:{line}: arxiv1706-03762.author: still holds the TODO placeholder; fill it in from https://arxiv.org/abs/1706.03762",
        f"catalog/references.bib:{line}: arxiv1706-03762.title: still holds the TODO placeholder; fill it in from https://arxiv.org/abs/1706.03762",
    ]


def test_offline_flag_never_asks_arxiv(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer_with(monkeypatch, "1706.03762.atom")
    code, out, _ = scaffold(repo, capsys, *BASE, "--arxiv", "1706.03762", "--offline")
    assert (code, asked) == (0, [])
    assert "note: wrote a stub BibTeX entry marked TODO (--offline)" in out.splitlines()


def test_a_paper_already_in_the_bibliography_is_reused(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer_with(monkeypatch, "1706.03762.atom")
    bib_before = (repo / "catalog" / "references.bib").read_bytes()
    code, out, _ = scaffold(repo, capsys, *BASE, "--arxiv", "2101.00001")
    assert (code, asked) == (0, [])
    assert (repo / "catalog" / "references.bib").read_bytes() == bib_before
    assert out.splitlines()[1:3] == [
        "note: catalog/references.bib already has arXiv:2101.00001 as roe2021vision; the new entry cites it",
        "note: roe2021vision is also the primary reference of 'vision-enc'; if both models come from that paper, add shares_paper_with: [vision-enc]",
    ]
    assert "references: [roe2021vision]" in (repo / "catalog" / "models" / "new-vlm.yaml").read_text(encoding="utf-8")


# --- refusals: a clear message, exit 1, and no file changed -----------------------------

def with_args(**changes: str) -> list[str]:
    args = list(BASE)
    for flag, value in changes.items():
        if flag == "id":
            args[0] = value
        elif f"--{flag}" in args:
            args[args.index(f"--{flag}") + 1] = value
        else:
            args += [f"--{flag.replace('_', '-')}", value]
    return args


KINDS = ", ".join(schema("model")["properties"]["kind"]["enum"])
REFUSALS = {
    "existing id": (with_args(id="base-llm"), ["catalog/models/base-llm.yaml already exists; edit that file, or choose another id"]),
    "unknown organization": (with_args(organization="example-labs"), ["unknown organization 'example-labs'; did you mean 'example-lab'?; add it to catalog/organizations.yaml first"]),
    "invalid id": (with_args(id="New_VLM"), ["'New_VLM' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'; did you mean 'new-vlm'?"]),
    "date in the wrong form": (with_args(released="Feb 2024"), ["--released must be YYYY, YYYY-MM or YYYY-MM-DD (got 'Feb 2024')"]),
    "date that does not exist": (with_args(released="2024-02-30"), ["--released '2024-02-30' is not a real date: day 30 does not exist in 2024-02"]),
    "date in the future": (with_args(released="2999-01"), ["--released '2999-01' is in the future"]),
    "unknown kind": (with_args(kind="mm_llm"), [f"unknown kind 'mm_llm'; did you mean 'mm-llm'?; allowed: {KINDS}"]),
    "invalid arXiv id": (with_args(arxiv="2304.8485"), ["--arxiv '2304.8485' is not an arXiv id: write it as 2304.08485 (or hep-th/9901001 for papers before 2007)"]),
    "bad parameter count": (with_args(parameters="7 billion"), ["parameters: must be a number with K, M, B or T (\"13B\", \"1.8T\"), or \"undisclosed\" (got '7 billion')"]),
    "name taken": (with_args(name="Base-LLM"), ["name: 'Base-LLM' clashes with 'Base LLM' of model 'base-llm' (catalog/models/base-llm.yaml); names and aliases must be unique, ignoring case, punctuation and look-alike letters"]),
    "unknown built_on": (with_args(built_on="base-lm"), ["built_on[0]: unknown model 'base-lm'; did you mean 'base-llm'?"]),
    "several at once": (
        with_args(id="New VLM", organization="nobody", released="2024-13"),
        [
            "'New VLM' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'; did you mean 'new-vlm'?",
            "unknown organization 'nobody'; add it to catalog/organizations.yaml first",
            "--released '2024-13' is not a real date: month 13 does not exist",
        ],
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refusals_print_a_message_and_change_nothing(case: str, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer_with(monkeypatch, "1706.03762.atom")
    args, messages = REFUSALS[case]
    before = snapshot(repo)
    code, out, err = scaffold(repo, capsys, *args)
    assert (code, out, asked) == (1, "", [])
    assert err.splitlines() == [f"error: {m}" for m in messages] + ["Nothing was written."]
    assert snapshot(repo) == before


@pytest.mark.parametrize(("answer", "arxiv_id", "message"), [
    ("empty.atom", "2312.99999", "arXiv has no paper with the id '2312.99999'; check it on https://arxiv.org/abs/2312.99999"),
    ("error.atom", "0701.0001", "arXiv refused the id '0701.0001': incorrect id format for 0701.0001"),
])
def test_refused_when_arxiv_knows_no_such_paper(answer: str, arxiv_id: str, message: str, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    answer_with(monkeypatch, answer)
    before = snapshot(repo)
    code, out, err = scaffold(repo, capsys, *BASE, "--arxiv", arxiv_id)
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"error: {message}", "Nothing was written."]
    assert snapshot(repo) == before


def test_missing_required_flag_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exit_info:
        new_model.main(BASE[:-2] + ["--root", str(repo)])
    assert exit_info.value.code == 2
    assert "the following arguments are required: --kind" in capsys.readouterr().err
    assert snapshot(repo) == before


# --- arXiv helpers and the annotation format ---------------------------------------------

@pytest.mark.parametrize(("text", "expected", "year"), [
    ("2304.08485", "2304.08485", 2023),
    ("arXiv:2304.08485v2", "2304.08485", 2023),
    ("https://arxiv.org/pdf/2304.08485v1.pdf", "2304.08485", 2023),
    ("hep-th/9901001", "hep-th/9901001", 1999),
    ("cs/0112017v1", "cs/0112017", 2001),
])
def test_arxiv_ids_are_normalized(text: str, expected: str, year: int) -> None:
    assert arxiv.normalize_id(text) == expected
    assert arxiv.id_year(expected) == year


@pytest.mark.parametrize(("name", "bibtex"), [
    ("Aidan N. Gomez", "Gomez, Aidan N."),
    ("Yong Jae Lee", "Lee, Yong Jae"),
    ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
    ("John Smith Jr.", "Smith, Jr., John"),
    ("Plato", "Plato"),
])
def test_author_names_in_bibtex_order(name: str, bibtex: str) -> None:
    assert arxiv.bibtex_name(name) == bibtex


def test_titles_keep_their_capitals_and_escape_tex() -> None:
    paper = arxiv.Paper("2310.03744", "Improved Baselines with Visual Instruction Tuning for LLaVA & GPT-4 at 100%", ("Haotian Liu",), "2023-10-05")
    entry = arxiv.bibtex_entry("liu2023llava15", paper)
    assert "  title = {Improved Baselines with Visual Instruction Tuning for {LLaVA} \\& {GPT-4} at 100\\%},\n" in entry


def test_github_annotation_format_escapes_values() -> None:
    problem = Problem("catalog/models/a,b:c%.yaml", 7, "summary", "50% done\nand more")
    # A problem is one line from the start (its line break is written as \n), so no annotation
    # can end early and start a workflow command of its own.
    annotation = github_annotation(problem)
    assert annotation == "::error file=catalog/models/a%2Cb%3Ac%25.yaml,line=7::summary: 50%25 done\\nand more"
    assert "\n" not in annotation and "\r" not in annotation


def test_placeholders_become_annotations_on_their_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scaffold(repo, capsys, *BASE)
    path = repo / "catalog" / "models" / "new-vlm.yaml"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), "--github", "--root", str(repo), str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert annotations[0] == "::error file=catalog/models/new-vlm.yaml,line=12::access.weights: still holds the TODO placeholder; set it from the official release: open, restricted or closed"
    for annotation in annotations:
        line = int(annotation.split(",line=")[1].split("::")[0])
        field = annotation.split("::")[2].split(":")[0]
        assert "TODO" in lines[line - 1], (field, lines[line - 1])
    assert len(annotations) == 8
