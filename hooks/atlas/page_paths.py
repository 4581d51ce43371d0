"""The catalog rule on generated addresses: no two sources may be published at one path.

Every id becomes a page under its kind's folder (``models/<id>.md``), beside the folder's
generated listing (``models/index.md``). An id that lands on an occupied path would replace
that page, so each path is claimed once: the listings first, then the catalog's ids in file
order, and a second claim is a problem naming the first owner.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from atlas.problems import Problem
from atlas.render import links

# Names Windows keeps for devices, with or without an extension: a file or folder so named cannot exist there.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))})
WINDOWS_DEVICES = "con, prn, aux, nul, com1 to com9, lpt1 to lpt9"
# Kind of each shared catalog file whose keys are ids with pages.
SHARED_KINDS = {"organizations": "organization", "techniques": "technique", "families": "family", "benchmarks": "benchmark"}

# (kind, id, path of the source, line, field): one id that gets a page.
Claim = tuple[str, str, str, int, str]


def page_path_problems(claims: Iterable[Claim]) -> Iterator[Problem]:
    """A problem for every id whose page path is already taken by a listing or another id, or cannot exist on Windows."""
    owners = {links.index_src(kind): f"the generated list of {links.FOLDERS[kind]}" for kind in links.FOLDERS}
    for kind, item_id, path, line, field in claims:
        page = links.src(kind, item_id)
        if item_id in WINDOWS_RESERVED:
            yield Problem(path, line, field, f"the {kind} id {item_id!r} is a name Windows reserves for a device ({WINDOWS_DEVICES}), so its page {page} could not be written there; choose another id")
            continue
        owner = owners.get(page)
        if owner is not None:
            yield Problem(path, line, field, f"the {kind} id {item_id!r} would be published at {page}, which is {owner}; choose another id")
        else:
            owners[page] = f"the page of {kind} {item_id!r} ({path})"
