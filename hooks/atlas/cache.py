"""A cache of per-file check results, keyed by each file's content, kept in .cache/ between runs.

Parsing and schema-checking 10,000 model files takes seconds; most runs change one file
or none. Each entry is keyed by the file's path and a hash of its bytes, and the whole
cache by a stamp of the engine's code, the schemas, the Python version and the versions
of the parsing libraries, so a change to any of them starts afresh. The stored values
are plain data (marshal, which cannot run code on load); a damaged cache file is ignored.

``validate.py`` keeps a smaller index instead (``FileIndex``): per file, only what the
cross-checks need, trusted while the file's size, times and inode are unchanged, so a run
over 10,000 unchanged files reads none of them.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

FORMAT = 1
CACHE_FILE = "atlas-validate.marshal"
INDEX_FILE = "atlas-validate-index.marshal"
# The files whose code decides what a check returns.
ENGINE_FILES = ("bibliography.py", "cache.py", "load.py", "placeholder.py", "problems.py", "schema.py", "validate.py")
LIBRARIES = ("fastjsonschema", "jsonschema", "pybtex", "PyYAML")

Key = tuple[str, str, bytes]


def digest(raw: bytes) -> bytes:
    """A short hash of a file's bytes."""
    return hashlib.blake2b(raw, digest_size=20).digest()


def engine_stamp(schema_dir: Path) -> str:
    """What every cached result depends on besides the file itself."""
    stamp = hashlib.blake2b(digest_size=16)
    stamp.update(f"{FORMAT} {sys.version}".encode())
    package = Path(__file__).resolve().parent
    for name in ENGINE_FILES:
        stamp.update((package / name).read_bytes())
    for path in sorted(schema_dir.glob("*.json")):
        stamp.update(path.name.encode() + path.read_bytes())
    for library in LIBRARIES:
        try:
            stamp.update(f"{library} {version(library)}".encode())
        except PackageNotFoundError:
            stamp.update(library.encode())
    return stamp.hexdigest()


class ResultCache:
    """Results from the previous run, and those of this run to save for the next."""

    def __init__(self, directory: Path | None, stamp: str) -> None:
        self.path = directory / CACHE_FILE if directory is not None else None
        self.stamp = stamp
        self.previous: dict[Key, Any] = {}
        self.current: dict[Key, Any] = {}
        self.changed = False
        if self.path is not None and self.path.is_file():
            try:
                saved_stamp, entries = marshal.loads(self.path.read_bytes())
            except (EOFError, ValueError, TypeError, OSError):
                return
            if saved_stamp == stamp and isinstance(entries, dict):
                self.previous = entries

    def get(self, key: Key) -> Any:
        """The stored result for ``key``, or None."""
        value = self.previous.get(key)
        if value is not None:
            self.current[key] = value
        return value

    def put(self, key: Key, value: Any) -> None:
        if self.path is None:  # nowhere to save it: keeping every file's data would only cost memory
            return
        self.current[key] = value
        self.changed = True

    def save(self) -> None:
        """Write this run's results, dropping files that are gone; a read-only disk is not an error."""
        if self.path is None or (not self.changed and self.current.keys() == self.previous.keys()):
            return
        _write(self.path, self.stamp, self.current)


def _write(path: Path, stamp: str, entries: dict[Any, Any]) -> None:
    """Replace ``path`` with (stamp, entries) in one step; a read-only disk is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps((stamp, entries)))
        os.replace(partial, path)
    except OSError:
        pass


# A file changed within this long of the run that checked it may change again without
# moving its times on a coarse clock, so its entry is trusted only after a hash check.
RACY_NS = 2_000_000_000
Stat = tuple[int, int, int, int]


def file_stat(result: os.stat_result) -> Stat:
    """What the index compares: size, modification and change times, inode."""
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


class FileIndex:
    """Each file's check result under its path, reused while its stat (else its hash) is unchanged.

    An entry is (kind, stat, hash, checked at, value). It is trusted on its stat alone only
    when the file had last changed well before the run that checked it; otherwise the file
    is read and its hash compared, and a different hash means a fresh check.
    """

    def __init__(self, directory: Path | None, stamp: str) -> None:
        self.path = directory / INDEX_FILE if directory is not None else None
        self.stamp = stamp
        self.started = time.time_ns()
        self.previous: dict[str, tuple[str, Stat, bytes, int, Any]] = {}
        self.current: dict[str, tuple[str, Stat, bytes, int, Any]] = {}
        # Model files checked by another process during this run: path -> (stat, hash, value).
        self.ready: dict[str, tuple[Stat, bytes, Any]] = {}
        self.changed = False
        if self.path is not None and self.path.is_file():
            try:
                saved_stamp, entries = marshal.loads(self.path.read_bytes())
            except (EOFError, ValueError, TypeError, OSError):
                return
            if saved_stamp == stamp and isinstance(entries, dict):
                self.previous = entries

    def trusted(self, kind: str, display: str, stat: Stat) -> Any:
        """The stored value if the file's stat is unchanged and was not racy, else None."""
        entry = self.previous.get(display)
        if entry is None or entry[0] != kind or tuple(entry[1]) != stat or max(stat[1], stat[2]) >= entry[3] - RACY_NS:
            return None
        self.current[display] = entry
        return entry[4]

    def matching(self, kind: str, display: str, stat: Stat, content: bytes) -> Any:
        """The stored value if the file's hash is unchanged (its stat moved), else None."""
        entry = self.previous.get(display)
        if entry is None or entry[0] != kind or entry[2] != content:
            return None
        self.put(kind, display, stat, content, entry[4])
        return entry[4]

    def put(self, kind: str, display: str, stat: Stat, content: bytes, value: Any) -> None:
        if self.path is None:
            return
        self.current[display] = (kind, stat, content, self.started, value)
        self.changed = True

    def save(self) -> None:
        """Write this run's entries, dropping files that are gone; a read-only disk is not an error."""
        if self.path is None or (not self.changed and self.current.keys() == self.previous.keys()):
            return
        _write(self.path, self.stamp, self.current)
