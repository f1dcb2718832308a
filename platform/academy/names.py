"""People's names: what a valid one is (pure, no Flask).

A name appears on certificates, on the public verification page and in mails to other
people, so it must be one line of visible text: no control characters (line breaks
would let a name write its own lines into a mail), no bidirectional overrides or
zero-width characters (they disguise a name), and at least two visible characters.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

MAX_LENGTH = 200
# Letters that render as nothing (Hangul fillers, the blank Braille pattern, …).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Categories no name needs: controls, format characters (bidi, zero-width), line and
# paragraph separators, surrogates, private use and unassigned code points.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


class NameProblem(StrEnum):
    LINES = "lines"  # a line break or another control character
    INVISIBLE = "invisible"  # bidi controls, zero-width or blank characters
    TOO_SHORT = "too_short"  # fewer than two visible characters
    TOO_LONG = "too_long"


def name_problem(name: str) -> NameProblem | None:
    """What is wrong with this name, or None."""
    if any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in name):
        return NameProblem.LINES
    if any(unicodedata.category(c) in REFUSED_CATEGORIES or c in BLANK_LETTERS for c in name):
        return NameProblem.INVISIBLE
    cleaned = clean_name(name)
    if len(cleaned) > MAX_LENGTH:
        return NameProblem.TOO_LONG
    if sum(1 for c in cleaned if _visible(c)) < 2:
        return NameProblem.TOO_SHORT
    return None


def clean_name(name: str) -> str:
    """How a valid name is stored: runs of spaces (also no-break and ideographic ones)
    become one space, none at the ends."""
    return " ".join(name.split())


def _visible(char: str) -> bool:
    # Letters, digits, punctuation and symbols; not spaces, marks or anything refused.
    return unicodedata.category(char)[0] in "LNPS" and char not in BLANK_LETTERS
