"""The contributor's field reference, generated from the model schema so it cannot drift."""
from __future__ import annotations

from typing import Any, Callable

from atlas.render.escape import inert
from atlas.schema import schema


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = node["$ref"].split("/")[-1]
        merged = {**root["$defs"][target], **{k: v for k, v in node.items() if k != "$ref"}}
        node = merged
    return node


def _allowed(node: dict[str, Any], root: dict[str, Any]) -> str:
    node = _resolve(node, root)
    if "enum" in node:
        return ", ".join(f"`{v}`" for v in node["enum"])
    if node.get("type") == "array":
        items = _resolve(node.get("items", {}), root)
        if "enum" in items:
            return "list of: " + ", ".join(f"`{v}`" for v in items["enum"])
        return "list of " + (items.get("x-hint") or items.get("type", "values"))
    if node.get("type") == "boolean":
        return "`true` or `false`"
    if "x-hint" in node:
        return node["x-hint"]
    return node.get("type", "") if isinstance(node.get("type"), str) else ""


def field_rows() -> list[tuple[str, bool, str, str]]:
    """(field, required, meaning, allowed) for every field and sub-field, in schema order."""
    root = schema("model")
    rows = []
    for name, node in root["properties"].items():
        rows.append((name, name in root["required"], node.get("description", ""), _allowed(node, root)))
        resolved = _resolve(node, root)
        children = resolved.get("properties") or _resolve(resolved.get("items", {}), root).get("properties") or {}
        required = resolved.get("required") or _resolve(resolved.get("items", {}), root).get("required") or []
        for child, child_node in children.items():
            rows.append((f"{name}.{child}", child in required, child_node.get("description", ""), _allowed(child_node, root)))
    return rows


def field_reference_markdown(escape: Callable[[str], str] = inert) -> str:
    """A Markdown table of every field; descriptions come from the schema.

    ``escape`` makes schema text safe in a table cell: ``inert`` for the site, where
    Markdown extensions run; ``markdown_text`` for GitHub, where the file is also read raw.
    """
    lines = ["| Field | Required | Meaning | Allowed values |", "| --- | --- | --- | --- |"]
    for name, required, meaning, allowed in field_rows():
        allowed_cell = allowed.replace("|", "\\|") if allowed.startswith(("`", "list of: `")) else str(escape(allowed))
        lines.append(f"| `{name}` | {'yes' if required else 'no'} | {escape(meaning)} | {allowed_cell} |")
    return "\n".join(lines) + "\n"
