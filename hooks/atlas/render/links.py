"""Where every generated page lives: the one owner of page addresses.

A page has a source path under docs/ (``models/llava.md``), which Markdown links use and
MkDocs rewrites, and a URL relative to the site root (``models/llava/``), which raw HTML
links and the exports use. Nothing else writes ``models/{id}`` by hand.
"""
from __future__ import annotations

# Folder of each kind of catalog page; its listing page is <folder>/index.md.
FOLDERS = {"model": "models", "organization": "organizations", "technique": "techniques", "benchmark": "benchmarks", "family": "families"}
# The catalog file behind each folder's pages, for the "Edit" link.
EDIT_FILES = {"organizations": "catalog/organizations.yaml", "techniques": "catalog/techniques.yaml", "benchmarks": "catalog/benchmarks.yaml", "families": "catalog/families.yaml"}


def src(kind: str, item_id: str) -> str:
    """Source path under docs/ of the page of ``item_id`` (``kind`` is model, organization or technique)."""
    return f"{FOLDERS[kind]}/{item_id}.md"


def url(kind: str, item_id: str) -> str:
    """URL of that page relative to the site root."""
    return f"{FOLDERS[kind]}/{item_id}/"


def index_src(kind: str) -> str:
    """Source path of the listing page of ``kind``."""
    return f"{FOLDERS[kind]}/index.md"


def model_src(model_id: str) -> str:
    return src("model", model_id)


def model_url(model_id: str) -> str:
    return url("model", model_id)


def kind_of(src_uri: str) -> str | None:
    """The kind of catalog page at ``src_uri`` (model, organization, ...), or None for another page."""
    folder = src_uri.split("/", 1)[0]
    return next((kind for kind, name in FOLDERS.items() if name == folder and "/" in src_uri), None)


def edit_path(src_uri: str) -> str | None:
    """The catalog file behind a generated page, relative to the repository root, or None."""
    folder, _, name = src_uri.partition("/")
    if not name or "/" in name:
        return None
    if folder == FOLDERS["model"]:
        return None if name == "index.md" else f"catalog/models/{name[:-3]}.yaml"
    return EDIT_FILES.get(folder)  # the listing page too: it is made from that file


def url_pattern(kind: str) -> str:
    """The URL of every page of ``kind`` with ``{id}`` for its id: the search index's address template."""
    return url(kind, "{id}")
