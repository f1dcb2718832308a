"""Reading time of a module, computed from its text instead of written by hand.

minutes = words of the lesson text / 150 words per minute
          + 1 minute per self-check question (read it, answer, read the explanation),
rounded up to a whole minute. 150 words per minute is a careful reading speed for
instructional text that is meant to be understood, not skimmed.
"""

from __future__ import annotations

import html
import math
import re

WORDS_PER_MINUTE = 150
MINUTES_PER_SELF_CHECK_QUESTION = 1.0
TAG = re.compile(r"<[^>]+>")


def word_count(fragment: str) -> int:
    """Words a reader sees in an HTML fragment (tags removed, entities decoded)."""
    return len(html.unescape(TAG.sub(" ", fragment)).split())


def reading_minutes(words: int, self_check_questions: int) -> int:
    minutes = words / WORDS_PER_MINUTE + self_check_questions * MINUTES_PER_SELF_CHECK_QUESTION
    return max(1, math.ceil(minutes))
