"""The one error type of the catalog: a problem located at path:line in a field."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, printed as ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # A problem is printed as one line of a log: a file name or key holding a line break
        # must not start a line of its own, which a CI runner could read as a command.
        for name in ("path", "field", "message"):
            value = getattr(self, name)
            if not value.isprintable():
                object.__setattr__(self, name, one_line(value))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def one_line(text: str) -> str:
    """``text`` with every unprintable character (line breaks, controls, direction marks) escaped as Python would."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class CatalogError(Exception):
    """Raised when the catalog has problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
