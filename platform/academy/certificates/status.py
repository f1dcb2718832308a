"""Revocation as a W3C Bitstring Status List.

Every certificate owns one bit (its `status_index`), drawn at random when it is issued.
The platform serves each list as a signed `BitstringStatusListCredential`; a bit is 1
exactly when the certificate with that index is revoked, read from the certificates'
revocation state each time the list is built, so revoking flips the bit however the
revocation itself was recorded.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime

from .linked_data import VC_V2
from .proofs import timestamp

LIST_SIZE = 131_072  # bits per list: 16 KB, the minimum the specification asks for (privacy)
PURPOSE = "revocation"


def position(index: int) -> tuple[int, int]:
    """(list number, bit in that list) of a certificate's status index; lists count from 1."""
    list_number, bit = divmod(index, LIST_SIZE)
    return list_number + 1, bit


def list_path(list_number: int) -> str:
    return f"/status/{list_number}"


def entry(issuer, index: int) -> dict:
    """A credential's `credentialStatus`."""
    list_number, bit = position(index)
    list_url = issuer.url(list_path(list_number))
    return {
        "id": f"{list_url}#{bit}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(bit),
        "statusListCredential": list_url,
    }


def encode(set_bits: Iterable[int]) -> str:
    """GZIP-compressed bitstring, base64url without padding, multibase prefix 'u'.
    Bit 0 is the leftmost (most significant) bit of the first byte."""
    bits = bytearray(LIST_SIZE // 8)
    for bit in set_bits:
        bits[bit // 8] |= 0x80 >> (bit % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def is_set(encoded_list: str, bit: int) -> bool:
    """Read one bit of an encoded list; ValueError when the list is malformed."""
    if not encoded_list.startswith("u"):
        raise ValueError("the status list is not base64url multibase")
    data = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if not 0 <= bit < len(bits) * 8:
        raise ValueError("the index lies outside the status list")
    return bool(bits[bit // 8] & (0x80 >> (bit % 8)))


def list_credential(issuer, list_number: int, revoked_bits: Iterable[int], now: datetime) -> dict:
    """The signed status list credential (list numbers count from 1)."""
    url = issuer.url(list_path(list_number))
    document = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked_bits),
        },
    }
    return issuer.sign(document, now)
