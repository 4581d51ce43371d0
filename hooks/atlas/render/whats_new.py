"""What's new: recently added and updated entries, and an Atom feed of additions."""
from __future__ import annotations

from xml.sax.saxutils import escape

from atlas.history import EntryDates
from atlas.records import Catalog
from atlas.render.links import model_src, model_url
from atlas.vocabulary import KIND_LABELS
from atlas.render.escape import inert
from atlas.render.templating import md_link

LIMIT = 10
FEED_LIMIT = 50


def _added_order(catalog: Catalog, dates: dict[str, EntryDates]) -> list[str]:
    known = [m.id for m in catalog.models if m.id in dates]
    return sorted(known, key=lambda i: (dates[i].added, i), reverse=True)


def whats_new(catalog: Catalog, dates: dict[str, EntryDates], here: str) -> str:
    """Markdown lists of the latest additions and updates, by the date each change landed."""
    if not dates:
        return "\n_The history of the catalog is not available in this build (no git history)._\n"
    added = _added_order(catalog, dates)[:LIMIT]
    updated = sorted((i for i in dates if catalog.has_model(i) and dates[i].updated != dates[i].added), key=lambda i: (dates[i].updated, i), reverse=True)[:LIMIT]

    def item(model_id: str, when: str) -> str:
        model = catalog.model(model_id)
        return f"- {md_link(model.name, model_src(model_id), here)} ({inert(KIND_LABELS[model.kind])}, released {inert(model.released)}), {inert(when[:10])}"

    out = ["", "### Recently added", ""] + [item(i, dates[i].added) for i in added]
    out += ["", "### Recently updated", ""] + ([item(i, dates[i].updated) for i in updated] or ["No entry has been changed since it was added."])
    out += ["", "Follow new entries with the [Atom feed](feed.xml)." if here == "index.md" else "", ""]
    return "\n".join(out)


def atom_feed(catalog: Catalog, dates: dict[str, EntryDates], site_url: str) -> str:
    """An Atom feed of the latest additions to the catalog."""
    ids = _added_order(catalog, dates)[:FEED_LIMIT]
    updated = max((dates[i].added for i in ids), default="1970-01-01T00:00:00+00:00")
    entries = []
    for model_id in ids:
        model = catalog.model(model_id)
        url = escape(site_url + model_url(model.id))
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(model.name)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{url}"/>\n'
            f"    <id>{url}</id>\n"
            f"    <updated>{escape(dates[model_id].added)}</updated>\n"
            f"    <summary>{escape(model.summary)}</summary>\n"
            f'    <category term="{escape(model.kind)}"/>\n'
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <title>MM-LLM Atlas: new models</title>\n"
        f'  <link rel="self" href="{escape(site_url)}feed.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{escape(site_url)}"/>\n'
        f"  <id>{escape(site_url)}feed.xml</id>\n"
        f"  <updated>{escape(updated)}</updated>\n"
        "  <author><name>MM-LLM Atlas contributors</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
