"""Build the MM-LLM Atlas atomically: into a temporary directory beside site/, then swap it in.

`mkdocs build` empties site/ first and writes page by page, so a build that fails halfway
(a bad directive, a broken link) would leave a half-written site. This script builds with
--strict into a fresh directory next to the target and renames it into place only when the
build succeeded. On failure the previous site/ is left exactly as it was (or, if there was
none, there is still none). Between the two renames of the swap site/ is briefly absent,
never partial.

SOURCE_DATE_EPOCH defaults to the time of the last commit, so two builds of the same commit
are byte-identical.

Examples:
    python scripts/build.py                            # mkdocs.yml -> site/
    python scripts/build.py --site-dir public          # another output directory
    python scripts/build.py -f tests/site/mkdocs.yml   # another configuration
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]


def commit_epoch(directory: Path) -> str | None:
    """Seconds since the epoch of the last commit in ``directory``, or None outside a git checkout."""
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=directory, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value.isdigit() else None


def swap_in(built: Path, site: Path) -> None:
    """Put the finished ``built`` directory at ``site``, removing the previous one."""
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}.old-", dir=site.parent))
        os.rename(site, old / site.name)
    try:
        os.rename(built, site)
    except OSError:
        if old is not None:  # put the previous site back before giving up
            os.rename(old / site.name, site)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml", help="MkDocs configuration (default: mkdocs.yml)")
    parser.add_argument("--site-dir", type=Path, help="output directory (default: site/ beside the configuration)")
    args = parser.parse_args(argv)
    config = args.config_file.resolve()
    site = (args.site_dir or config.parent / "site").resolve()
    site.parent.mkdir(parents=True, exist_ok=True)

    env = dict(os.environ)
    env.setdefault("ATLAS_LINK_CHECK", "true")  # the published build checks every internal link
    if not env.get("SOURCE_DATE_EPOCH"):
        epoch = commit_epoch(config.parent)
        if epoch:
            env["SOURCE_DATE_EPOCH"] = epoch
    built = Path(tempfile.mkdtemp(prefix=f".{site.name}.build-", dir=site.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(built, 0o777 & ~umask)  # mkdtemp makes it private; a web server must read the site
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(built)]
    try:
        result = subprocess.run(command, cwd=config.parent, env=env)
        if result.returncode != 0:
            where = f"{site} is unchanged" if site.exists() else f"no {site.name}/ was written"
            print(f"build.py: the build failed (exit {result.returncode}); {where}.", file=sys.stderr)
            return result.returncode
        swap_in(built, site)
    finally:
        shutil.rmtree(built, ignore_errors=True)
    print(f"build.py: built {site}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
