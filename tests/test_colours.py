"""Every kind and weights colour is defined for both schemes and reads at 3:1 against the page (WCAG 1.4.11)."""
from __future__ import annotations

import re

import pytest

from atlas.vocabulary import kinds, weights
from conftest import ROOT

CSS = (ROOT / "docs" / "assets" / "atlas.css").read_text(encoding="utf-8")
# The page backgrounds: Material's default scheme is white; its slate scheme is
# hsl(232, 15%, 14%) with the indigo palette, #1e2129 as the browser computes it.
BACKGROUNDS = {'[data-md-color-scheme="default"]': "#ffffff", '[data-md-color-scheme="slate"]': "#1e2129"}


def block(selector: str) -> dict[str, str]:
    match = re.search(r"(?:^|\n)[^{}\n]*" + re.escape(selector) + r"\s*\{(?P<body>[^}]*)\}", CSS)
    assert match, f"no rule for {selector} in atlas.css"
    return dict(re.findall(r"(--atlas-[a-z-]+):\s*(#[0-9a-fA-F]{6})", match.group("body")))


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#4051b5", "#1e2129") == pytest.approx(2.34, abs=0.02)  # what axe measured for Material's indigo on slate


@pytest.mark.parametrize("scheme", sorted(BACKGROUNDS))
def test_every_kind_and_weights_colour_meets_3_to_1(scheme: str) -> None:
    colours = block(scheme)
    wanted = [f"--atlas-kind-{kind}" for kind in kinds()] + [f"--atlas-weights-{value}" for value in weights()]
    assert [name for name in wanted if name not in colours] == []
    low = {name: round(contrast(colours[name], BACKGROUNDS[scheme]), 2) for name in wanted if contrast(colours[name], BACKGROUNDS[scheme]) < 3}
    assert low == {}


def test_every_kind_and_weights_value_has_a_swatch_class() -> None:
    for kind in kinds():
        assert f".atlas-swatch--{kind} {{ --atlas-swatch: var(--atlas-kind-{kind}); }}" in CSS
    for value in weights():
        assert f".atlas-swatch--{value} {{ --atlas-swatch: var(--atlas-weights-{value}); }}" in CSS
