"""Every output stays valid for any input validation accepts, each checked with its own parser."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from atlas.history import Change, EntryHistory
from atlas.pipeline import load_catalog
from atlas.render.exports import models_csv, models_json, results_csv, results_json
from atlas.render.whats_new import atom_feed
from conftest import VALID

SITE_URL = "https://example.org/atlas/"
# Accepted text at the edges of what a reader copes with: other scripts, right-to-left letters,
# combining marks, astral and private-use characters, and spreadsheet formulas after every separator.
EDGE = "Mödel 名前 عربي e\u0301 \U0001F600 \ue000 \U0010FFFD"
FORMULAS = "Costs;=1+1, then\t@SUM(A1);  -2+3,+HYPERLINK(\"x\")\t=9"
# A spreadsheet may start a cell after any of these; no cell or piece of one may then start a formula.
SPLIT = re.compile(r"[;,\t\r\n]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def edge_catalog(tmp_path: Path):
    root = Path(shutil.copytree(VALID, tmp_path / "repo"))
    model = root / "catalog" / "models" / "demo-vlm.yaml"
    text = model.read_text(encoding="utf-8")
    values = {"name": json.dumps("Demo " + EDGE, ensure_ascii=False), "summary": json.dumps("Demo VLM summary " + EDGE + " " + FORMULAS, ensure_ascii=False), "aliases": '[DemoVLM, "+1+2", "-3+4"]'}
    text = re.sub(r"(?m)^(name|summary|aliases): .*$", lambda match: f"{match[1]}: {values[match[1]]}", text)
    model.write_text(text, encoding="utf-8")
    catalog, problems = load_catalog(root)
    assert problems == []
    return catalog


def test_spreadsheet_cells_hold_no_formula_after_any_separator(tmp_path: Path) -> None:
    catalog = edge_catalog(tmp_path)
    for output in (models_csv(catalog, SITE_URL), results_csv(catalog, SITE_URL)):
        rows = list(csv.reader(io.StringIO(output.removeprefix("\ufeff"))))
        for row in rows[1:]:
            for cell in row:
                for piece in [cell, *SPLIT.split(cell)[1:]]:
                    assert not piece.lstrip(" ").startswith(FORMULA_START), (cell, piece)
    row = {r["id"]: r for r in csv.DictReader(io.StringIO(models_csv(catalog, SITE_URL).removeprefix("\ufeff")))}["demo-vlm"]
    assert row["aliases"] == "DemoVLM;'+1+2;'-3+4"
    assert row["summary"] == "Demo VLM summary " + EDGE + " Costs;'=1+1, then\t'@SUM(A1);'  -2+3,'+HYPERLINK(\"x\")\t'=9"


def test_json_exports_parse_strictly_and_round_trip(tmp_path: Path) -> None:
    catalog = edge_catalog(tmp_path)
    models = json.loads(models_json(catalog, SITE_URL))
    record = {m["id"]: m for m in models["models"]}["demo-vlm"]
    assert record["name"] == "Demo " + EDGE
    assert record["aliases"] == ["DemoVLM", "+1+2", "-3+4"]
    json.loads(results_json(catalog, SITE_URL))
    for output in (models_json(catalog, SITE_URL), results_json(catalog, SITE_URL)):
        output.encode("utf-8")  # no lone surrogate


def test_feed_is_well_formed_xml_even_with_hostile_commit_subjects(tmp_path: Path) -> None:
    catalog = edge_catalog(tmp_path)
    subject = "Update \x00\x08\x0b\x1b\ufffe\uffff " + EDGE + " ]]> <b>&amp;"
    history = {"demo-vlm": EntryHistory((Change("2026-01-01T00:00:00+00:00", "abc123", subject, "added"), Change("2026-02-01T00:00:00+00:00", "def456", subject, "changed", (("summary", "a", "b"),))))}
    feed = ElementTree.fromstring(atom_feed(catalog, history, SITE_URL).encode("utf-8"))
    namespace = "{http://www.w3.org/2005/Atom}"
    titles = [entry.find(f"{namespace}title").text for entry in feed.iter(f"{namespace}entry")]
    assert titles == ["Updated: Demo " + EDGE, "Added: Demo " + EDGE]
    summaries = [entry.find(f"{namespace}summary").text for entry in feed.iter(f"{namespace}entry")]
    assert summaries[0] == "Changed summary. Update  " + EDGE + " ]]> <b>&amp;"


def test_pages_and_references_hold_no_character_html_or_bibtex_refuses(tmp_path: Path) -> None:
    from pybtex.database import parse_string

    from atlas.characters import CONTROL, NONCHARACTER
    from atlas.render.description import to_inert_html
    from atlas.render.model_page import model_page

    catalog = edge_catalog(tmp_path)
    demo = catalog.model("demo-vlm")
    page = model_page(demo, catalog, SITE_URL, "2026")
    assert "Demo " + EDGE in page
    for text in (page, to_inert_html(EDGE + "\n\n- " + EDGE)):
        assert CONTROL.search(text.replace("\t", "")) is None
        assert NONCHARACTER.search(text) is None
    for reference in catalog.references.values():
        assert list(parse_string(reference.source, "bibtex").entries) == [reference.key]
