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
    """A Jinja global that renders a navigation part once per (part, folder) for pages outside the navigation."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[str, str], str] = {}

    def __call__(self, part: str, page: Any, nav: Any, caller: Callable[[], str]) -> str:
        if page is None or nav is None or any(getattr(item, "active", False) for item in nav.items):
            return caller()  # a page in the navigation marks itself and its sections as active
        key = (part, posixpath.dirname(page.url.rstrip("/")))
        if key not in self._rendered:
            self._rendered[key] = caller()
        return self._rendered[key]


def install(env: Any) -> None:
    """Give the theme override its ``atlas_shared_nav`` global, fresh for each build."""
    env.globals["atlas_shared_nav"] = SharedNav()
