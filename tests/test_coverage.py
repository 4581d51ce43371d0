"""The coverage report: the catalog holds the anchors' models the coverage issues ask for."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_the_coverage_report_meets_the_targets() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "coverage.py"), "--ranks", "1-100"], capture_output=True, text=True, timeout=300, check=True).stdout
    survey = re.search(r"= (\d+) of (\d+) \(", out)
    assert survey and int(survey.group(1)) >= 0.8 * int(survey.group(2)), out
    top = re.search(r"top-50 repositories: (\d+) of 50", out)
    assert top and int(top.group(1)) >= 45, out
    ranks = re.search(r"ranks 1-100: (\d+) of 100", out)
    assert ranks and int(ranks.group(1)) >= 90, out
