"""Benchmark pages: what a benchmark measures, every cited result ranked by board, and the open-vs-closed chart."""
from __future__ import annotations

from markupsafe import Markup

from atlas.rankings import Board, best_so_far, leaderboards, open_weights
from atlas.records import Catalog, human_date
from atlas.render.citations import citation
from atlas.render.escape import attribute, front_matter, inert, url
from atlas.render.links import index_src, model_src, src
from atlas.render.templating import md_link, page_url, site_root

W, H, LEFT, RIGHT, TOP, BOTTOM = 720, 380, 56, 16, 40, 44
SIDES = ((True, "open", "Open weights (downloadable, freely or on request)"), (False, "closed", "Closed weights (API or product only)"))


def _month(released: str) -> float:
    """A release date as a number of months, mid-month (or mid-year for a bare year)."""
    parts = released.split("-")
    return int(parts[0]) * 12 + (int(parts[1]) - 1 if len(parts) > 1 else 5.5) + 0.5


def _score(value: float) -> str:
    return f"{value:g}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    step = 10 ** len(str(int(span / count))) / 10 if span / count >= 1 else 0.1
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    first = (low // step) * step
    return [round(first + i * step, 6) for i in range(count + 2) if low - 1e-9 <= first + i * step <= high + 1e-9]


def chart_svg(board: Board, root: str, chart_id: str) -> str:
    """Score against release date, open and closed weights in two marks, with each side's best so far."""
    rows = board.rows
    months = [_month(row.model.released) for row in rows]
    scores = [row.result.score for row in rows]
    x0, x1 = min(months) - 2, max(months) + 2
    low, high = min(scores), max(scores)
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    if board.split.low is not None:
        low = max(low, board.split.low)
    if board.split.high is not None:
        high = min(high, board.split.high)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(month: float) -> float:
        return LEFT + (month - x0) / (x1 - x0) * plot_w

    def y(score: float) -> float:
        return TOP + (high - score) / ((high - low) or 1.0) * plot_h

    name = f"{board.benchmark.name}, {board.label}"
    out = [
        f'<svg class="atlas-chart atlas-chart--scatter" role="img" aria-labelledby="{chart_id}-title" viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        f'<title id="{chart_id}-title">{inert(name)}: score against release date, open and closed weights</title>',
    ]
    for tick in _ticks(low, high):
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="atlas-chart__grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="atlas-chart__label">{_score(tick)}</text>')
    first_year, last_year = int(x0 // 12), int(x1 // 12)
    years = list(range(first_year + (1 if x0 % 12 > 6 else 0), last_year + 1))
    step = max(1, len(years) // 8)
    for year in years[::step]:
        xx = x(year * 12)
        if LEFT <= xx <= W - RIGHT:
            out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{H - BOTTOM}" class="atlas-chart__grid"/>')
            out.append(f'<text x="{xx:.1f}" y="{H - BOTTOM + 18}" text-anchor="middle" class="atlas-chart__label">{year}</text>')
    out.append(f'<text x="{LEFT}" y="{TOP - 24}" class="atlas-chart__label">{inert(board.split.metric)}{"" if board.benchmark.higher_is_better else " (lower is better)"}</text>')
    legend_x = LEFT + 200
    for side, css, label in SIDES:
        steps = best_so_far(board, side)
        if steps:
            points = []
            for index, (released, score, _) in enumerate(steps):
                if index:
                    points.append(f"{x(_month(released)):.1f},{y(steps[index - 1][1]):.1f}")
                points.append(f"{x(_month(released)):.1f},{y(score):.1f}")
            points.append(f"{x(x1):.1f},{y(steps[-1][1]):.1f}")
            out.append(f'<polyline class="atlas-chart__best atlas-chart__best--{css}" data-side="{css}" points="{" ".join(points)}" fill="none"/>')
        marker = f'<circle cx="{legend_x}" cy="{TOP - 28}" r="5" class="atlas-chart__point--{css}"/>' if side else f'<rect x="{legend_x - 5}" y="{TOP - 33}" width="10" height="10" class="atlas-chart__point--{css}"/>'
        out.append(marker + f'<text x="{legend_x + 10}" y="{TOP - 24}" class="atlas-chart__legend">{"open weights" if side else "closed weights"}</text>')
        legend_x += 130
    out.append(f'<text x="{legend_x}" y="{TOP - 24}" class="atlas-chart__legend">line: best so far</text>')
    for row in rows:
        side = "open" if open_weights(row.model) else "closed"
        cx, cy = x(_month(row.model.released)), y(row.result.score)
        mark = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6"' if side == "open" else f'<rect x="{cx - 5.5:.1f}" y="{cy - 5.5:.1f}" width="11" height="11"'
        out.append(
            f'<a xlink:href="{inert(root)}{page_url("model", row.model.id)}" class="atlas-chart__mark" data-model="{inert(row.model.id)}" data-score="{_score(row.result.score)}" data-side="{side}">'
            f'{mark} class="atlas-chart__point--{side}"><title>{inert(row.model.name)} ({inert(human_date(row.model.released))}): {_score(row.result.score)}</title>'
            f'{"</circle>" if side == "open" else "</rect>"}</a>'
        )
    out.append("</svg>")
    return "".join(out)


def _sources_cell(board_row: object, catalog: Catalog) -> Markup:
    result = board_row.result  # type: ignore[attr-defined]
    return citation(result.source, catalog.references)


def board_table(board: Board, catalog: Catalog, here: str) -> str:
    """The ranked results of one board as a Markdown table (the chart's data too)."""
    lines = ["| Rank | Model | Score | Released | Weights | Checkpoint | Setting | Reported by | Source |", "| ---: | --- | ---: | --- | --- | --- | --- | --- | --- |"]
    for row in board.rows:
        result = row.result
        note = f" {inert('(' + result.note + ')')}" if result.note else ""
        lines.append(
            f"| {row.rank} | {md_link(row.model.name, model_src(row.model.id), here)} | {_score(result.score)} | {inert(row.model.released)} | "
            f"{inert(row.model.access.weights)} | {inert(result.checkpoint or '–')} | {inert(result.describe() or '–')}{note} | "
            f"{inert('the developers' if result.reported_by == 'self' else result.reported_by)} | {_sources_cell(row, catalog)} |"
        )
    return "\n".join(lines) + "\n"


def gap_sentence(board: Board) -> str:
    """The gap between the best closed and the best open-weights score, read from the data."""
    open_steps, closed_steps = best_so_far(board, True), best_so_far(board, False)
    name = f"{board.benchmark.name} ({board.label})"
    if not open_steps or not closed_steps:
        side = "open-weights" if open_steps else "closed"
        return f"On {inert(name)} the catalog holds cited results for {side} models only."
    best_open, best_closed = open_steps[-1], closed_steps[-1]
    better = board.benchmark.higher_is_better
    gap = (best_closed[1] - best_open[1]) * (1 if better else -1)
    text = (
        f"On {inert(name)}, the best cited closed-weights score is {_score(best_closed[1])} ({inert(best_closed[2].name)}, {inert(human_date(best_closed[0]))}) "
        f"and the best open-weights score is {_score(best_open[1])} ({inert(best_open[2].name)}, {inert(human_date(best_open[0]))}): "
    )
    if gap > 0:
        text += f"closed models lead by {_score(round(gap, 2))} points."
    elif gap < 0:
        text += f"open-weights models lead by {_score(round(-gap, 2))} points."
    else:
        text += "they are level."
    # The latest time the open side reached a level the closed side had reached earlier.
    caught, matched = None, -1
    for released, score, model in open_steps:
        level = max((i for i, c in enumerate(closed_steps) if c[0] < released and (score >= c[1] if better else score <= c[1])), default=-1)
        if level > matched:
            matched, caught = level, (closed_steps[level][0], released, model)
    if caught is not None:
        closed_date, open_date, model = caught
        lag = round(_month(open_date) - _month(closed_date))
        text += (f" Open-weights models last caught up with a closed best, the one set in {inert(human_date(closed_date))}, "
                 f"when {inert(model.name)} came out in {inert(human_date(open_date))}, {lag} months later.")
    return text


def figure(board: Board, catalog: Catalog, here: str, chart_id: str) -> str:
    """The chart, its caption, and its data table."""
    svg = chart_svg(board, site_root(here), chart_id)
    caption = f"{board.benchmark.name}, {board.label}: each mark is a catalog model's cited score, placed at the model's release; the lines step up with each side's best so far."
    return (
        f'<figure class="atlas-figure atlas-figure--chart" id="{chart_id}" data-search-exclude>{svg}<figcaption>{inert(caption)}</figcaption></figure>\n\n'
        + f"{gap_sentence(board)}\n\n"
        + board_table(board, catalog, here)
    )


def _front(title: str, description: str) -> str:
    return front_matter({"title": attribute(title), "description": attribute(description)})


def benchmark_page(benchmark_id: str, catalog: Catalog) -> str:
    """benchmarks/<id>.md: the benchmark, its chart, and every cited result by board."""
    benchmark = catalog.benchmarks[benchmark_id]
    here = src("benchmark", benchmark_id)
    boards = leaderboards(catalog)[benchmark_id]
    facts = [
        f"**Measures:** {inert(benchmark.task.replace('-', ' '))}",
        f"**Inputs:** {inert(', '.join(benchmark.modalities))}",
        f"**Score:** {inert(benchmark.metric)}, {'higher' if benchmark.higher_is_better else 'lower'} is better",
    ]
    if benchmark.aliases:
        facts.append(f"**Also called:** {inert(', '.join(benchmark.aliases))}")
    if benchmark.website:
        facts.append(f'**Website:** <a href="{url(benchmark.website)}" rel="nofollow noopener">{inert(benchmark.website)}</a>')
    body = f"# {inert(benchmark.name)}\n\n{inert(benchmark.summary)} [@{benchmark.reference}]\n\n" + " · ".join(facts) + "\n\n"
    body += "**Splits:** " + "; ".join(f"{inert(s.name)} (`{inert(s.id)}`, {inert(s.metric)})" + (f" [@{s.reference}]" if s.reference else "") for s in benchmark.splits) + "\n\n"
    if not boards:
        body += "No catalog model has a cited result on this benchmark yet.\n"
    else:
        models = len({row.model.id for board in boards for row in board.rows})
        body += (
            f"The catalog cites **{sum(len(b.rows) for b in boards)} results** from **{models} models**. Results are ranked only against "
            "results on the same split, measured the same way (shots, chain of thought, sampling); each group below is one such board, "
            "and the setting, checkpoint and reporter of every score are shown beside it.\n\n"
        )
        lead = boards[0]
        if lead.models >= 2:
            body += "## Open and closed weights over time { data-search-exclude }\n\n" + figure(lead, catalog, here, f"chart-{benchmark_id}") + "\n"
        for board in boards[1:] if lead.models >= 2 else boards:
            body += f"## {inert(board.label)} {{ #{board.key} data-search-exclude }}\n\n" + board_table(board, catalog, here) + "\n"
    body += "\n## References\n\n\\bibliography\n"
    return _front(benchmark.name, benchmark.summary) + body


def benchmarks_index(catalog: Catalog) -> str:
    """benchmarks/index.md: every registered benchmark with its best cited result."""
    here = index_src("benchmark")
    lines = ["| Benchmark | Measures | Inputs | Models | Best cited result |", "| --- | --- | --- | ---: | --- |"]
    for benchmark in sorted(catalog.benchmarks.values(), key=lambda b: b.name.casefold()):
        boards = leaderboards(catalog)[benchmark.id]
        models = len({row.model.id for board in boards for row in board.rows})
        best = ""
        if boards:
            top = boards[0].rows[0]
            best = f"{_score(top.result.score)}, {md_link(top.model.name, model_src(top.model.id), here)} ({inert(boards[0].label)})"
        lines.append(f"| {md_link(benchmark.name, src('benchmark', benchmark.id), here)} | {inert(benchmark.task.replace('-', ' '))} | {inert(', '.join(benchmark.modalities))} | {models} | {best or '–'} |")
    intro = (
        "# Benchmarks\n\nThe benchmarks that catalog results name. Each page ranks every score the catalog cites, with its split, "
        "setting, checkpoint, reporter and source, and charts open against closed models over time.\n\n"
    )
    return _front("Benchmarks", "Cited benchmark results of the models in the MM-LLM Atlas, ranked per benchmark, split and setting.") + intro + "\n".join(lines) + "\n"
