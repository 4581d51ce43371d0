"""Pagefind's filter lists come out of a hash map; the build sorts them so two builds are byte-identical."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from atlas.fulltext import cli_command
from atlas.pagefind_order import FormatError, decode, encode, read, stabilize, write

KINDS = ["llm", "mm-llm", "vision-encoder", "audio", "robotics", "video", "agent", "embedding"]


def test_the_codec_gives_back_what_it_reads() -> None:
    for value in [0, 23, 24, 255, 256, 65535, 65536, 2**32, -1, -500, "", "é日本", "x" * 300, b"\x00\x01",
                  [], [1, [2, ["three"]]], {"a": 1, "b": [True, False, None]}, list(range(1000))]:
        assert decode(encode(value)) == value
    assert encode(10) == b"\x0a" and encode(24) == b"\x18\x18" and encode("kind") == b"\x64kind"


def test_the_codec_refuses_what_it_does_not_know() -> None:
    with pytest.raises(FormatError):
        decode(b"\x9f\x01\xff")  # an indefinite-length array
    with pytest.raises(FormatError):
        decode(b"\xfb\x00\x00\x00\x00\x00\x00\x00\x00")  # a float
    with pytest.raises(FormatError):
        decode(b"\x82\x01")  # truncated
    with pytest.raises(FormatError):
        decode(b"\x01\x02")  # trailing bytes
    with pytest.raises(FormatError):
        encode(1.5)


def test_a_file_that_does_not_round_trip_is_refused(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "x.pf_filter"
    path.write_bytes(gzip.compress(b"pagefind_dcd" + b"\x18\x05"))  # 5 in a longer form than needed
    with pytest.raises(FormatError, match="re-encoding"):
        read(path)
    path.write_bytes(gzip.compress(b"other" + b"\x05"))
    with pytest.raises(FormatError, match="not a Pagefind data file"):
        read(path)
    write(path, [1, "a"])
    assert read(path) == [1, "a"]


def pagefind(site: Path) -> dict[str, bytes]:
    subprocess.run(cli_command(site), check=True, capture_output=True, timeout=120)
    output = site / "pagefind"
    stabilize(output)
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def test_two_pagefind_runs_come_out_the_same_after_sorting(tmp_path: Path) -> None:
    runs = []
    for run in range(3):
        site = tmp_path / f"site{run}"
        for index, kind in enumerate(KINDS):
            page = site / f"m{index}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f'<html lang="en"><body><main data-pagefind-body><h1>Model {index}</h1><p>A {kind} model with words.</p>'
                            f'<span data-pagefind-filter="kind">{kind}</span><span data-pagefind-filter="weights">w{index % 3}</span>'
                            f'<span data-pagefind-filter="modality">m{index % 4}</span></main></body></html>', encoding="utf-8")
        runs.append(pagefind(site))
    assert runs[0] == runs[1] == runs[2]
    output = tmp_path / "site0" / "pagefind"
    (meta_path,) = output.glob("pagefind.*.pf_meta")
    meta = read(meta_path)
    assert [name for name, _ in meta[3]] == ["kind", "modality", "weights"]
    for name, file_hash in meta[3]:
        values = read(output / "filter" / f"{file_hash}.pf_filter")
        assert values[0] == name
        assert [value for value, _ in values[1]] == sorted(value for value, _ in values[1])
        assert sum(len(pages) for _, pages in values[1]) == len(KINDS)  # every page under one value
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert meta_path.name == f"pagefind.{entry['languages']['en']['hash']}.pf_meta"


def test_stabilize_waits_for_pagefind_to_finish_writing(tmp_path: Path) -> None:
    import threading
    import time

    site = tmp_path / "site"
    page = site / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="en"><body><main data-pagefind-body><h1>A</h1><span data-pagefind-filter="kind">llm</span></main></body></html>', encoding="utf-8")
    subprocess.run(cli_command(site), check=True, capture_output=True, timeout=120)
    entry = site / "pagefind" / "pagefind-entry.json"
    written = entry.read_text(encoding="utf-8")
    entry.write_text("", encoding="utf-8")  # as Pagefind's service left it, answered but not yet written
    threading.Timer(0.8, lambda: entry.write_text(written, encoding="utf-8")).start()
    started = time.monotonic()
    stabilize(site / "pagefind")
    assert time.monotonic() - started >= 0.8
    assert json.loads(entry.read_text(encoding="utf-8"))["languages"]["en"]["page_count"] == 1
