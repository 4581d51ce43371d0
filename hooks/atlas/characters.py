"""Classes of characters that contributor text may not hold, and how messages name a character."""
from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (YAML escapes such as "\x85" reach the data), the line and paragraph
# separators, and the direction overrides and isolates, which can reorder what a reader sees.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The 66 non-characters: U+FDD0 to U+FDEF and the last two code points of every plane. XML refuses U+FFFE and U+FFFF.
NONCHARACTER = re.compile("[\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]")
# Characters that show nothing: Unicode's default-ignorable code points (format characters,
# variation selectors, fillers, tags) and the blank-looking ones (U+2800 braille blank, the
# Hangul fillers). In a name they would make look-alike duplicates.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def codepoint(char: str) -> str:
    """'U+202E (right-to-left override)'; control characters and non-characters have no Unicode name."""
    unnamed = "a control character" if unicodedata.category(char) == "Cc" else "a non-character" if NONCHARACTER.match(char) else "an unassigned code point"
    return f"U+{ord(char):04X} ({unicodedata.name(char, unnamed).lower()})"
