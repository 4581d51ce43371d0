"""Render the navigation once per folder for the pages outside it, instead of once per page.

Material renders the whole navigation (the tabs and the sidebar) into every page. For a
page that is not in the navigation, such as a model page, nothing in it is active, and
its links are relative to the page's folder, so every page of a folder gets the same
HTML: at 1,000 models that was 1.6 s of CPU spent rendering the same text again. The
theme override (docs/overrides/main.html) wraps those parts in
``{% call atlas_shared_nav("tabs", page, nav) %}...{% endcall %}``.
"""
from __future__ import annotations

import posixpath
from typing import Any, Callable


class SharedNav:
    """A Jinja global that renders a navigation part once per (part, folder, active section) for pages outside the navigation."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[str, str, tuple[int, ...]], str] = {}

    def __call__(self, part: str, page: Any, nav: Any, caller: Callable[[], str]) -> str:
        if page is None or nav is None or page in nav.pages:
            return caller()  # a page in the navigation marks itself as active: its own rendering
        # A page outside the navigation may sit under a section (atlas.shims.navigation.place):
        # every page of a folder has the same one, so the rendering is shared still.
        active = tuple(index for index, item in enumerate(nav.items) if getattr(item, "active", False))
        key = (part, posixpath.dirname(page.url.rstrip("/")), active)
        if key not in self._rendered:
            self._rendered[key] = caller()
        return self._rendered[key]


def sections(nav: Any, index_pages: dict[str, str]) -> dict[str, Any]:
    """Folder -> the top-level section whose pages include that folder's listing page (models/ -> "Models")."""
    found = {}
    for item in nav.items:
        urls = {getattr(page, "file", None) and page.file.src_uri for page in _pages(item)}
        for folder, src in index_pages.items():
            if src in urls:
                found[folder] = item
    return found


def _pages(item: Any) -> list[Any]:
    children = getattr(item, "children", None)
    return [item] if not children else [page for child in children for page in _pages(child)]


def place(page: Any, section: Any | None) -> None:
    """Put a page that is outside the navigation under ``section``: Material then marks that tab
    and opens that section in the sidebar while the page is built (MkDocs sets the page's
    parents active, and clears them after)."""
    if section is not None and page.parent is None:
        page.parent = section


def install(env: Any) -> None:
    """Give the theme override its ``atlas_shared_nav`` global, fresh for each build."""
    env.globals["atlas_shared_nav"] = SharedNav()
