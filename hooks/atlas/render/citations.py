"""References as pages show them: "Liu et al. 2023" with a footnote, or a link to a web source."""
from __future__ import annotations

from markupsafe import Markup

from atlas.records import Reference
from atlas.render.escape import bibkey, inert, url


def short_label(reference: Reference) -> str:
    """'Liu et al. 2023' style label: first author's family name (or the organization) and year."""
    if reference.authors:
        first = reference.authors[0]
        family = first if first.startswith("{") else first.split(",", 1)[0] if "," in first else first.split()[-1]
        family = family.replace("{", "").replace("}", "")
        label = family + (" et al." if len(reference.authors) > 1 else "")
    else:
        label = (reference.get("organization") or reference.get("institution") or reference.get("publisher") or reference.key).replace("{", "").replace("}", "")
    return f"{label} {reference.get('year')}".strip()


def citation(ref: str, references: dict[str, Reference] | None = None) -> Markup:
    """A BibTeX key as a labelled citation for mkdocs-bibtex, or a URL as a link."""
    if ref.startswith(("http://", "https://")):
        return Markup(f'<a href="{url(ref)}" rel="nofollow noopener">{inert(_host(ref))}</a>')
    if references and ref in references:
        return Markup(f"{inert(short_label(references[ref]))} [@{bibkey(ref)}]")
    return Markup(f"[@{bibkey(ref)}]")


def _host(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def _host(address: str) -> str:
    return address.split("://", 1)[1].split("/", 1)[0]
