"""Validation of fixture catalogs: the valid one passes, each broken one gives exact messages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from atlas.pipeline import load_catalog
from atlas.lookalikes import name_key
from conftest import INVALID, ROOT, VALID, overlay_case

CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())


def test_valid_fixture_loads_and_links_both_ways() -> None:
    catalog, problems = load_catalog(VALID)
    assert problems == []
    assert [m.id for m in catalog.models] == ["base-llm", "demo-vlm", "vision-enc"]
    assert catalog.model("base-llm").used_by == ("demo-vlm",)
    assert catalog.model("demo-vlm").built_on == ("base-llm", "vision-enc")
    assert catalog.model("base-llm").parameter_count == 7_000_000_000
    assert catalog.model("demo-vlm").parameter_count is None
    assert catalog.model("demo-vlm").parts[0] == ("modality_encoder", ("vision-enc",))


@pytest.mark.parametrize("case", CASES)
def test_invalid_case_reports_exact_messages(case: str, tmp_path: Path) -> None:
    root = overlay_case(INVALID / case, tmp_path / "repo")
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    catalog, problems = load_catalog(root)
    assert catalog is None
    assert [str(p) for p in problems] == expected


def test_there_are_enough_invalid_cases() -> None:
    assert len(CASES) >= 50


def test_name_key_folds_lookalikes_and_punctuation() -> None:
    assert name_key("LLaVA 1.5") == name_key("llava-1.5") == name_key("LLaVA-1.5")
    assert name_key("Dеmo") == name_key("Demo")  # Cyrillic е
    assert name_key("GPT-4") != name_key("GPT-4o")


# The look-alike letters the validator once kept in a hand-written table; Unicode's data folds every one.
OLD_TABLE = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ɡ": "g", "һ": "h", "ν": "v", "ο": "o", "α": "a", "ι": "i", "ρ": "p",
    "Ι": "i", "Ο": "o", "Α": "a", "Β": "b", "Ε": "e", "Κ": "k", "Μ": "m", "Ν": "n", "Τ": "t", "Χ": "x",
    "Ζ": "z", "Н": "h", "М": "m", "Т": "t", "В": "b", "К": "k", "ı": "i", "ɩ": "i",
}


@pytest.mark.parametrize("letter", sorted(OLD_TABLE))
def test_unicode_confusables_fold_every_letter_the_old_table_did(letter: str) -> None:
    latin = OLD_TABLE[letter]
    assert name_key(f"Mod{letter}l") == name_key(f"Mod{latin}l") == name_key(f"MOD{latin.upper()}L")


def test_lookalikes_come_from_unicodes_table_and_nothing_else() -> None:
    from atlas import lookalikes

    assert lookalikes.unicode_version().split(".")[0].isdigit()
    assert f"version {lookalikes.unicode_version()}" in (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    # Scripts no hand-kept list covered: Cherokee, Lisu, Coptic, Komi, mathematical letters.
    for fake, real in [("Ꮯlaude", "Claude"), ("ꓑhi", "Phi"), ("Ⲣhi", "Phi"), ("Ԍemma", "Gemma"), ("Gemmа", "Gemma"), ("𝖢laude", "Claude")]:
        assert name_key(fake) == name_key(real), fake
    # The package's own additions ("a" as "@", "e" as "3") are not Unicode's and are not read.
    assert lookalikes.fold("a3e@") == "a3e@"
    # ASCII stays as it is: Unicode maps "1" and "I" to "l", but these are different names.
    assert name_key("DeepSeek-V1") != name_key("DeepSeek-VL")
    assert name_key("Gemma") != name_key("Gernrna")


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), *args], capture_output=True, text=True, timeout=120)


def test_validate_script_whole_catalog_ok() -> None:
    result = run_validate("--root", str(VALID))
    assert result.returncode == 0
    assert result.stdout == "OK: 3 models, no problems.\n"


def test_validate_script_reports_and_exits_1(tmp_path: Path) -> None:
    root = overlay_case(INVALID / "bad-enum", tmp_path / "repo")
    result = run_validate("--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == (INVALID / "bad-enum" / "expected.txt").read_text().splitlines()
    assert "Traceback" not in result.stderr
    assert result.stderr == "3 problems found.\n"


def test_validate_script_given_paths_reports_only_those(tmp_path: Path) -> None:
    root = overlay_case(INVALID / "bad-enum", tmp_path / "repo")
    good = root / "catalog" / "models" / "demo-vlm.yaml"
    assert run_validate("--root", str(root), str(good)).returncode == 0
    bad = root / "catalog" / "models" / "vision-enc.yaml"
    result = run_validate("--root", str(root), str(bad))
    assert result.returncode == 1
    assert all(line.startswith("catalog/models/vision-enc.yaml:") for line in result.stdout.splitlines())


def test_validate_script_checks_a_new_file_against_the_catalog(tmp_path: Path) -> None:
    new = tmp_path / "new-model.yaml"
    new.write_text((VALID / "catalog" / "models" / "vision-enc.yaml").read_text().replace("Vision Enc", "Base LLM"), encoding="utf-8")
    result = run_validate("--root", str(VALID), str(new))
    assert result.returncode == 1
    assert "clashes with 'Base LLM' of model 'base-llm'" in result.stdout


def test_github_annotations(tmp_path: Path) -> None:
    root = overlay_case(INVALID / "unknown-organization", tmp_path / "repo")
    result = run_validate("--root", str(root), "--github")
    assert result.stdout.splitlines()[1] == "::error file=catalog/models/vision-enc.yaml,line=2::organizations[0]: unknown organization 'example-labs'; did you mean 'example-lab'?; add it to catalog/organizations.yaml"


def test_model_files_named_for_windows_devices_are_refused(tmp_path: Path) -> None:
    # Made here, not kept as fixture files: the repository itself could not be checked out on Windows.
    root = overlay_case(INVALID / "empty-file", tmp_path / "repo")
    models = root / "catalog" / "models"
    (models / "vision-enc.yaml").write_text((VALID / "catalog" / "models" / "vision-enc.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("con", "lpt1", "com9", "nul"):
        (models / f"{name}.yaml").write_text("name: x\n", encoding="utf-8")
    catalog, problems = load_catalog(root)
    assert catalog is None
    reason = "is a name Windows reserves for a device (con, prn, aux, nul, com1 to com9, lpt1 to lpt9), so the repository could not be checked out there; choose another id"
    assert [str(p) for p in problems] == [f"catalog/models/{name}.yaml:1: id: file name {name!r} {reason}" for name in ("com9", "con", "lpt1", "nul")]
