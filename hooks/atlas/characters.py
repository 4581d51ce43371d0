"""Classes of characters that contributor text may not hold, and how messages name a character."""
from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (YAML escapes such as "\x85" reach the data), the line and paragraph
# separators, and the direction overrides and isolates, which can reorder what a reader sees.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The 66 non-characters: U+FDD0 to U+FDEF and the last two code points of every plane. XML refuses U+FFFE and U+FFFF.
NONCHARACTER = re.compile("[\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]")
# Characters that show nothing; in a name they would make look-alike duplicates.
INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]")


def codepoint(char: str) -> str:
    """'U+202E (right-to-left override)'; control characters and non-characters have no Unicode name."""
    unnamed = "a control character" if unicodedata.category(char) == "Cc" else "a non-character" if NONCHARACTER.match(char) else "an unassigned code point"
    return f"U+{ord(char):04X} ({unicodedata.name(char, unnamed).lower()})"
