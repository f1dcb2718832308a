"""Certificate numbers: 80 random bits in Crockford's base32, grouped to read aloud.

Example: KIA-7F3K-9Q2M-X4TB-R8VD. The alphabet has no I, L, O or U, so a number read
over the phone is not mistaken; when checking, those letters are read as 1, 1 and 0.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 4
GROUP_SIZE = 4  # 16 characters x 5 bits = 80 bits
PATTERN = re.compile(r"^[A-Z]{2,5}-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def new_number(prefix: str) -> str:
    value = secrets.randbits(GROUPS * GROUP_SIZE * 5)
    chars = []
    for _ in range(GROUPS * GROUP_SIZE):
        value, index = divmod(value, 32)
        chars.append(ALPHABET[index])
    body = "".join(chars)
    groups = [body[i : i + GROUP_SIZE] for i in range(0, len(body), GROUP_SIZE)]
    return "-".join([prefix, *groups])


def normalize(text: str) -> str | None:
    """A typed number in canonical form, or None when it cannot be one."""
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    if len(compact) < 18 or len(compact) > 21:
        return None
    prefix_length = len(compact) - GROUPS * GROUP_SIZE
    prefix, body = compact[:prefix_length], compact[prefix_length:]
    body = body.translate(str.maketrans("ILO", "110"))
    groups = [body[i : i + GROUP_SIZE] for i in range(0, len(body), GROUP_SIZE)]
    number = "-".join([prefix, *groups])
    return number if PATTERN.match(number) else None
