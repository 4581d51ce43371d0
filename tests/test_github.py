"""The GitHub side: workflows (actionlint and least privilege), issue forms, and the changed-file list."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from atlas.render.model_page import ISSUES_URL, report_url
from atlas.schema import schema
from atlas.pipeline import load_catalog
from changed_files import changed_models
from conftest import ROOT, VALID

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = GITHUB / "ISSUE_TEMPLATE"
USES_RE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$", re.MULTILINE)
FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def runs(data: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(data) if "run" in step]


# --- workflows ---------------------------------------------------------------------------

def actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def test_workflows_pass_actionlint() -> None:
    exe = actionlint()
    if exe is None:
        if os.environ.get("ATLAS_REQUIRE_ACTIONLINT"):
            pytest.fail("actionlint is not installed; pip install -r requirements-ci.txt")
        pytest.skip("actionlint is not installed (pip install -r requirements-ci.txt)")
    result = subprocess.run([exe, "-no-color", "-oneline", *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize(
    ("schema", "pattern"),
    [("vendor.github-workflows", "workflows/*.yml"), ("vendor.github-issue-forms", "ISSUE_TEMPLATE/[a-z]*-*.yml"), ("vendor.dependabot", "dependabot.yml")],
)
def test_github_files_match_their_published_schemas(schema: str, pattern: str) -> None:
    """A schema check that always runs: check-jsonschema ships SchemaStore's schemas offline."""
    files = sorted((ROOT / ".github").glob(pattern))
    assert files
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stdout + result.stderr


def test_a_broken_workflow_fails_the_schema_check(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    stepz: []\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1


def test_there_are_the_two_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["deploy.yml", "pr-check.yml"]


def test_pr_check_runs_on_pull_request_never_pull_request_target() -> None:
    assert workflow("pr-check.yml")["on"] == {"pull_request": None}
    for path in WORKFLOWS:
        assert "pull_request_target" not in workflow(path.name)["on"], path.name
        code = [line.split("#")[0] for line in path.read_text(encoding="utf-8").splitlines()]
        assert not any("pull_request_target" in line for line in code), path.name


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        found = list(USES_RE.finditer(text))
        assert len(found) == text.count("uses:"), path.name
        for match in found:
            assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{path.name}: {match['action']}@{match['ref']}"
            assert re.fullmatch(r"v\d+\.\d+\.\d+", match["comment"] or ""), f"{path.name}: {match['action']} needs a '# vX.Y.Z' comment"
            pins.setdefault(match["action"], set()).add(f"{match['ref']} {match['comment']}")
    assert {action: len(refs) for action, refs in pins.items()} == {
        "actions/checkout": 1, "actions/setup-python": 1, "actions/upload-pages-artifact": 1, "actions/deploy-pages": 1,
    }


def test_least_privilege() -> None:
    for name in ("pr-check.yml", "deploy.yml"):
        assert workflow(name)["permissions"] == {"contents": "read"}, name
    assert all("permissions" not in job for job in workflow("pr-check.yml")["jobs"].values())
    jobs = workflow("deploy.yml")["jobs"]
    assert "permissions" not in jobs["build"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_checkouts_keep_no_credentials_and_pip_downloads_are_cached() -> None:
    for path in WORKFLOWS:
        data = workflow(path.name)
        for step in steps(data):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip", path.name
                assert "requirements.txt" in step["with"]["cache-dependency-path"], path.name


def test_no_expression_is_pasted_into_a_script() -> None:
    for path in WORKFLOWS:
        for script in runs(workflow(path.name)):
            assert "${{" not in script, f"{path.name}: pass expressions to scripts through env"


def test_pr_check_validates_changed_files_then_builds_strict_then_tests() -> None:
    scripts = runs(workflow("pr-check.yml"))
    order = [
        next(i for i, s in enumerate(scripts) if s.strip() == 'echo "ATLAS_CACHE_DIR=$RUNNER_TEMP/atlas-cache" >> "$GITHUB_ENV"'),
        next(i for i, s in enumerate(scripts) if "scripts/changed_files.py" in s and 'scripts/validate.py --github -- "${files[@]}"' in s),
        next(i for i, s in enumerate(scripts) if s.strip() == "python scripts/contributing.py --check"),
        next(i for i, s in enumerate(scripts) if s.strip() == "python -m mkdocs build --strict"),
        next(i for i, s in enumerate(scripts) if s.strip() == "python -m pytest"),
    ]
    assert order == sorted(order)
    install = next(s for s in scripts if "pip install" in s)
    assert "-r requirements.txt" in install and "-r requirements-ci.txt" in install


def test_deploy_builds_main_and_publishes_with_the_pages_actions() -> None:
    data = workflow("deploy.yml")
    assert data["on"]["push"] == {"branches": ["main"]}
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    runs_in_order = [step.get("run", "") for step in build["steps"]]
    cache = next(i for i, s in enumerate(runs_in_order) if "ATLAS_CACHE_DIR=$RUNNER_TEMP/atlas-cache" in s)
    assert any("mkdocs build --strict" in s for s in runs_in_order[cache:])  # a committed .cache/ is never read
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


# --- the files a pull request changed ----------------------------------------------------

def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, str]:
    root = Path(shutil.copytree(VALID, tmp_path / "repo"))
    (root / "README.md").write_text("fixture\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root, git(root, "rev-parse", "HEAD")


def commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change")


def test_changed_model_files_are_listed(repo: tuple[Path, str]) -> None:
    root, base = repo
    models = root / "catalog" / "models"
    (models / "demo-vlm.yaml").write_text((models / "demo-vlm.yaml").read_text() + "# edited\n", encoding="utf-8")
    shutil.copyfile(models / "base-llm.yaml", models / "new-llm.yaml")
    (root / "README.md").write_text("changed\n", encoding="utf-8")
    commit(root)
    assert changed_models(base, root) == ["catalog/models/demo-vlm.yaml", "catalog/models/new-llm.yaml"]


@pytest.mark.parametrize("change", ["shared file", "deletion", "nothing in the catalog"])
def test_whole_catalog_when_a_change_reaches_other_files(change: str, repo: tuple[Path, str]) -> None:
    root, base = repo
    if change == "shared file":
        (root / "catalog" / "organizations.yaml").write_text((root / "catalog" / "organizations.yaml").read_text() + "# edited\n", encoding="utf-8")
        (root / "catalog" / "models" / "demo-vlm.yaml").write_text("name: x\n", encoding="utf-8")
    elif change == "deletion":
        (root / "catalog" / "models" / "base-llm.yaml").unlink()
    else:
        (root / "README.md").write_text("changed\n", encoding="utf-8")
    commit(root)
    assert changed_models(base, root) == []


def test_changed_files_script_output_feeds_validate(repo: tuple[Path, str]) -> None:
    root, base = repo
    target = root / "catalog" / "models" / "demo-vlm.yaml"
    target.write_text(target.read_text().replace("kind: mm-llm", "kind: vlm"), encoding="utf-8")
    commit(root)
    listed = subprocess.run([sys.executable, str(ROOT / "scripts" / "changed_files.py"), base, "--root", str(root)], capture_output=True, text=True, timeout=60)
    assert (listed.returncode, listed.stdout) == (0, "catalog/models/demo-vlm.yaml\n")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), "--github", "--root", str(root), *listed.stdout.split()],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    line = target.read_text(encoding="utf-8").splitlines().index("kind: vlm") + 1
    assert result.stdout.splitlines()[1].startswith(f"::error file=catalog/models/demo-vlm.yaml,line={line}::kind: must be one of: llm, mm-llm")


# Names a contributor can give files in a pull request: line breaks that would print workflow
# commands into the log, and a line that validate.py would read as its --help option.
HOSTILE_NAMES = [
    "x\n::warning title=Review::review done, safe to merge\n.yaml",
    "y\n::stop-commands::hidden\n.yaml",
    "z\n--help",
    "%0Aw.yaml",
    "v\n.yaml",  # "$" in an id pattern would accept the final line break
]


def test_pr_check_step_on_hostile_file_names_fails_without_injected_commands(repo: tuple[Path, str], tmp_path: Path) -> None:
    root, _ = repo
    for folder in ("scripts", "hooks", "catalog/schema"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    commit(root)
    base = git(root, "rev-parse", "HEAD")
    models = root / "catalog" / "models"
    for name in HOSTILE_NAMES:
        shutil.copyfile(models / "vision-enc.yaml", models / name)
    (models / "vision-enc.yaml").write_text((models / "vision-enc.yaml").read_text() + "# edited\n", encoding="utf-8")
    commit(root)
    step = next(s for s in steps(workflow("pr-check.yml")) if s.get("name") == "Validate the changed catalog files")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")  # this interpreter, as the step's python
    (bin_dir / "python").chmod(0o755)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "BASE_SHA": base, "RUNNER_TEMP": str(runner_temp), "ATLAS_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    log = (result.stdout + result.stderr).splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert not any(line.startswith("usage:") for line in log)
    assert [line for line in log if line.startswith("::") and not line.startswith("::error file=catalog/models/")] == []
    refused = [line for line in result.stdout.splitlines() if not line.startswith("::")]
    assert refused == [
        "catalog/models/%0Aw.yaml:1: id: file name '%0Aw' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'",
        "catalog/models/v\\n.yaml:1: id: file name 'v\\n' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'; it contains the control character '\\n' U+000A (a control character)",
        "catalog/models/x\\n::warning title=Review::review done, safe to merge\\n.yaml:1: id: file name 'x\\n::warning title=Review::review done, safe to merge\\n' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'; it contains the control character '\\n' U+000A (a control character)",
        "catalog/models/y\\n::stop-commands::hidden\\n.yaml:1: id: file name 'y\\n::stop-commands::hidden\\n' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'; it contains the control character '\\n' U+000A (a control character)",
    ]


# --- issue forms and the pull request template ---------------------------------------------

def form(name: str) -> dict[str, Any]:
    return yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["add-a-model.yml", "correct-a-fact.yml"])
def test_issue_forms_are_well_formed(name: str) -> None:
    data = form(name)
    assert set(data) <= {"name", "description", "title", "labels", "assignees", "body"}
    assert data["name"] and data["description"]
    ids = [field["id"] for field in data["body"] if "id" in field]
    assert len(ids) == len(set(ids))
    for field in data["body"]:
        assert field["type"] in FIELD_TYPES
        assert ("id" in field) == (field["type"] != "markdown")
        assert re.fullmatch(r"[A-Za-z0-9_-]+", field.get("id", "x"))
        assert field["attributes"]["value" if field["type"] == "markdown" else "label"]
        if field["type"] in ("dropdown", "checkboxes"):
            assert field["attributes"]["options"]


def test_report_an_error_link_prefills_the_correct_a_fact_form() -> None:
    catalog, _ = load_catalog(VALID)
    url = urlsplit(report_url(catalog.model("demo-vlm")))
    assert f"{url.scheme}://{url.netloc}{url.path}" == ISSUES_URL
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query == {"template": "correct-a-fact.yml", "title": "Correction: demo-vlm", "model": "demo-vlm"}
    data = form(query["template"])
    inputs = {field["id"]: field for field in data["body"] if "id" in field}
    assert inputs["model"]["type"] == "input" and inputs["model"]["validations"]["required"] is True
    assert query["title"].startswith(data["title"].strip())


def test_add_a_model_kinds_match_the_schema() -> None:
    kind = next(field for field in form("add-a-model.yml")["body"] if field.get("id") == "kind")
    assert kind["attributes"]["options"] == schema("model")["properties"]["kind"]["enum"]


def test_issue_chooser_config() -> None:
    data = form("config.yml")
    assert data["blank_issues_enabled"] is True
    assert all(link["url"].startswith("https://") and link["name"] and link["about"] for link in data["contact_links"])


def test_pull_request_template_has_the_review_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert text.count("- [ ] ") == 6
