"""One cache of whole results: each catalog file as read and checked, kept in .cache/ between runs.

``scripts/validate.py`` and the build share it, so a file is parsed and checked once. An
entry holds everything the pipeline made of a file (data, the line of every key, the
problems, the schema verdict), keyed by the file's path and the hash of its bytes; the
whole cache is keyed by a hash of every source file of the atlas package, the schemas,
the Python version and the versions of the libraries that read the files, so a change to
any rule starts afresh. A file whose size, times and inode are unchanged since a run that
started well after its last change is trusted without being read again, as git trusts its
index. The values are plain data (marshal, which cannot run code on load); a damaged cache
file is ignored.

``memo`` gives a table that is saved with the cache, for work the build can reuse, such as
the formatted text of each reference.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from atlas.files import MAX_SCHEMA_BYTES, read_regular

FORMAT = 2
CACHE_FILE = "atlas-cache.marshal"
LIBRARIES = ("fastjsonschema", "jsonschema", "pybtex", "PyYAML", "Markdown", "Jinja2", "confusables")
PACKAGE = Path(__file__).resolve().parent
# A file changed within this long of the run that checked it may change again without
# moving its times on a coarse clock, so its entry is trusted only after a hash check.
RACY_NS = 2_000_000_000

Stat = tuple[int, int, int, int]


def digest(raw: bytes) -> bytes:
    """A short hash of a file's bytes."""
    return hashlib.blake2b(raw, digest_size=20).digest()


def file_stat(result: os.stat_result) -> Stat:
    """What the cache compares before it trusts a file unread: size, modification and change times, inode."""
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


@lru_cache(maxsize=None)
def stamp(schema_dir: Path) -> str:
    """What every cached result depends on besides its file: the whole atlas package, the schemas, the readers."""
    hashed = hashlib.blake2b(digest_size=16)
    hashed.update(f"{FORMAT} {sys.version}".encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        hashed.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for path in sorted(schema_dir.glob("*.json")):
        try:
            content = read_regular(path, MAX_SCHEMA_BYTES)
        except OSError as exc:  # a link is refused by the pipeline, never read
            content = str(exc).encode()
        hashed.update(path.name.encode() + b"\0" + content)
    for library in LIBRARIES:
        try:
            hashed.update(f"{library} {version(library)}".encode())
        except PackageNotFoundError:
            hashed.update(library.encode())
    return hashed.hexdigest()


class Cache:
    """Results from the previous run, and those of this run to save for the next.

    An entry is ``(stat, hash, checked at, value)`` under ``(kind, path)``; ``directory``
    None keeps nothing (``--no-cache``).
    """

    def __init__(self, directory: Path | None, key: str) -> None:
        self.path = directory / CACHE_FILE if directory is not None else None
        self.key = key
        self.started = time.time_ns()
        self.previous: dict[tuple[str, str], Any] = {}
        self.current: dict[tuple[str, str], Any] = {}
        self.memos: dict[str, dict[Any, Any]] = {}
        self.changed = False
        self._memo_sizes: dict[str, int] = {}
        if self.path is not None and self.path.is_file():
            try:
                saved_key, entries, memos = marshal.loads(self.path.read_bytes())
            except (EOFError, ValueError, TypeError, OSError):
                return
            if saved_key == key and isinstance(entries, dict) and isinstance(memos, dict):
                self.previous, self.memos = entries, memos
        self._memo_sizes = {name: len(table) for name, table in self.memos.items()}

    def trusted(self, kind: str, path: str, status: Stat) -> Any:
        """The stored value if the file's stat is unchanged and it had settled before it was checked, else None."""
        entry = self.previous.get((kind, path))
        if entry is None or tuple(entry[0]) != status or max(status[1], status[2]) >= entry[2] - RACY_NS:
            return None
        self.current[(kind, path)] = entry
        return entry[3]

    def get(self, kind: str, path: str, status: Stat | None, content: bytes) -> Any:
        """The stored value if the file's bytes hash as before, else None."""
        entry = self.previous.get((kind, path))
        if entry is None or entry[1] != content:
            return None
        if status is not None and tuple(entry[0]) != status:
            self.put(kind, path, status, content, entry[3])  # touched but unchanged: note its new stat
        else:
            self.current[(kind, path)] = entry
        return entry[3]

    def put(self, kind: str, path: str, status: Stat | None, content: bytes, value: Any) -> None:
        if self.path is None:  # nowhere to save it: keeping every file's value would only cost memory
            return
        self.current[(kind, path)] = (status or (0, 0, 0, 0), content, self.started, value)
        self.changed = True

    def memo(self, name: str) -> dict[Any, Any]:
        """A table saved with the cache (emptied with it when the engine changes)."""
        return self.memos.setdefault(name, {})

    def save(self) -> None:
        """Write this run's entries and memos, dropping files that are gone; a read-only disk is not an error."""
        if self.path is None:
            return
        memos_changed = {name: len(table) for name, table in self.memos.items()} != self._memo_sizes
        if not self.changed and not memos_changed and self.current.keys() == self.previous.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            partial.write_bytes(marshal.dumps((self.key, self.current, self.memos)))
            os.replace(partial, self.path)
        except (OSError, ValueError):
            pass
