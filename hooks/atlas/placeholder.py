"""The TODO marker that scripts/new_model.py leaves where only a person can supply a value."""
from __future__ import annotations

from typing import Any

PLACEHOLDER = "TODO"
MESSAGE = "still holds the TODO placeholder"


def is_placeholder(value: Any) -> bool:
    """True for "TODO" alone, or "TODO:" / "TODO " followed by a hint."""
    return isinstance(value, str) and value.startswith(PLACEHOLDER) and (value == PLACEHOLDER or value.startswith((PLACEHOLDER + ":", PLACEHOLDER + " ")))
