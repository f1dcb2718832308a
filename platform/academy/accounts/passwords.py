"""The password policy (pure, no Flask): long enough, visible, not common, not the
person's own address or name, and not easy to guess.

The common passwords are the list the zxcvbn package ships (30,000 passwords from
leaked password collections, MIT licence; https://pypi.org/project/zxcvbn/), read at
run time; its estimator also catches what the list cannot hold: repeats ("aaaa…"),
sequences ("1234…"), keyboard rows and common words with a number appended.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's scale 0-4: 3 means at least 10^8 guesses
ESTIMATED_LENGTH = 72  # zxcvbn refuses longer input; characters past it only add strength


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVISIBLE = "invisible"  # only spaces or characters that show nothing
    COMMON = "common"  # on the list of common passwords
    PERSONAL = "personal"  # the person's e-mail address or name
    GUESSABLE = "guessable"  # repeats, sequences, keyboard rows, a word and a number


def password_problem(password: str, personal: Iterable[str] = ()) -> PasswordProblem | None:
    """What is wrong with this new password, or None. `personal`: the person's address
    and name, which a password must not be (nor be built from)."""
    visible = [c for c in password if not c.isspace() and unicodedata.category(c)[0] != "C"]
    if not visible:
        return PasswordProblem.INVISIBLE
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    key = _key(password)
    if key in _common() or "".join(key.split()) in _common():
        return PasswordProblem.COMMON
    hints = _personal_hints(personal)
    if key in hints or "".join(key.split()) in hints:
        return PasswordProblem.PERSONAL
    if _score(password[:ESTIMATED_LENGTH], tuple(sorted(hints))) < MIN_SCORE:
        return PasswordProblem.GUESSABLE
    return None


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _personal_hints(personal: Iterable[str]) -> set[str]:
    """The address, its part before the @, the name, and the name without spaces."""
    hints = set()
    for value in personal:
        key = _key(value or "")
        if key:
            hints |= {key, key.partition("@")[0], "".join(key.split())}
    return hints - {""}


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _score(password: str, hints: tuple[str, ...]) -> int:
    from zxcvbn import zxcvbn

    return zxcvbn(password, user_inputs=list(hints))["score"]
