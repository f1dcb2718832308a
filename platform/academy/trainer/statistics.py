"""Item statistics from sums: how often a question was drawn, the share answered right,
and whether learners who do well on the rest of the exam get it right more often than
those who do badly (point-biserial correlation). Pure: the sums are kept in SQL, each
graded exam adding what graded() says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

TOO_EASY_ABOVE = 0.95
TOO_HARD_BELOW = 0.30


class Flag(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE = "negative"  # the stronger learners get it wrong more often: check the key


@dataclass(frozen=True)
class ItemSums:
    """Sums over one question's answers. The rest score is the number of right answers on
    the attempt's other questions: the item itself does not inflate the correlation."""

    question_id: str
    drawn: int
    right: int
    rest: int  # sum of rest scores
    rest_squares: int  # sum of squared rest scores
    rest_when_right: int  # sum of rest scores of the responses that were right


@dataclass(frozen=True)
class ItemStatistics:
    question_id: str
    drawn: int
    shown: bool  # False below the minimum number of attempts: nothing else is given
    share_right: float | None = None
    discrimination: float | None = None  # None when it cannot be computed (no spread)
    wrong_choices: Mapping[str, int] = field(default_factory=dict)  # option id -> times
    flags: frozenset[Flag] = frozenset()


def graded(right: Mapping[str, bool]) -> list[ItemSums]:
    """What one graded exam adds to each of its questions' sums; `right` maps question
    id -> answered right."""
    score = sum(right.values())
    added = []
    for question_id, ok in sorted(right.items()):
        rest = score - ok
        added.append(ItemSums(question_id, 1, int(ok), rest, rest * rest, rest * ok))
    return added


def point_biserial(sums: ItemSums) -> float | None:
    """Pearson's correlation between right (1) / wrong (0) and the rest score."""
    n, right = sums.drawn, sums.right
    rest_spread = n * sums.rest_squares - sums.rest**2
    item_spread = right * (n - right)
    if rest_spread <= 0 or item_spread <= 0:
        return None
    covariance = n * sums.rest_when_right - sums.rest * right
    return covariance / math.sqrt(rest_spread * item_spread)


def flags(share_right: float, discrimination: float | None) -> frozenset[Flag]:
    found = set()
    if share_right > TOO_EASY_ABOVE:
        found.add(Flag.TOO_EASY)
    if share_right < TOO_HARD_BELOW:
        found.add(Flag.TOO_HARD)
    if discrimination is not None and discrimination < 0:
        found.add(Flag.NEGATIVE)
    return frozenset(found)


def item_statistics(
    sums: ItemSums, wrong_choices: Mapping[str, int], min_attempts: int
) -> ItemStatistics:
    """The figures for one question, or only its count below `min_attempts`: too few
    answers could tell who answered what."""
    if sums.drawn < min_attempts:
        return ItemStatistics(sums.question_id, sums.drawn, shown=False)
    share = sums.right / sums.drawn
    discrimination = point_biserial(sums)
    return ItemStatistics(
        sums.question_id,
        sums.drawn,
        shown=True,
        share_right=share,
        discrimination=discrimination,
        wrong_choices=dict(wrong_choices),
        flags=flags(share, discrimination),
    )
