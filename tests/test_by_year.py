"""The articles' by-year views count what the catalog holds, and refuse what they cannot draw."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from atlas.render.by_year import IN_WORDS, OTHER, by_year
from atlas.render.charts import chart_mark_count, vertical_svg
from atlas.render.directives import DirectiveError, expand


def test_connectors_per_year_match_an_independent_count(catalog) -> None:
    bridges = {t.id: t.name for t in catalog.techniques.values() if t.category == "multimodal-bridge"}
    mm = [m for m in catalog.models if m.kind == "mm-llm"]
    chart = by_year(mm, catalog, "technique", 9, "multimodal-bridge")
    expected: dict[str, Counter] = {}
    for model in mm:
        for technique in model.techniques:
            if technique in bridges:
                expected.setdefault(str(model.year), Counter())[bridges[technique]] += 1
    assert {year: dict(counts) for year, counts in expected.items()} == {year: {k: v for k, v in chart.values[year].items() if v} for year in chart.categories}
    assert set(chart.series) == set(bridges.values()) - {name for name in bridges.values() if not any(name in c for c in expected.values())}


def test_encoders_are_grouped_by_family_and_the_rest_is_described_in_words(catalog) -> None:
    mm = [m for m in catalog.models if m.kind == "mm-llm"]
    chart = by_year(mm, catalog, "encoder", 3)
    assert chart.series[:1] == ("CLIP",) and chart.series[-2:] == (OTHER, IN_WORDS)
    named = sum(1 for m in mm for part, values in m.parts if part == "modality_encoder" for v in dict.fromkeys(values))
    assert sum(sum(counts.values()) for counts in chart.values.values()) <= named  # two CLIP variants of one model count once
    words = sum(1 for m in mm if any(part == "modality_encoder" and any(v not in {x.id for x in catalog.models} for v in values) for part, values in m.parts))
    assert sum(counts.get(IN_WORDS, 0) for counts in chart.values.values()) == words


def test_weights_per_year_add_up_to_the_models_of_each_year(catalog) -> None:
    chart = by_year(catalog.models, catalog, "weights")
    for year in chart.categories:
        assert sum(chart.values[year].values()) == sum(1 for m in catalog.models if str(m.year) == year)
    assert chart.series == ("open", "restricted", "closed")


def test_the_directive_draws_each_count_once_with_its_table(catalog) -> None:
    out = expand("<!-- atlas: by-year group=technique kind=mm-llm top=4 -->", catalog, "articles/tuning.md")
    chart = by_year([m for m in catalog.models if m.kind == "mm-llm"], catalog, "technique", 4)
    assert out.count('class="atlas-chart__mark') == chart_mark_count(chart)
    assert len(re.findall(r"^\| 20\d\d \|", out, re.M)) == len(chart.categories)
    assert 'id="chart-by-year-technique-kind-mm-llm"' in out
    assert re.findall(r"atlas-swatch--(s\d)", out)[:5] == ["s0", "s1", "s2", "s3", "s4"]  # legend: top 4 and other


@pytest.mark.parametrize("directive, message", [
    ("by-year", "by-year needs group="),
    ("by-year group=colour", "by-year needs group="),
    ("by-year group=technique top=0", "top must be a number from 1 to 9"),
    ("by-year group=weights category=tuning", "category= goes with group=technique"),
    ("by-year group=technique category=nonsense", "category= goes with group=technique"),
    ("by-year group=kind kind=robot", "unknown kind 'robot'"),
    ("by-year group=encoder year=1990", "must not render an empty chart"),
])
def test_the_directive_refuses_what_it_cannot_draw(directive: str, message: str, catalog) -> None:
    with pytest.raises(DirectiveError, match=re.escape(message)):
        expand(f"<!-- atlas: {directive} -->", catalog, "articles/history.md")


def test_a_long_legend_wraps_inside_the_drawing(catalog) -> None:
    chart = by_year(catalog.models, catalog, "technique", 9)
    svg = vertical_svg(chart)
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    for x, label in re.findall(r'<text x="(\d+)" y="\d+" class="atlas-chart__legend">([^<]*)</text>', svg):
        assert int(x) + 8 * len(label) <= width + 8, label


def test_data_access_per_year_adds_up_and_takes_the_weights_colours(catalog) -> None:
    chart = by_year(catalog.models, catalog, "data")
    for year in chart.categories:
        assert sum(chart.values[year].values()) == sum(1 for m in catalog.models if str(m.year) == year)
    assert dict(zip(chart.series, chart.swatches)) == {"open": "open", "partial": "restricted", "closed": "closed"}
