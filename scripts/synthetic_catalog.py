"""Write a synthetic but realistic catalog of N models, for benchmarks.

Every model fills every field of the data contract, has lineage edges to earlier models,
cites 2 to 4 references, and references.bib grows with N. The real organizations,
techniques and references are kept, so the hand-written articles still build: models
that the articles link to by id exist, and every ``<!-- atlas: models ... -->``
directive in docs/ gets at least one matching model.

Example:
    python scripts/synthetic_catalog.py 1000 /tmp/atlas-1000   # a repository copy with 1,000 models
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SEED = 20240402
# What a repository copy needs to build; catalog/ is written fresh.
COPIED = ("mkdocs.yml", "hooks", "docs", "scripts")
KINDS = (
    ("llm", 34), ("mm-llm", 34), ("vision-encoder", 6), ("vision-language-encoder", 6), ("multimodal-encoder", 3),
    ("image-generator", 7), ("video-generator", 4), ("speech-model", 3), ("audio-model", 3),
)
MODALITIES = {
    "llm": (["text"], ["text"]),
    "mm-llm": (["text", "image"], ["text"]),
    "vision-encoder": (["image"], ["embedding"]),
    "vision-language-encoder": (["text", "image"], ["embedding"]),
    "multimodal-encoder": (["text", "image", "audio"], ["embedding"]),
    "image-generator": (["text"], ["image"]),
    "video-generator": (["text", "image"], ["video"]),
    "speech-model": (["speech"], ["text"]),
    "audio-model": (["text"], ["audio"]),
}
ARCHITECTURES = ("decoder-only", "encoder-decoder", "mixture-of-experts", "dual-encoder", "diffusion", "vision-transformer", "modular")
LICENSES = ("Apache-2.0", "MIT", "proprietary", "Llama 2 Community License", "CC-BY-NC-4.0", "OpenRAIL-M", "Gemma Terms of Use")
# (benchmark id, split, setting, shots) from catalog/benchmarks.yaml, which the copy keeps.
BENCHMARKS = (("mmlu", "test", "5-shot", 5), ("gsm8k", "test", "8-shot, chain of thought", 8), ("vqav2", "test-dev", "zero-shot", 0), ("mmmu", "val", "zero-shot", 0), ("humaneval", "test", "pass@1", 0), ("imagenet", "val", "zero-shot top-1", 0),
              ("gpqa", "diamond", "0-shot, chain of thought", 0), ("swe-bench", "verified", "pass@1", 0))
HARDWARE = ("1024 A100 80GB", "2048 TPU v4 chips", "512 H100", "256 A100 40GB", "4096 TPU v5e chips")
STEMS = ("Aurora", "Borealis", "Cobalt", "Dune", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid", "Pylon", "Quartz", "Raven", "Sierra", "Tundra")
SIZES = ("125M", "350M", "1.3B", "2.7B", "7B", "13B", "34B", "70B", "175B", "540B")
KIND_TAGS = {"llm": "LM", "mm-llm": "VL", "vision-encoder": "ViT", "vision-language-encoder": "VLE", "multimodal-encoder": "ME", "image-generator": "Diffusion", "video-generator": "Video", "speech-model": "ASR", "audio-model": "Audio"}
LINK_RE = re.compile(r"\]\((?:\.\./)*models/([a-z0-9-]+)\.md")
# A whole Markdown link to a model page: its text, and the model id.
MODEL_LINK_RE = re.compile(r"\[(?P<text>[^\]]+)\]\((?:\.\./)*models/(?P<id>[a-z0-9-]+)\.md(?:#[^)]*)?\)")
DIRECTIVE_RE = re.compile(r"<!--\s*atlas:\s*models\b(?P<args>[^>]*?)-->")


@dataclass(frozen=True)
class Demand:
    """What the hand-written docs need from a catalog: linked model ids and directive filters."""

    linked_ids: tuple[str, ...]
    filters: tuple[tuple[tuple[str, str], ...], ...]


def demands(docs: Path) -> Demand:
    """The model ids that docs/ links to and the filters of its ``models`` directives."""
    ids: set[str] = set()
    filters: list[tuple[tuple[str, str], ...]] = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        ids.update(i for i in LINK_RE.findall(text) if i != "index")
        for match in DIRECTIVE_RE.finditer(text):
            pairs = tuple(tuple(word.split("=", 1)) for word in match.group("args").split() if "=" in word and not word.startswith("columns="))
            filters.append(pairs)  # type: ignore[arg-type]
    return Demand(tuple(sorted(ids)), tuple(filters))


def _size_at_most(limit: str, rng: random.Random) -> str:
    return rng.choice(SIZES[: SIZES.index(limit) + 1])


def _bib_entry(key: str, index: int, year: int, rng: random.Random) -> str:
    authors = " and ".join(f"{rng.choice(STEMS)}son, {chr(65 + (index + k) % 26)}." for k in range(rng.randint(2, 6)))
    return (
        f"@article{{{key},\n"
        f"  title = {{A Study of Synthetic Model {index}: Scaling, Alignment and Evaluation}},\n"
        f"  author = {{{authors}}},\n"
        f"  journal = {{Transactions on Synthetic Benchmarks}},\n"
        f"  volume = {{{index % 40 + 1}}},\n"
        f"  year = {{{year}}},\n"
        f"  eprint = {{{year % 100:02d}{(index % 12) + 1:02d}.{index % 100000:05d}}},\n"
        f"  archivePrefix = {{arXiv}},\n"
        f"  url = {{https://arxiv.org/abs/{year % 100:02d}{(index % 12) + 1:02d}.{index % 100000:05d}}}\n"
        "}\n"
    )


def _apply(model: dict[str, Any], pairs: tuple[tuple[str, str], ...], ids: list[str]) -> None:
    """Make ``model`` match one directive's filters."""
    for name, value in pairs:
        if name == "kind":
            model["kind"] = value
            inputs, outputs = MODALITIES[value]
            model["modalities"] = {"input": list(inputs), "output": list(outputs)}
        elif name == "technique" and value not in model["techniques"]:
            model["techniques"].append(value)
        elif name == "organization" and value not in model["organizations"]:
            model["organizations"].insert(0, value)
        elif name in ("weights", "code", "data"):
            model["access"][name] = value
        elif name == "api":
            model["access"]["api"] = value == "true"
        elif name == "modality" and value not in model["modalities"]["input"]:
            model["modalities"]["input"].append(value)
        elif name == "built_on" and value in ids and value not in model["built_on"]:
            model["built_on"].append(value)
        elif name == "year":
            model["released"] = f"{value[:4]}-06"


def generate(count: int, source: Path = ROOT, seed: int = SEED) -> tuple[dict[str, str], str]:
    """``count`` model files as {id: YAML} and the references.bib text, from the real catalog's vocabulary."""
    rng = random.Random(seed)
    organizations = list(yaml.safe_load((source / "catalog" / "organizations.yaml").read_text(encoding="utf-8")))
    families = list(yaml.safe_load((source / "catalog" / "families.yaml").read_text(encoding="utf-8")))
    last_of_family: dict[str, tuple[str, str]] = {}
    techniques = list(yaml.safe_load((source / "catalog" / "techniques.yaml").read_text(encoding="utf-8")))
    demand = demands(source / "docs")
    real_bib = (source / "catalog" / "references.bib").read_text(encoding="utf-8")
    real_keys = re.findall(r"^@\w+\{([^,]+),", real_bib, re.MULTILINE)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    ids: list[str] = []
    models: dict[str, dict[str, Any]] = {}
    bib = [real_bib.rstrip() + "\n"]
    for index in range(count):
        model_id = demand.linked_ids[index] if index < len(demand.linked_ids) else f"{STEMS[index % len(STEMS)].lower()}-{index:05d}"
        kind = kinds[rng.randrange(len(kinds))]
        year = 2017 + index * 8 // max(count, 1)
        released = f"{year}-{rng.randint(1, 12):02d}"
        key = f"synth{index:05d}"
        bib.append("\n" + _bib_entry(key, index, year, rng))
        earlier = ids[-50:]
        built_on = rng.sample(earlier, k=min(len(earlier), rng.randint(1, 2))) if earlier else []
        references = [key] + rng.sample([f"synth{j:05d}" for j in range(max(0, index - 30), index)] or real_keys, k=min(rng.randint(1, 3), max(1, min(index, 30)))) if index else [key, real_keys[0]]
        references = list(dict.fromkeys(references))[:4]
        top = rng.choice(SIZES[2:])
        inputs, outputs = MODALITIES[kind]
        name = f"{STEMS[index % len(STEMS)]}-{KIND_TAGS[kind]} {index}"
        model: dict[str, Any] = {
            "name": name,
            "aliases": [f"{STEMS[index % len(STEMS)][:3].upper()}{index}", f"{name} Instruct"],
            # The second organization starts where the first ones end, so 2N >= len(organizations) uses them all.
            "organizations": list(dict.fromkeys([organizations[index % len(organizations)], organizations[(count + index) % len(organizations)]])),
            "released": released,
            "kind": kind,
            "modalities": {"input": list(inputs), "output": list(outputs)},
            "parameters": top,
            "variants": [
                {"name": f"{name} Small", "parameters": _size_at_most(top, rng), "released": released, "weights": "open"},
                {"name": f"{name} Large", "parameters": top, "released": released, "weights": rng.choice(("open", "restricted", "closed"))},
            ],
            "context_window": rng.choice((2048, 4096, 8192, 32768, 128000)),
            "training": {
                "data": f"About {rng.randint(1, 15)}T tokens of filtered web text, code and {rng.randint(10, 900)}M image-text pairs, deduplicated.",
                "tokens": f"{rng.randint(1, 15)}T",
                "compute_flop": float(f"{rng.uniform(1, 9):.2f}e{rng.randint(21, 25)}"),
                "hardware": rng.choice(HARDWARE),
            },
            "architecture": {
                "type": rng.choice(ARCHITECTURES),
                "modality_encoder": built_on[0] if built_on else "a ViT-L/14 image encoder trained with a contrastive objective",
                "input_projector": "a two-layer MLP mapping encoder features to word embeddings",
                "llm_backbone": built_on[-1] if built_on else "a decoder-only Transformer",
                "output_projector": "a Transformer that maps LLM states to generator conditions",
                "modality_generator": "a latent diffusion decoder",
            },
            "built_on": built_on,
            "techniques": rng.sample(techniques, k=rng.randint(2, 4)),
            "access": {"weights": rng.choice(("open", "restricted", "closed")), "code": rng.choice(("open", "partial", "closed")), "data": rng.choice(("open", "partial", "closed")), "api": rng.random() < 0.5},
            "license": rng.choice(LICENSES),
            "links": {
                "paper": f"https://arxiv.org/abs/{year % 100:02d}{(index % 12) + 1:02d}.{index % 100000:05d}",
                "code": f"https://github.com/synthetic-lab/{model_id}",
                "weights": f"https://huggingface.co/synthetic-lab/{model_id}",
                "website": f"https://synthetic-lab.example.org/{model_id}",
                "demo": f"https://demo.synthetic-lab.example.org/{model_id}",
            },
            "references": references,
            "sources": {
                "released": key,
                "parameters": key,
                "access": {"ref": f"https://github.com/synthetic-lab/{model_id}", "note": "Weights for the small variant are open; the large one is gated."},
                "training.tokens": references[-1],
            },
            "results": [
                {"benchmark": bench, "split": split, "setting": setting, "shots": shots, "checkpoint": f"{name} Large", "score": round(rng.uniform(20, 95), 1), "reported_by": "self", "source": rng.choice(references)}
                for bench, split, setting, shots in rng.sample(BENCHMARKS, k=rng.randint(2, 3))
            ],
            "summary": f"{name} is a synthetic {kind} used to benchmark the Atlas; it reuses earlier models and reports {rng.randint(2, 3)} results.",
            "description": (
                f"{name} follows the usual recipe: a pre-trained encoder, a small **projector** and a language backbone, "
                f"trained in two stages on captioned images and then on *instruction-following* conversations.\n\n"
                f"Its authors report results on standard benchmarks and release a [model card](https://synthetic-lab.example.org/{model_id}). "
                "The entry exists only to measure how the site scales; none of its facts describe a real model.\n"
            ),
        }
        if index % 2 == 0:  # half the models belong to a family, each after the family's previous member
            family = families[index // 2 % len(families)]
            model["family"] = family
            previous = last_of_family.get(family)
            if previous is not None and previous[1] <= released:
                model["succeeds"] = previous[0]
            last_of_family[family] = (model_id, released)
        models[model_id] = model
        ids.append(model_id)
    for index, pairs in enumerate(demand.filters):
        if index < count:
            _apply(models[ids[(index * 7 + 5) % count]], pairs, ids)
    # A directive's year filter can move a model's release after its successor's: drop those links.
    for model in models.values():
        previous = models.get(model.get("succeeds", ""))
        if previous is not None and previous["released"] > model["released"]:
            del model["succeeds"]
    texts = {}
    for model_id, model in models.items():
        for name, value in list(model.items()):
            if value == [] and name in ("built_on",):
                del model[name]
        if not model.get("built_on"):
            model["architecture"]["modality_encoder"] = "a ViT-L/14 image encoder trained with a contrastive objective"
            model["architecture"]["llm_backbone"] = "a decoder-only Transformer"
        texts[model_id] = "# yaml-language-server: $schema=../schema/model.schema.json\n" + yaml.dump(model, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return texts, "".join(bib)


def write_repository(count: int, target: Path, source: Path = ROOT) -> Path:
    """A copy of the repository at ``target`` whose catalog has ``count`` synthetic models."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        origin = source / name
        if origin.is_dir():
            shutil.copytree(origin, target / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(origin, target / name)
    catalog = target / "catalog"
    if catalog.exists():
        shutil.rmtree(catalog)
    shutil.copytree(source / "catalog" / "schema", catalog / "schema")
    for name in ("organizations.yaml", "techniques.yaml", "families.yaml", "benchmarks.yaml"):
        shutil.copyfile(source / "catalog" / name, catalog / name)
    models, bib = generate(count, source)
    (catalog / "models").mkdir()
    for model_id, text in models.items():
        (catalog / "models" / f"{model_id}.yaml").write_text(text, encoding="utf-8")
    (catalog / "references.bib").write_text(bib, encoding="utf-8")
    unlink_missing_models(target / "docs", set(models))
    return target


def unlink_missing_models(docs: Path, ids: set[str]) -> None:
    """Turn links to models that a small synthetic catalog has no room for into plain text.

    The synthetic models take the ids the docs link to first; the articles link to more
    models than the smallest catalogs hold (the quick benchmark's 100), and the strict build
    would stop at the first link to a missing page.
    """
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        kept = MODEL_LINK_RE.sub(lambda m: m.group(0) if m.group("id") in ids or m.group("id") == "index" else m.group("text"), text)
        if kept != text:
            page.write_text(kept, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of models")
    parser.add_argument("target", type=Path, help="directory for the repository copy")
    args = parser.parse_args(argv)
    write_repository(args.count, args.target)
    print(f"Wrote {args.count} synthetic models to {args.target / 'catalog' / 'models'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
