"""Make Pagefind's output the same on every build: its filter lists come out of a hash map.

Pagefind 1.5 writes the fragments and word indexes in a stable order, but the values of
each filter (``kind``: llm, mm-llm, ...) and the list of filters in ``pagefind.*.pf_meta``
in the order of a Rust hash map, which differs from run to run (Pagefind issue #638). The
files are named by a hash of their contents, so two builds of the same pages differed in
three file names and four files. ``stabilize`` sorts those lists, renames the files by a
hash of the sorted contents and points the meta file and ``pagefind-entry.json`` at them.

The files are gzip streams of ``pagefind_dcd`` followed by CBOR. The small codec here
covers what Pagefind writes (integers, strings, arrays, maps, simple values) and refuses
anything else, and a file is rewritten only if decoding and re-encoding it gives back the
bytes Pagefind wrote: a format change in a later Pagefind fails the build instead of
corrupting the index.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import time
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class FormatError(ValueError):
    """A Pagefind file this module does not understand."""


def decode(data: bytes) -> Any:
    value, end = _item(data, 0)
    if end != len(data):
        raise FormatError(f"{len(data) - end} bytes after the CBOR value")
    return value


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(map(encode, value))
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise FormatError(f"cannot encode {type(value).__name__}")


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    raise FormatError("integer too large")


def _item(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise FormatError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise FormatError(f"unsupported CBOR simple value {info}")
        return simple[info], at
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise FormatError("indefinite-length CBOR is not supported")
    if major == 0:
        return length, at
    if major == 1:
        return -1 - length, at
    if major in (2, 3):
        raw, at = data[at:at + length], at + length
        return (raw if major == 2 else raw.decode("utf-8")), at
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(length):
            key, at = _item(data, at)
            mapping[key], at = _item(data, at)
        return mapping, at
    raise FormatError(f"unsupported CBOR major type {major}")


def read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise FormatError(f"{path.name}: not a Pagefind data file")
    body = raw[len(SIGNATURE):]
    value = decode(body)
    if encode(value) != body:
        raise FormatError(f"{path.name}: re-encoding does not give back Pagefind's bytes")
    return value


def write(path: Path, value: Any) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + encode(value), compresslevel=9, mtime=0))


def content_name(prefix: str, value: Any, digits: int) -> str:
    return prefix + hashlib.sha256(encode(value)).hexdigest()[:digits]


def settled(output: Path, timeout: float = 60.0, quiet: float = 0.3) -> dict[str, Any]:
    """``pagefind-entry.json`` once Pagefind has finished writing: its service answers the write
    request while the last files may still be empty (seen on a loaded machine), so wait until the
    entry parses and no file under ``output`` has changed size for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout

    def sizes() -> dict[str, int]:
        return {str(p): p.stat().st_size for p in output.rglob("*") if p.is_file()}

    while True:
        before = sizes()
        try:
            entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = None
        time.sleep(quiet)
        if entry is not None and sizes() == before:
            return entry
        if time.monotonic() > deadline:
            raise FormatError(f"Pagefind's output in {output.name}/ did not settle within {timeout:.0f} s")


def stabilize(output: Path) -> None:
    """Sort the filter lists in Pagefind's ``output`` folder and rename the files they are in."""
    entry_path = output / "pagefind-entry.json"
    entry = settled(output)
    for language in entry["languages"].values():
        old_meta = output / f"pagefind.{language['hash']}.pf_meta"
        meta = read(old_meta)
        prefix = language["hash"].split("_")[0] + "_"
        filters = _filters(meta)
        renamed = {}
        for pair in filters:
            name, old_hash = pair
            old_file = output / "filter" / f"{old_hash}.pf_filter"
            content = read(old_file)
            if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
                raise FormatError(f"{old_file.name}: not a list of filter values")
            content[1].sort(key=lambda item: str(item[0]))
            new_hash = content_name(prefix, content, len(old_hash) - len(prefix))
            renamed[old_hash] = new_hash
            old_file.unlink()
            write(output / "filter" / f"{new_hash}.pf_filter", content)
            pair[1] = new_hash
        filters.sort(key=lambda pair: pair[0])
        new_meta_hash = content_name(prefix, meta, len(language["hash"]) - len(prefix))
        old_meta.unlink()
        write(output / f"pagefind.{new_meta_hash}.pf_meta", meta)
        language["hash"] = new_meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _filters(meta: Any) -> list[list[Any]]:
    """The [name, file hash] pairs of the meta file: its fourth item in Pagefind 1.5, after the
    version, the pages and the word index chunks."""
    if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[0], str) and isinstance(meta[3], list)):
        raise FormatError("the meta file is not Pagefind 1.5's")
    filters = meta[3]
    if not all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in filters):
        raise FormatError("the meta file's filter list is not [name, hash] pairs")
    return filters
