"""The test command on a machine without Chromium: browser tests are reported as skipped, and the run passes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_browser_tests_skip_cleanly_without_chromium(tmp_path: Path) -> None:
    empty = tmp_path / "bin"  # a PATH on which no Chromium can be found
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "ATLAS_CHROMIUM": ""}
    env.pop("ATLAS_REQUIRE_BROWSER", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_load.py", "tests/test_browser.py", "tests/test_browser_xss.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 0, output[-3000:]
    assert " passed, 2 skipped" in result.stdout
