"""Directives that embed live catalog data in hand-written pages.

A directive is an HTML comment on its own line (or, for ``count``, inside a sentence):

    <!-- atlas: models technique=lora kind=mm-llm -->
    <!-- atlas: count weights=open -->
    <!-- atlas: openness -->
    <!-- atlas: licenses -->
    <!-- atlas: stats -->
    <!-- atlas: mmllm-diagram -->
    <!-- atlas: field-reference -->
    <!-- atlas: openness-charts -->
    <!-- atlas: timeline -->
    <!-- atlas: lineage view=graph -->   (or view=table)
    <!-- atlas: whats-new -->
    <!-- atlas: open-closed benchmark=mmlu -->   (optionally board=<key> from the benchmark's page)
    <!-- atlas: by-year group=technique kind=mm-llm year=2022-2026 top=6 -->
                (group: technique, encoder, weights, data or kind; any filter of models/count;
                 with group=technique, category=<a techniques.yaml category>)

An unknown directive, filter or value raises DirectiveError, which stops the build.
Directives inside fenced code blocks are left alone, so documentation can show them.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from atlas.records import Catalog, Model, sort_models
from atlas.vocabulary import KIND_LABELS, license_family
from atlas.render.escape import inert
from atlas.render.tables import COLUMNS, HEADERS, models_table

DIRECTIVE_RE = re.compile(r"<!--\s*atlas:\s*(?P<body>.*?)\s*-->")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
WEIGHTS = ("open", "restricted", "closed")
OPENNESS = ("open", "partial", "closed")


class DirectiveError(ValueError):
    """A directive that cannot be expanded; the message says why and what is allowed."""


def _year_filter(value: str) -> Callable[[Model], bool]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value)
    if not match:
        raise DirectiveError(f"year must be YYYY or YYYY-YYYY, got {value!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return lambda m: low <= m.year <= high


def _choice(name: str, value: str, allowed: list[str] | tuple[str, ...], get: Callable[[Model], object]) -> Callable[[Model], bool]:
    if value not in allowed:
        raise DirectiveError(f"unknown {name} {value!r}; allowed: {', '.join(sorted(allowed))}")
    return lambda m: value in get(m) if isinstance(get(m), tuple) else get(m) == value


def build_filter(arguments: dict[str, str], catalog: Catalog) -> Callable[[Model], bool]:
    """All filters in ``arguments`` combined with AND."""
    modalities = sorted({mod for m in catalog.models for mod in m.modalities} | {"text", "image", "video", "audio", "speech"})
    makers: dict[str, Callable[[str], Callable[[Model], bool]]] = {
        "kind": lambda v: _choice("kind", v, list(KIND_LABELS), lambda m: m.kind),
        "technique": lambda v: _choice("technique", v, list(catalog.techniques), lambda m: m.techniques),
        "organization": lambda v: _choice("organization", v, list(catalog.organizations), lambda m: m.organizations),
        "weights": lambda v: _choice("weights", v, WEIGHTS, lambda m: m.access.weights),
        "code": lambda v: _choice("code", v, OPENNESS, lambda m: m.access.code),
        "data": lambda v: _choice("data", v, OPENNESS, lambda m: m.access.data),
        "api": lambda v: _choice("api", v, ("true", "false"), lambda m: "true" if m.access.api else "false"),
        "modality": lambda v: _choice("modality", v, modalities, lambda m: m.modalities),
        "built_on": lambda v: _choice("built_on", v, [m.id for m in catalog.models], lambda m: m.built_on),
        "year": _year_filter,
    }
    checks = []
    for name, value in arguments.items():
        if name not in makers:
            raise DirectiveError(f"unknown filter {name!r}; allowed: {', '.join(sorted(makers))}")
        checks.append(makers[name](value))
    return lambda model: all(check(model) for check in checks)


def _parse(body: str) -> tuple[str, dict[str, str]]:
    words = body.split()
    if not words:
        raise DirectiveError("empty directive; write e.g. <!-- atlas: models kind=mm-llm -->")
    arguments: dict[str, str] = {}
    for word in words[1:]:
        name, sep, value = word.partition("=")
        if not sep or not value:
            raise DirectiveError(f"argument {word!r} must be name=value")
        if name in arguments:
            raise DirectiveError(f"argument {name!r} is given twice")
        arguments[name] = value
    return words[0], arguments


def _models(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    columns = COLUMNS
    if "columns" in arguments:
        columns = tuple(arguments.pop("columns").split(","))
        unknown = [c for c in columns if c not in HEADERS]
        if unknown:
            raise DirectiveError(f"unknown column {unknown[0]!r}; allowed: {', '.join(HEADERS)}")
    models = catalog.filtered(build_filter(arguments, catalog))
    if not models:
        raise DirectiveError(f"no model matches {arguments}; a directive must not render an empty table")
    return "\n" + models_table(models, catalog, here, columns) + "\n"


def _count(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    return str(len(catalog.filtered(build_filter(arguments, catalog))))


def _openness(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    if arguments:
        raise DirectiveError("openness takes no arguments")
    total = len(catalog.models)
    lines = ["| Weights | Models | Share |", "| --- | ---: | ---: |"]
    for level in WEIGHTS:
        count = sum(1 for m in catalog.models if m.access.weights == level)
        lines.append(f"| {level} | {count} | {100 * count / total:.0f}% |")
    return "\n" + "\n".join(lines) + "\n"


def _licenses(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    if arguments:
        raise DirectiveError("licenses takes no arguments")
    counts = Counter(m.license or "not stated" for m in catalog.models)
    lines = ["| Licence | Family | Models |", "| --- | --- | ---: |"]
    for license, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
        lines.append(f"| {inert(license)} | {inert(license_family(None if license == 'not stated' else license))} | {count} |")
    return "\n" + "\n".join(lines) + "\n"


def _stats(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    if arguments:
        raise DirectiveError("stats takes no arguments")
    models = catalog.models
    orgs = {o for m in models for o in m.organizations}
    mm = sum(1 for m in models if m.kind == "mm-llm")
    open_weights = sum(1 for m in models if m.access.weights == "open")
    newest = sort_models(models)[0]
    cells = [
        (len(models), "models"),
        (mm, "multi-modal LLMs"),
        (len(orgs), "organizations"),
        (open_weights, "with open weights"),
        (len(catalog.references), "cited references"),
    ]
    lines = ["| " + " | ".join(label for _, label in cells) + " |", "| " + " | ".join("---:" for _ in cells) + " |", "| " + " | ".join(f"**{n}**" for n, _ in cells) + " |"]
    return "\n" + "\n".join(lines) + f"\n\nNewest entry by release date: {inert(newest.name)} ({inert(newest.released)}).\n"


def _diagram(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.diagram import mmllm_diagram

    if arguments:
        raise DirectiveError("mmllm-diagram takes no arguments")
    return "\n" + mmllm_diagram() + "\n"


def _openness_charts(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.charts import openness_charts

    if arguments:
        raise DirectiveError("openness-charts takes no arguments")
    return "\n" + str(openness_charts(catalog)) + "\n"


def _timeline(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.templating import site_root
    from atlas.render.timeline import timeline

    if arguments:
        raise DirectiveError("timeline takes no arguments")
    return "\n" + str(timeline(catalog, here, site_root(here))) + "\n"


def _lineage(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.lineage import global_lineage, lineage_table
    from atlas.render.templating import site_root

    view = arguments.pop("view", "graph")
    if arguments or view not in ("graph", "table"):
        raise DirectiveError("lineage takes only view=graph or view=table")
    return "\n" + (global_lineage(catalog, site_root(here)) if view == "graph" else lineage_table(catalog, here)) + "\n"


def _fields(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.field_reference import field_reference_markdown

    if arguments:
        raise DirectiveError("field-reference takes no arguments")
    return "\n" + field_reference_markdown() + "\n"


def _open_closed(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.rankings import leaderboards
    from atlas.render.benchmarks import figure

    benchmark = arguments.pop("benchmark", None)
    board_key = arguments.pop("board", None)
    if arguments or benchmark is None:
        raise DirectiveError("open-closed takes benchmark=<id> and optionally board=<key>")
    if benchmark not in catalog.benchmarks:
        raise DirectiveError(f"unknown benchmark {benchmark!r}; allowed: {', '.join(sorted(catalog.benchmarks))}")
    boards = leaderboards(catalog)[benchmark]
    chosen = [b for b in boards if board_key in (None, b.key)]
    if not chosen:
        raise DirectiveError(f"{benchmark} has no board {board_key!r}; boards: {', '.join(b.key for b in boards)}")
    board = chosen[0]
    if board.models < 2:
        raise DirectiveError(f"the {benchmark} board {board.key!r} has fewer than two models; a chart of it would say nothing")
    return "\n" + figure(board, catalog, here, f"chart-{benchmark}-{board.key}") + "\n"


BY_YEAR_CAPTIONS = {
    "technique": "Each bar counts, per year of release, the techniques that the matching models list; a model that lists two counts under both.",
    "encoder": "Each bar counts the matching models released that year by the modality encoder their architecture names, grouped by that encoder's family; a model whose entry describes its encoder only in words counts as described in words.",
    "weights": "Each bar counts the matching models released that year, split by whether their weights are open, restricted or closed.",
    "data": "Each bar counts the matching models released that year, split by whether their training data is open, partly open or closed.",
    "kind": "Each bar counts the matching models released that year, by kind.",
}


def _by_year(arguments: dict[str, str], catalog: Catalog, here: str) -> str:
    from atlas.render.by_year import GROUPS, by_year
    from atlas.render.charts import figure, vertical_svg

    group = arguments.pop("group", None)
    if group not in GROUPS:
        raise DirectiveError(f"by-year needs group= one of {', '.join(GROUPS)}")
    category = arguments.pop("category", None)
    categories = sorted({t.category for t in catalog.techniques.values()})
    if category is not None and (group != "technique" or category not in categories):
        raise DirectiveError(f"category= goes with group=technique and is one of {', '.join(categories)}")
    top = arguments.pop("top", "6")
    if not top.isdigit() or not 1 <= int(top) <= 9:
        raise DirectiveError(f"top must be a number from 1 to 9, got {top!r}")
    label = "-".join(f"{k}-{v}" for k, v in sorted({**arguments, **({"category": category} if category else {})}.items()))
    chart_id = re.sub(r"[^a-z0-9-]+", "-", f"chart-by-year-{group}-{label}".lower()).strip("-")  # one per filter set on a page
    models = catalog.filtered(build_filter(arguments, catalog))
    chart = by_year(models, catalog, group, int(top), category, chart_id)
    if not chart.categories:
        raise DirectiveError(f"no model matches {arguments} with a {group}; a directive must not render an empty chart")
    caption = BY_YEAR_CAPTIONS[group] if category is None else BY_YEAR_CAPTIONS["technique"].replace("the techniques", f"the {category.replace('-', ' ')} techniques")
    return "\n" + figure(chart, vertical_svg(chart), caption) + "\n"


DIRECTIVES: dict[str, Callable[[dict[str, str], Catalog, str], str]] = {
    "models": _models,
    "count": _count,
    "openness": _openness,
    "licenses": _licenses,
    "stats": _stats,
    "mmllm-diagram": _diagram,
    "field-reference": _fields,
    "openness-charts": _openness_charts,
    "timeline": _timeline,
    "lineage": _lineage,
    "open-closed": _open_closed,
    "by-year": _by_year,
}


def expand(markdown: str, catalog: Catalog, here: str, dates: dict | None = None) -> str:
    """Replace every directive in ``markdown`` (outside code fences) with its content.

    ``dates`` (model id -> EntryHistory from git) feeds the whats-new directive.
    """
    out = []
    fence: str | None = None
    for line in markdown.split("\n"):
        match = FENCE_RE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
        if fence is None and "<!--" in line:
            line = DIRECTIVE_RE.sub(lambda m: _expand_one(m.group("body"), catalog, here, dates or {}), line)
        out.append(line)
    return "\n".join(out)


def _expand_one(body: str, catalog: Catalog, here: str, dates: dict) -> str:
    name, arguments = _parse(body)
    if name == "whats-new":
        from atlas.render.whats_new import whats_new

        if arguments:
            raise DirectiveError(f"<!-- atlas: {body} -->: whats-new takes no arguments")
        return whats_new(catalog, dates, here)
    if name not in DIRECTIVES:
        raise DirectiveError(f"unknown directive {name!r}; allowed: {', '.join([*DIRECTIVES, 'whats-new'])}")
    try:
        return DIRECTIVES[name](arguments, catalog, here)
    except DirectiveError as exc:
        raise DirectiveError(f"<!-- atlas: {body} -->: {exc}") from None
