"""The full-text index: Pagefind, fed each page as MkDocs writes it, written at the end of the build.

Pagefind (the extended build, pagefind-bin-extended) reads each page's
``data-pagefind-body`` (docs/overrides/main.html marks the article of every page that is
not kept out of search) and writes pagefind/ into the site: an index in pieces that the
browser loads as queries need them. Titles and headings weigh more than body text by
Pagefind's defaults (h1 7, h2 6, ... body 1); what only repeats other pages (Material's
tags, footnotes, listings marked data-search-exclude) is left out, so no tag outweighs a
page's own words.

Run as ``pagefind --site`` after the build, Pagefind would add 15 to 20 % to it. Instead its
service mode (``pagefind --service``, the protocol of Pagefind's own Node and Python APIs:
base64 JSON messages, each ended by a comma) indexes every page while MkDocs renders the
next ones, on the other core. Pagefind's Python API answers one message per 0.1 s, too
slow for 10,000 pages, so this is a small client of the same protocol, with threads.
"""
from __future__ import annotations

import base64
import json
import queue
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from atlas.pagefind_order import FormatError, stabilize

# Left out of every page's text: the tags (kind, modalities, weights: the filters carry them),
# what Material's search left out (footnotes, charts, listings), permalinks and buttons.
EXCLUDE = ("[data-search-exclude]", ".md-tags", ".headerlink", ".md-content__button", ".md-source-file")
OUTPUT = "pagefind"
MARKER = "data-pagefind-body"
TIMEOUT = 600.0


class FullTextError(RuntimeError):
    """Pagefind failed or is missing."""


def executable() -> Path:
    """The Pagefind binary of the pinned pagefind-bin-extended package."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise FullTextError("the full-text index needs pagefind[extended] (pip install -r requirements.txt)") from None
    return get_executable()


def index_config() -> dict[str, Any]:
    return {"exclude_selectors": list(EXCLUDE)}


def cli_command(site_dir: Path) -> list[str]:
    """The same index made by Pagefind's command line from a built site (tests/test_pagefind_order.py runs it)."""
    args = [str(executable()), "--site", str(site_dir), "--output-subdir", OUTPUT, "--quiet"]
    for selector in EXCLUDE:
        args += ["--exclude-selectors", selector]
    return args


class FullTextIndex:
    """One Pagefind service process: ``add`` each page (it returns at once), then ``write`` the index."""

    def __init__(self) -> None:
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen([str(executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._answers: dict[int, dict[str, Any]] = {}
        self._waited: set[int] = set()
        self._errors: list[str] = []
        self._next_id = 0
        self._acknowledged = 0
        self.pages = 0
        self.busy_seconds = 0.0  # time spent in this process (encoding, waiting for the final write)
        threading.Thread(target=self._write_loop, daemon=True).start()
        threading.Thread(target=self._read_loop, daemon=True).start()
        self._index_id = self._call({"type": "NewIndex", "config": index_config()})["index_id"]

    def _send(self, payload: dict[str, Any], waited: bool) -> int:
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            if waited:
                self._waited.add(message_id)
        body = json.dumps({"message_id": message_id, "payload": payload}, ensure_ascii=False).encode("utf-8")
        self._outgoing.put(base64.b64encode(body) + b",")
        return message_id

    def _call(self, payload: dict[str, Any], timeout: float = TIMEOUT) -> dict[str, Any]:
        message_id = self._send(payload, waited=True)
        deadline = time.monotonic() + timeout
        with self._lock:
            while message_id not in self._answers:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._process.poll() is not None and message_id not in self._answers:
                    raise FullTextError(f"Pagefind did not answer {payload['type']}{self._stderr()}")
                self._lock.wait(min(remaining, 0.5))
            answer = self._answers.pop(message_id)
        if answer.get("type") == "Error":
            raise FullTextError(f"Pagefind refused {payload['type']}: {answer.get('message')}")
        return answer

    def _write_loop(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (message := self._outgoing.get()) is not None:
                stdin.write(message)
                stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _read_loop(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        buffer = b""
        while chunk := stdout.read1(1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for raw in messages:
                if not raw.strip():
                    continue
                response = json.loads(base64.b64decode(raw))
                if response is None:
                    continue
                message_id, payload = response.get("message_id"), response.get("payload") or {}
                with self._lock:
                    if message_id in self._waited:
                        self._waited.discard(message_id)
                        self._answers[message_id] = payload
                        self._lock.notify_all()
                    else:
                        self._acknowledged += 1
                        if payload.get("type") == "Error":
                            self._errors.append(str(payload.get("message")))
                        self._lock.notify_all()
        with self._lock:
            self._lock.notify_all()

    def _stderr(self) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return f":\n{text[-3000:]}" if text else ""

    def add(self, url: str, html: str) -> None:
        """Index one page, served at ``url`` (from the site root, starting with "/"), if it is marked for search."""
        if MARKER not in html:
            return
        start = time.perf_counter()
        self._send({"type": "AddFile", "index_id": self._index_id, "url": url, "file_contents": html, "file_path": None}, waited=False)
        self.pages += 1
        self.busy_seconds += time.perf_counter() - start

    def write(self, site_dir: Path) -> None:
        """Write pagefind/ into ``site_dir`` once every page sent has been indexed."""
        start = time.perf_counter()
        deadline = time.monotonic() + TIMEOUT
        with self._lock:
            # Every page first: the service answers each one once it is indexed.
            while self._acknowledged < self.pages:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise FullTextError(f"Pagefind indexed {self._acknowledged} of {self.pages} pages{self._stderr()}")
                self._lock.wait(0.5)
        try:
            self._call({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(Path(site_dir) / OUTPUT)})
            try:
                stabilize(Path(site_dir) / OUTPUT)
            except (FormatError, OSError, KeyError) as error:
                raise FullTextError(f"could not put Pagefind's filter lists in a stable order: {error}") from None
        finally:
            self.busy_seconds += time.perf_counter() - start
        if self._errors:
            raise FullTextError(f"Pagefind could not index {len(self._errors)} page(s); the first: {self._errors[0]}")

    def close(self) -> None:
        """End the service (it ends when its input does)."""
        self._outgoing.put(None)
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()
