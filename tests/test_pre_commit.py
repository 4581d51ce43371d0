"""The pre-commit hooks: a valid config whose hooks check the catalog files a commit touches."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

CONFIG = ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict]:
    [repo] = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["repos"]
    assert repo["repo"] == "local"
    return {hook["id"]: hook for hook in repo["hooks"]}


def pins(text: str) -> dict[str, str]:
    """{normalized name: version} of the `name==version` lines of a requirements file."""
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, flags=re.MULTILINE)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in found}


def test_config_is_valid_for_pre_commit() -> None:
    pytest.importorskip("pre_commit")
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(CONFIG)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_changed_model_files_are_validated_against_the_catalog() -> None:
    hook = hooks()["validate-models"]
    assert hook["entry"] == "python scripts/validate.py"
    assert hook.get("pass_filenames", True) is True
    pattern = re.compile(hook["files"])
    assert pattern.search("catalog/models/llava.yaml") and pattern.search("catalog/models/llava.yml")
    assert not pattern.search("catalog/organizations.yaml") and not pattern.search("docs/index.md")


def test_a_shared_catalog_file_checks_the_whole_catalog() -> None:
    hook = hooks()["validate-catalog"]
    assert (hook["entry"], hook["pass_filenames"]) == ("python scripts/validate.py", False)
    pattern = re.compile(hook["files"])
    for path in ("catalog/organizations.yaml", "catalog/techniques.yaml", "catalog/references.bib", "catalog/schema/model.schema.json"):
        assert pattern.search(path), path
    assert not pattern.search("catalog/models/llava.yaml")


def test_generated_contributor_guide_is_checked() -> None:
    hook = hooks()["contributing-current"]
    assert (hook["entry"], hook["pass_filenames"]) == ("python scripts/contributing.py --check", False)
    pattern = re.compile(hook["files"])
    for path in ("docs/contributing.md", "CONTRIBUTING.md", ".github/PULL_REQUEST_TEMPLATE.md", "catalog/schema/model.schema.json"):
        assert pattern.search(path), path


def test_hook_environment_is_pinned_like_requirements_txt() -> None:
    pinned = pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    lists = [hook["additional_dependencies"] for hook in hooks().values()]
    assert all(deps == lists[0] for deps in lists)
    wanted = pins("\n".join(lists[0]))
    assert {name: pinned.get(name) for name in wanted} == wanted
    # What scripts/validate.py and scripts/contributing.py import, with what those need.
    assert {"pyyaml", "jsonschema", "fastjsonschema", "pybtex", "markupsafe", "referencing", "rpds-py", "latexcodec"} <= set(wanted)
