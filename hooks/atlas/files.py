"""The catalog's files on disk: only regular files with one link are read, and none through a link.

A symbolic link would publish or read a file of the build machine (``/etc/passwd``), a
hard link would do the same without showing it, and a named pipe or a device would make
a reader wait forever (``/dev/stdin``). Each entry is looked at with ``lstat`` before it is
opened, and opened without following links and without blocking, so it is never read
through; the opened file is checked again, in case it was swapped in between.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterator

# The schemas are reviewed code, but they are read like the data: this bound is far above their size.
MAX_SCHEMA_BYTES = 1024 * 1024
FIX = "catalog files must be regular files: put the file itself here"
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class SpecialFile(OSError):
    """A catalog path that is not a plain file: its message says what it is and what to do."""


def refusal(path: str | os.PathLike[str], status: os.stat_result) -> str | None:
    """Why the entry at ``path`` with ``lstat`` result ``status`` must not be read, or None for a plain file or folder."""
    mode = status.st_mode
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"is a symbolic link (to {target!r}); {FIX}"
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISREG(mode):
        if status.st_nlink > 1:
            return f"is a hard link ({status.st_nlink} names share its content); {FIX}, a copy rather than a link"
        return None
    return next((f"is {name}; {FIX}" for test, name in _KINDS if test(mode)), f"is not a regular file; {FIX}")


def special_entries(folder: Path) -> Iterator[tuple[Path, str]]:
    """(path, why) for every link or special file under ``folder``, the folder itself included; links are not followed."""
    try:
        status = os.lstat(folder)
    except FileNotFoundError:
        return
    why = refusal(folder, status)
    if why is not None:
        yield folder, why
        return
    if not stat.S_ISDIR(status.st_mode):
        return
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
                continue
            if entry.is_file(follow_symlinks=False):
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if status.st_nlink <= 1:
                    continue  # the common case: no further look needed
            else:
                try:
                    status = os.lstat(entry.path)
                except OSError:
                    continue
            why = refusal(entry.path, status)
            if why is not None:
                yield Path(entry.path), why


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """Up to ``limit`` bytes of the plain file at ``path``; raises SpecialFile for anything else, OSError if unreadable."""
    why = refusal(path, os.lstat(path))
    if why is not None:
        raise SpecialFile(why)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # made a link after the look above
            raise SpecialFile(f"is a symbolic link; {FIX}") from None
        raise
    with os.fdopen(descriptor, "rb") as handle:
        why = refusal(path, os.fstat(descriptor))
        if why is not None:
            raise SpecialFile(why)
        return handle.read(limit)
