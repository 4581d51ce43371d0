"""The generic MM-LLM architecture as an inline SVG, drawn at build time."""
from __future__ import annotations

from markupsafe import escape

# (label, detail, x) for the five parts of the MM-LLMs survey taxonomy.
PARTS = (
    ("Modality encoder", "ViT, CLIP, Whisper", 10),
    ("Input projector", "linear, MLP, Q-Former", 170),
    ("LLM backbone", "LLaMA, Vicuna, Qwen", 330),
    ("Output projector", "MLP, Transformer", 490),
    ("Modality generator", "diffusion, vocoder", 650),
)
WIDTH, HEIGHT, BOX_W, BOX_H, TOP = 810, 190, 150, 70, 60


def mmllm_diagram() -> str:
    """SVG of input -> encoder -> projector -> LLM -> projector -> generator -> output."""
    items = [
        f'<svg class="atlas-diagram" role="img" aria-labelledby="mmllm-title mmllm-desc" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="mmllm-title">The generic MM-LLM architecture</title>',
        '<desc id="mmllm-desc">Non-text inputs pass through a modality encoder and an input projector into the LLM backbone, '
        "which also reads text; for non-text outputs an output projector conditions a modality generator.</desc>",
        '<defs><marker id="mmllm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="atlas-diagram__arrowhead"/></marker></defs>',
        f'<text x="{WIDTH / 2:.0f}" y="24" text-anchor="middle" class="atlas-diagram__band">understanding (image, video, audio in)            ·            generation (image, video, audio out)</text>',
    ]
    for index, (label, detail, x) in enumerate(PARTS):
        frozen = index in (0, 2, 4)
        css = "atlas-diagram__box" + (" atlas-diagram__box--frozen" if frozen else " atlas-diagram__box--trained")
        items.append(f'<rect x="{x}" y="{TOP}" width="{BOX_W}" height="{BOX_H}" rx="8" class="{css}"/>')
        items.append(f'<text x="{x + BOX_W / 2:.0f}" y="{TOP + 30}" text-anchor="middle" class="atlas-diagram__label">{escape(label)}</text>')
        items.append(f'<text x="{x + BOX_W / 2:.0f}" y="{TOP + 50}" text-anchor="middle" class="atlas-diagram__detail">{escape(detail)}</text>')
        if index:
            start = PARTS[index - 1][2] + BOX_W
            items.append(f'<line x1="{start}" y1="{TOP + BOX_H / 2:.0f}" x2="{x - 2}" y2="{TOP + BOX_H / 2:.0f}" class="atlas-diagram__edge" marker-end="url(#mmllm-arrow)"/>')
    llm_x = PARTS[2][2] + BOX_W / 2
    items.append(f'<line x1="{llm_x:.0f}" y1="{HEIGHT - 12}" x2="{llm_x:.0f}" y2="{TOP + BOX_H + 2}" class="atlas-diagram__edge" marker-end="url(#mmllm-arrow)"/>')
    items.append(f'<text x="{llm_x + 8:.0f}" y="{HEIGHT - 14}" class="atlas-diagram__detail">text tokens in and out</text>')
    items.append(f'<text x="10" y="{HEIGHT - 14}" class="atlas-diagram__detail">usually frozen: encoder, LLM, generator · usually trained: projectors</text>')
    items.append("</svg>")
    return ('<figure class="atlas-figure atlas-figure--mmllm">' + "".join(items) + _tall_diagram()
            + "<figcaption>The five parts of a generic MM-LLM, after the MM-LLMs survey taxonomy.</figcaption></figure>")


TALL_W, TALL_BOX_W, TALL_BOX_H, TALL_GAP, TALL_TOP = 360, 250, 58, 30, 16


def _tall_diagram() -> str:
    """The same five parts top to bottom, for phones: drawn at about its own width there, so
    its text stays at 11 to 14 px instead of shrinking with an 810-unit-wide drawing."""
    x = (TALL_W - TALL_BOX_W) / 2
    height = TALL_TOP + len(PARTS) * TALL_BOX_H + (len(PARTS) - 1) * TALL_GAP + 36
    items = [
        f'<svg class="atlas-diagram atlas-diagram--tall" role="img" aria-labelledby="mmllm-tall-title" viewBox="0 0 {TALL_W} {height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="mmllm-tall-title">The generic MM-LLM architecture: modality encoder, input projector, LLM backbone, output projector, modality generator</title>',
        '<defs><marker id="mmllm-tall-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="atlas-diagram__arrowhead"/></marker></defs>',
    ]
    for index, (label, detail, _) in enumerate(PARTS):
        y = TALL_TOP + index * (TALL_BOX_H + TALL_GAP)
        css = "atlas-diagram__box" + (" atlas-diagram__box--frozen" if index in (0, 2, 4) else " atlas-diagram__box--trained")
        items.append(f'<rect x="{x:.0f}" y="{y}" width="{TALL_BOX_W}" height="{TALL_BOX_H}" rx="8" class="{css}"/>')
        items.append(f'<text x="{TALL_W / 2:.0f}" y="{y + 25}" text-anchor="middle" class="atlas-diagram__label">{escape(label)}</text>')
        items.append(f'<text x="{TALL_W / 2:.0f}" y="{y + 44}" text-anchor="middle" class="atlas-diagram__detail">{escape(detail)}</text>')
        if index:
            items.append(f'<line x1="{TALL_W / 2:.0f}" y1="{y - TALL_GAP}" x2="{TALL_W / 2:.0f}" y2="{y - 2}" class="atlas-diagram__edge" marker-end="url(#mmllm-tall-arrow)"/>')
        if index == 2:
            items.append(f'<text x="{x + TALL_BOX_W + 6:.0f}" y="{y + 33}" class="atlas-diagram__detail">+ text</text>')
    items.append(f'<text x="{TALL_W / 2:.0f}" y="{height - 10}" text-anchor="middle" class="atlas-diagram__detail">dashed: usually trained · solid: usually frozen</text>')
    items.append("</svg>")
    return "".join(items)
