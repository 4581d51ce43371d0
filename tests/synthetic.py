"""Synthetic catalogs for scale tests: realistic entries with lineage and citations."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

KINDS = ("llm", "mm-llm", "vision-encoder", "image-generator", "speech-model")
MODALITIES = {"llm": (["text"], ["text"]), "mm-llm": (["text", "image"], ["text"]), "vision-encoder": (["image"], ["embedding"]),
              "image-generator": (["text"], ["image"]), "speech-model": (["speech"], ["text"])}
WEIGHTS = ("open", "restricted", "closed")


def write_catalog(root: Path, count: int, seed: int = 7) -> Path:
    """Write a catalog of ``count`` models under ``root``/catalog, reusing the fixture vocabularies."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "valid" / "catalog"
    catalog = root / "catalog"
    (catalog / "models").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture / "organizations.yaml", catalog / "organizations.yaml")
    shutil.copyfile(fixture / "techniques.yaml", catalog / "techniques.yaml")
    rng = random.Random(seed)
    bib = [(fixture / "references.bib").read_text(encoding="utf-8")]
    for index in range(count):
        key = f"author{index}synthetic"
        bib.append(f"@article{{{key},\n  title = {{Synthetic Model {index}}},\n  author = {{Author, Ann}},\n  journal = {{Synthetic}},\n  year = {{2020}},\n  url = {{https://example.org/{index}}}\n}}\n")
        kind = KINDS[index % len(KINDS)]
        inputs, outputs = MODALITIES[kind]
        year = 2017 + index % 9
        parents = sorted({f"synthetic-{rng.randrange(index)}" for _ in range(min(index, 2))})
        weights = WEIGHTS[index % 3]
        params = f"{1 + index % 400}B"
        text = f"""# yaml-language-server: $schema=../schema/model.schema.json
name: Synthetic Model {index}
aliases: [SynModel {index}]
organizations: [{"example-lab" if index % 2 else "example-corp"}]
released: {year}-{1 + index % 12:02d}
kind: {kind}
modalities:
  input: [{", ".join(inputs)}]
  output: [{", ".join(outputs)}]
parameters: {params}
architecture:
  type: decoder-only
built_on: [{", ".join(parents)}]
techniques: [instruction-tuning]
access:
  weights: {weights}
  code: open
  data: partial
  api: {"true" if weights == "closed" else "false"}
license: Apache-2.0
references: [{key}, doe2020base]
sources:
  released: {key}
  parameters: {key}
  access: {key}
summary: Synthetic Model {index} is generated test data for measuring the Atlas at scale.
"""
        (catalog / "models" / f"synthetic-{index}.yaml").write_text(text, encoding="utf-8")
    (catalog / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    return root
