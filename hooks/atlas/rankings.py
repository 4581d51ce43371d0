"""Which cited scores may be ranked against each other, and how they rank.

Two results are ranked together only when they are on the same benchmark and split and
were measured the same way: the same number of shots, with or without chain of thought,
and the same sampling. Every other difference (the setting's words, the checkpoint, who
reported it) is shown beside the score, never hidden.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlas.records import Benchmark, Catalog, Model, Result, Split


@dataclass(frozen=True)
class Row:
    rank: int
    model: Model
    result: Result


@dataclass(frozen=True)
class Board:
    """The results on one benchmark that may be ranked against each other, best first."""

    benchmark: Benchmark
    split: Split
    condition: tuple[Any, ...]  # (shots, cot, samples)
    rows: tuple[Row, ...]

    @property
    def key(self) -> str:
        """A stable anchor for the board on its benchmark's page."""
        shots, cot, samples = self.condition
        parts = [self.split.id]
        if shots is not None:
            parts.append(f"{shots}-shot")
        if cot:
            parts.append("cot")
        if samples is not None:
            parts.append(f"{samples.aggregate}-{samples.k}")
        return "-".join(parts).replace(".", "-")

    @property
    def label(self) -> str:
        """The split and the way of measuring, in words."""
        shots, cot, samples = self.condition
        how = []
        if shots is not None:
            how.append("zero-shot" if shots == 0 else f"{shots}-shot")
        if cot:
            how.append("chain of thought")
        if samples is not None:
            how.append({"majority": f"majority vote of {samples.k}", "average": f"mean of {samples.k} samples", "pass": f"pass@{samples.k}"}[samples.aggregate])
        return self.split.name + (f" · {', '.join(how)}" if how else " · shots and sampling not stated")

    @property
    def models(self) -> int:
        return len({row.model.id for row in self.rows})


def open_weights(model: Model) -> bool:
    """Downloadable weights, freely or after a gated request."""
    return model.access.weights != "closed"


def _boards(catalog: Catalog, benchmark: Benchmark) -> list[Board]:
    groups: dict[tuple[str, tuple[Any, ...]], list[tuple[Model, Result]]] = {}
    for model, result in catalog.results_on(benchmark.id):
        groups.setdefault((result.split, result.condition[1:]), []).append((model, result))
    order = {split.id: index for index, split in enumerate(benchmark.splits)}
    boards = []
    for (split_id, condition), pairs in groups.items():
        pairs.sort(key=lambda pair: (-pair[1].score if benchmark.higher_is_better else pair[1].score, pair[0].name.casefold(), pair[1].checkpoint or ""))
        rows, rank, previous = [], 0, None
        for position, (model, result) in enumerate(pairs, start=1):
            if result.score != previous:
                rank, previous = position, result.score
            rows.append(Row(rank, model, result))
        boards.append(Board(benchmark, benchmark.split(split_id), condition, tuple(rows)))
    boards.sort(key=lambda b: (-b.models, order[b.split.id], b.key))
    return boards


def leaderboards(catalog: Catalog) -> dict[str, list[Board]]:
    """Every benchmark's boards, largest first; computed once per catalog and kept on it."""
    known = catalog.__dict__.get("_leaderboards")
    if known is None:
        known = {benchmark_id: _boards(catalog, benchmark) for benchmark_id, benchmark in catalog.benchmarks.items()}
        object.__setattr__(catalog, "_leaderboards", known)
    return known


def placing(catalog: Catalog, model: Model, result: Result) -> tuple[int, int, Board]:
    """(rank, results ranked, board) of one of ``model``'s results."""
    for board in leaderboards(catalog)[result.benchmark]:
        for row in board.rows:
            if row.result is result and row.model is model:
                return row.rank, len(board.rows), board
    raise KeyError((model.id, result.benchmark))


def best_so_far(board: Board, open_side: bool) -> list[tuple[str, float, Model]]:
    """The running best score of open-weights (or closed) models, as (release date, score, model) where it moves."""
    better = (lambda a, b: a > b) if board.benchmark.higher_is_better else (lambda a, b: a < b)
    rows = sorted((row for row in board.rows if open_weights(row.model) == open_side), key=lambda row: (row.model.released, row.model.id))
    steps: list[tuple[str, float, Model]] = []
    for row in rows:
        if not steps or better(row.result.score, steps[-1][1]):
            steps.append((row.model.released, row.result.score, row.model))
    return steps
