"""Benchmarks as data: boards rank only comparable results, and every view shows the same numbers as the catalog."""
from __future__ import annotations

import csv
import io
import json

from bs4 import BeautifulSoup

from atlas.rankings import best_so_far, leaderboards, open_weights, placing
from atlas.render.benchmarks import benchmark_page, chart_svg, gap_sentence
from atlas.render.exports import benchmarks_json, results_csv, results_json
from atlas.render.model_page import model_page

SITE = "https://example.org/atlas/"


def test_a_board_holds_only_results_measured_the_same_way(catalog) -> None:
    for boards in leaderboards(catalog).values():
        for board in boards:
            assert {(row.result.split, row.result.condition[1:]) for row in board.rows} == {(board.split.id, board.condition)}


def test_every_result_is_on_exactly_one_board(catalog) -> None:
    placed = sorted((row.model.id, row.result.benchmark, row.result.split, row.result.score, row.result.checkpoint or "") for boards in leaderboards(catalog).values() for board in boards for row in board.rows)
    held = sorted((m.id, r.benchmark, r.split, r.score, r.checkpoint or "") for m in catalog.models for r in m.results)
    assert placed == held


def test_ranks_follow_the_score_in_the_benchmarks_direction(catalog) -> None:
    for boards in leaderboards(catalog).values():
        for board in boards:
            scores = [row.result.score for row in board.rows]
            assert scores == sorted(scores, reverse=board.benchmark.higher_is_better)
            for previous, row in zip(board.rows, board.rows[1:]):
                assert row.rank == (previous.rank if row.result.score == previous.result.score else board.rows.index(row) + 1)


def test_the_chart_marks_are_the_boards_results(catalog) -> None:
    board = leaderboards(catalog)["mmlu"][0]
    svg = BeautifulSoup(chart_svg(board, "../../", "c"), "html.parser")
    marks = sorted((a["data-model"], float(a["data-score"]), a["data-side"]) for a in svg.select("a.atlas-chart__mark"))
    assert marks == sorted((row.model.id, row.result.score, "open" if open_weights(row.model) else "closed") for row in board.rows)
    for side in ("open", "closed"):
        line = svg.select_one(f"polyline[data-side={side}]")
        steps = best_so_far(board, side == "open")
        assert (line is None) == (not steps)
        if steps:  # one vertex per new best, one for each step's corner, one to carry the last best to the right edge
            assert len(line["points"].split()) == 2 * len(steps)


def test_best_so_far_only_moves_up(catalog) -> None:
    for boards in leaderboards(catalog).values():
        for board in boards:
            for side in (True, False):
                scores = [score for _, score, _ in best_so_far(board, side)]
                assert scores == sorted(scores, reverse=not board.benchmark.higher_is_better)
                assert len(set(scores)) == len(scores)


def test_the_gap_sentence_reads_the_data(catalog) -> None:
    board = leaderboards(catalog)["mmlu"][0]
    best_open = best_so_far(board, True)[-1]
    best_closed = best_so_far(board, False)[-1]
    sentence = BeautifulSoup(gap_sentence(board), "html.parser").get_text()
    assert f"{best_closed[1]:g} ({best_closed[2].name}" in sentence and f"{best_open[1]:g} ({best_open[2].name}" in sentence


def test_the_benchmark_page_tables_hold_every_cited_result(catalog) -> None:
    text = benchmark_page("mmmu", catalog)
    for board in leaderboards(catalog)["mmmu"]:
        for row in board.rows:
            assert f"| {row.rank} | [" in text and f"| {row.result.score:g} |" in text
    total = sum(len(board.rows) for board in leaderboards(catalog)["mmmu"])
    assert f"**{total} results**" in text


def test_model_pages_show_each_results_rank(catalog) -> None:
    model = catalog.model("qwen2-5-vl")
    page = model_page(model, catalog, SITE, "2026")
    for result in model.results:
        rank, total, _ = placing(catalog, model, result)
        assert (f"| {rank} of {total} |" if total > 1 else "| only result |") in page


def test_the_result_exports_agree_with_the_catalog(catalog) -> None:
    records = json.loads(results_json(catalog, SITE))["results"]
    assert len(records) == sum(len(m.results) for m in catalog.models)
    text = results_csv(catalog, SITE)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(r["model"], r["benchmark"], r["split"], float(r["score"])) for r in rows] == [(r["model"], r["benchmark"], r["split"], r["score"]) for r in records]
    registry = {b["id"]: b for b in json.loads(benchmarks_json(catalog, SITE))["benchmarks"]}
    assert set(registry) == set(catalog.benchmarks)
    for benchmark_id, entry in registry.items():
        assert entry["results"] == sum(1 for r in records if r["benchmark"] == benchmark_id)


def test_the_registry_meets_the_counts_asked_for(catalog) -> None:
    models_per_benchmark = {b: len({row.model.id for board in boards for row in board.rows}) for b, boards in leaderboards(catalog).items()}
    assert len(catalog.benchmarks) >= 30
    assert sum(len(m.results) for m in catalog.models) >= 600
    assert sum(1 for count in models_per_benchmark.values() if count >= 10) >= 20
