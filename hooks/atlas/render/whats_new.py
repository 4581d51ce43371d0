"""What's new: recent additions and updates, the Atom feed of both, and the machine-readable change feed."""
from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from atlas.history import EntryHistory
from atlas.records import Catalog
from atlas.render.escape import inert
from atlas.render.links import model_src, model_url
from atlas.render.templating import md_link
from atlas.vocabulary import KIND_LABELS

LIMIT = 10
FEED_LIMIT = 50
# Characters XML 1.0 does not allow, even escaped; accepted input cannot hold them, but the feed must stay well-formed.
_NOT_XML = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])


def _xml(text: str) -> str:
    return escape(text.translate(_NOT_XML))


def _events(catalog: Catalog, history: dict[str, EntryHistory]) -> list[tuple[str, str, Any]]:
    """(date, model id, change) for every change of a model in the catalog, newest first."""
    found = [(change.date, model_id, change) for model_id, entry in history.items() if catalog.has_model(model_id) for change in entry.changes]
    return sorted(found, key=lambda item: (item[0], item[1], item[2].kind), reverse=True)


def whats_new(catalog: Catalog, history: dict[str, EntryHistory], here: str) -> str:
    """Markdown lists of the latest additions and updates, by the date each change landed."""
    if not history:
        return "\n_The history of the catalog is not available in this build (no git history)._\n"
    known = [m.id for m in catalog.models if m.id in history]
    added = sorted(known, key=lambda i: (history[i].added, i), reverse=True)[:LIMIT]
    updated = sorted((i for i in known if len(history[i].changes) > 1), key=lambda i: (history[i].updated, i), reverse=True)[:LIMIT]

    def item(model_id: str, when: str, fields: tuple[Any, ...] = ()) -> str:
        model = catalog.model(model_id)
        what = f"; changed {inert(', '.join(name for name, _, _ in fields))}" if fields else ""
        return f"- {md_link(model.name, model_src(model_id), here)} ({inert(KIND_LABELS[model.kind])}, released {inert(model.released)}), {inert(when[:10])}{what}"

    out = ["", "### Recently added", ""] + [item(i, history[i].added) for i in added]
    out += ["", "### Recently updated", ""] + ([item(i, history[i].updated, history[i].changes[-1].fields) for i in updated] or ["No entry has been changed since it was added."])
    out += ["", "Follow new and updated entries with the [Atom feed](feed.xml), or read every change as data in [api/changes.json](api/changes.json)." if here == "index.md" else "", ""]
    return "\n".join(out)


def atom_feed(catalog: Catalog, history: dict[str, EntryHistory], site_url: str) -> str:
    """An Atom feed of the latest additions to the catalog and changes to its entries."""
    events = _events(catalog, history)[:FEED_LIMIT]
    updated = max((date for date, _, _ in events), default="1970-01-01T00:00:00+00:00")
    entries = []
    for date, model_id, change in events:
        model = catalog.model(model_id)
        url = _xml(site_url + model_url(model.id))
        if change.kind == "added":
            title, summary = f"Added: {model.name}", model.summary
        else:
            names = ", ".join(name for name, _, _ in change.fields)
            title, summary = f"Updated: {model.name}", f"Changed {names}. {change.subject}"
        entries.append(
            "  <entry>\n"
            f"    <title>{_xml(title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{url}"/>\n'
            f"    <id>{url}#{_xml(change.commit)}</id>\n"
            f"    <updated>{_xml(date)}</updated>\n"
            f"    <summary>{_xml(summary)}</summary>\n"
            f'    <category term="{_xml(change.kind)}"/>\n'
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <title>MM-LLM Atlas: new and updated models</title>\n"
        f'  <link rel="self" href="{_xml(site_url)}feed.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{_xml(site_url)}"/>\n'
        f"  <id>{_xml(site_url)}feed.xml</id>\n"
        f"  <updated>{_xml(updated)}</updated>\n"
        "  <author><name>MM-LLM Atlas contributors</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )


def changes_json(catalog: Catalog, history: dict[str, EntryHistory], site_url: str) -> str:
    """api/changes.json: every entry's changes by date, newest first, with the old and new value of each field."""
    events = [
        {
            "date": date, "model": model_id, "url": site_url + model_url(model_id), "change": change.kind, "commit": change.commit, "subject": change.subject,
            "fields": {name: {"old": old, "new": new} for name, old, new in change.fields},
        }
        for date, model_id, change in _events(catalog, history)
    ]
    return json.dumps({"count": len(events), "changes": events}, ensure_ascii=False, indent=1) + "\n"
