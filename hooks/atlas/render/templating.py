"""The Jinja environment shared by the renderers: strict, and inert by default.

Every ``{{ value }}`` passes through ``inert`` unless it is already Markup, so catalog
text cannot turn into Markdown or HTML syntax by accident.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from atlas.render import links
from atlas.render.escape import inert, url

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def relative(target: str, here: str) -> str:
    """Link from the page whose source is ``here`` to the source file ``target`` (both relative to docs/, without ..).

    The same as ``posixpath.relpath(target, posixpath.dirname(here) or ".")``, without
    its calls to abspath: tens of thousands of links per build.
    """
    to = target.split("/")
    base = here.split("/")[:-1]
    common = 0
    for a, b in zip(base, to[:-1]):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:])


def site_root(here: str) -> str:
    """Relative URL from the page built from source ``here`` to the site root (directory URLs)."""
    stem = here[:-3] if here.endswith(".md") else here
    depth = stem.count("/") + (0 if stem == "index" or stem.endswith("/index") else 1)
    return "../" * depth or "./"


def md_link(text: str, target: str, here: str) -> Markup:
    """A Markdown link with inert text; MkDocs checks and rewrites the target."""
    return Markup(f"[{inert(text)}]({relative(target, here)})")


def join(values: object, separator: str = ", ") -> Markup:
    """Jinja's join, but each item is made inert (Markup items are kept) and the result is Markup."""
    return Markup(separator).join(inert(v) for v in values)  # type: ignore[attr-defined]


def page_url(kind: str, item_id: str) -> Markup:
    """The URL of a catalog page relative to the site root, for an href; the id is inert."""
    folder, _, rest = links.url(kind, item_id).partition("/")
    return Markup(folder + "/") + inert(rest[:-1]) + Markup("/")


def breadcrumb(root: str, crumbs: list[tuple[str, str | None]]) -> str:
    """A breadcrumb trail as one line of HTML: (label, kind) pairs, where kind None is a listing page and
    otherwise ``(label, "kind:id")`` names a catalog page; ``root`` leads from the page to the site root."""
    items = []
    for label, target in crumbs:
        kind, _, item_id = (target or "").partition(":")
        address = f"{inert(root)}{page_url(kind, item_id)}" if item_id else f"{inert(root)}{inert(links.FOLDERS[kind])}/"
        items.append(f'<li><a href="{address}">{inert(label)}</a></li>')
    return f'<nav class="atlas-breadcrumb" aria-label="Breadcrumb"><ol>{"".join(items)}</ol></nav>'


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        finalize=inert,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inert"] = inert
    env.filters["join"] = join
    env.filters["web_url"] = url
    env.globals["page_url"] = page_url
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
