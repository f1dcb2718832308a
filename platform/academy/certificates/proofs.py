"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing: canonicalise the document without its proof and the proof options (carrying
the document's @context) with RDFC-1.0, hash each with SHA-256, sign the proof options'
hash followed by the document's hash with Ed25519, and write the signature in base58btc
multibase as `proofValue`. Verifying repeats the same steps and checks the signature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .linked_data import canonical_nquads

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofInvalid(Exception):
    """The document's proof does not hold; the message says why, for the verify page."""


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second, as credentials write times."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def sign(
    document: dict, key: Ed25519PrivateKey, verification_method: str, created: datetime
) -> dict:
    """The document with a proof added (the given dict is not changed)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode()}
    # A proof set of one: the Open Badges 3.0 schema wants `proof` as an array.
    return {**document, "proof": [proof]}


def verify(document: dict, public_key_of: Callable[[str], Ed25519PublicKey | None]) -> str:
    """Check the proof (or, in a proof set, the first that holds); returns its verification
    method, or raises ProofInvalid. `public_key_of` maps a verification method to the key
    it names, None if the issuer does not publish it."""
    found = document.get("proof")
    candidates = found if isinstance(found, list) else [found]
    if not candidates or not all(isinstance(p, dict) for p in candidates):
        raise ProofInvalid("no proof")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    problem = ProofInvalid("no proof")
    for proof in candidates:
        try:
            return _verify_one(unsecured, proof, public_key_of)
        except ProofInvalid as invalid:
            problem = invalid
    raise problem


def _verify_one(unsecured: dict, proof: dict, public_key_of) -> str:
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(f"not an {CRYPTOSUITE} Data Integrity proof")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofInvalid("the proof is not made for assertions")
    method = proof.get("verificationMethod")
    key = public_key_of(method) if isinstance(method, str) else None
    if key is None:
        raise ProofInvalid("signed with a key this issuer does not publish")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        signature = base58.b58decode(str(proof.get("proofValue", " "))[1:])
        key.verify(signature, _hash_data(unsecured, options))
    except (InvalidSignature, ValueError) as error:
        raise ProofInvalid("the signature does not match the content") from error
    return method


def _hash_data(unsecured: dict, options: dict) -> bytes:
    config = {**options, "@context": unsecured.get("@context")}
    config_hash = hashlib.sha256(canonical_nquads(config).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    return config_hash + document_hash
