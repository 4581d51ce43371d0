"""The contributor guide: CONTRIBUTING.md and the pull request template are generated and current."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import contributing
from atlas.render.escape import markdown_text
from atlas.render.field_reference import field_rows
from conftest import ROOT

SCRIPT = [sys.executable, str(ROOT / "scripts" / "contributing.py")]
FILES = ("docs/contributing.md", "CONTRIBUTING.md", ".github/PULL_REQUEST_TEMPLATE.md")
SECTIONS = ["The quick path", "Sourcing rules", "Review checklist", "Field reference"]
# Where the parametrized edits below insert a line into docs/contributing.md.
INSERTED = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8").splitlines().index("## Sourcing rules") + 3
STALE = "{} is out of date with docs/contributing.md or the schema; run python scripts/contributing.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(SCRIPT + list(args), capture_output=True, text=True, timeout=60)


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """The three files the generator reads and writes, in a scratch repository."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    return tmp_path


def table_fields(markdown: str) -> list[str]:
    return re.findall(r"^\| `([a-z_.]+)` \|", markdown, flags=re.MULTILINE)


def test_committed_files_are_current() -> None:
    result = run("--check")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_check_reports_each_stale_file_and_writing_fixes_it(copy: Path) -> None:
    guide = copy / "docs" / "contributing.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("- [ ] `sources` covers", "- [ ] The summary is in your own words.\n- [ ] `sources` covers"), encoding="utf-8")
    result = run("--check", "--root", str(copy))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [STALE.format("CONTRIBUTING.md"), STALE.format(".github/PULL_REQUEST_TEMPLATE.md")]
    before = {name: (copy / name).read_bytes() for name in FILES}
    run("--check", "--root", str(copy))
    assert {name: (copy / name).read_bytes() for name in FILES} == before  # --check writes nothing
    assert run("--root", str(copy)).stdout == "Updated CONTRIBUTING.md\nUpdated .github/PULL_REQUEST_TEMPLATE.md\n"
    assert run("--check", "--root", str(copy)).returncode == 0
    assert "- [ ] The summary is in your own words.\n" in (copy / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")


def test_hand_edits_inside_the_generated_part_are_caught(copy: Path) -> None:
    target = copy / "CONTRIBUTING.md"
    target.write_text(target.read_text(encoding="utf-8").replace("| `summary` | yes |", "| `summary` | no |"), encoding="utf-8")
    result = run("--check", "--root", str(copy))
    assert (result.returncode, result.stderr) == (1, STALE.format("CONTRIBUTING.md") + "\n")


def test_missing_markers_stop_the_generator(copy: Path) -> None:
    target = copy / ".github" / "PULL_REQUEST_TEMPLATE.md"
    target.write_text("## Checklist\n", encoding="utf-8")
    result = run("--root", str(copy))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: .github/PULL_REQUEST_TEMPLATE.md: expected the marker lines"
    assert target.read_text(encoding="utf-8") == "## Checklist\n"


@pytest.mark.parametrize(("edit", "message"), [
    (("<!-- atlas: field-reference -->", ""), "docs/contributing.md: expected <!-- atlas: field-reference --> exactly once, found it 0 times"),
    (("## Sourcing rules\n", "## Sourcing rules\n\nThere are <!-- atlas: count --> models.\n"),
     f"docs/contributing.md:{INSERTED}: only <!-- atlas: field-reference --> can be copied to CONTRIBUTING.md; other directives need the catalog"),
    (("## Sourcing rules\n", "## Sourcing rules\n\nSee [About](../about/index.md).\n"),
     f"docs/contributing.md:{INSERTED}: the relative link '../about/index.md' would break in CONTRIBUTING.md; use a full URL"),
])
def test_the_generator_refuses_what_it_cannot_copy(edit: tuple[str, str], message: str) -> None:
    guide = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8").replace(*edit)
    with pytest.raises(contributing.GeneratorError) as error:
        contributing.guide_sections(guide)
    assert str(error.value) == message


def test_contributing_keeps_the_order_and_the_five_steps() -> None:
    for name in ("CONTRIBUTING.md", "docs/contributing.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == SECTIONS, name
        quick = text.split("## The quick path")[1].split("## Sourcing rules")[0]
        assert re.findall(r"^(\d)\. \*\*", quick, flags=re.MULTILINE) == ["1", "2", "3", "4", "5"], name


def test_contributing_lists_every_schema_field_in_schema_order() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert table_fields(text) == [name for name, *_ in field_rows()]
    assert "| `summary` | yes | One plain-text sentence saying what the model is and why it matters. |" in text


@pytest.mark.parametrize("text", ['one line without < > { } [ ] * _ ` | \\ # ! @ $ % ^ = ~ " ;', "a & b", "plain words, kept as they are"])
def test_markdown_text_escapes_only_what_markdown_would_read(text: str) -> None:
    escaped = markdown_text(text)
    # Under CommonMark a backslash before ASCII punctuation stands for that character.
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[|<>`*_\[\]]", escaped)


@pytest.mark.build
def test_site_page_shows_the_same_field_reference(real_site: Path) -> None:
    page = BeautifulSoup((real_site / "contributing" / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True).rstrip("¶") for h in page.select("article h2")]
    assert headings == SECTIONS
    site_fields = [row.find("td").get_text(strip=True) for row in page.select("article table tbody tr")]
    assert site_fields == table_fields((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))
