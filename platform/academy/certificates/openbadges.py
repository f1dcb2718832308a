"""A certificate as an Open Badges 3.0 credential: an `OpenBadgeCredential` in the W3C
Verifiable Credentials Data Model 2.0, signed with the issuer's Ed25519 key.

The credential is built from the certificate row (what it says was copied at issue) and
signed when asked for. Ed25519 signatures are deterministic and the proof's `created` is
the time of issue, so the same certificate and key give the same bytes every time.

The issuer is `did:web:<host>[:<path>]`, derived from PUBLIC_URL (or the address of the
request when it is unset); its DID document (`did_document`) lists the current key and
every retired one, so a credential signed before a key rotation still verifies.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import quote, urlsplit

from . import proofs, status
from .keys import Keyring
from .linked_data import OPEN_BADGES_V3, VC_V2

TEXTS = {
    "de": {
        "description": "Bestätigt, dass die Inhaberin oder der Inhaber alle Module des Kurses „{course}“ bearbeitet und die Abschlussprüfung bestanden hat.",
        "criteria": "Alle Module bearbeitet und die Abschlussprüfung bestanden ({score} % erreicht). Die Lernziele des Kurses:",
        "edition": "Stand {as_of}, Version {version}",
        "caption": "Abzeichen „{title}“",
    },
    "en": {
        "description": "Certifies that the holder has worked through every module of the course \u201c{course}\u201d and passed its final exam.",
        "criteria": "All modules completed and the final exam passed ({score} % reached). The course's learning objectives:",
        "edition": "As of {as_of}, version {version}",
        "caption": "Badge \u201c{title}\u201d",
    },
}


@dataclass(frozen=True)
class Issuer:
    """Who signs: the organisation, where the platform is reached, and its keys."""

    base_url: str  # without a trailing slash
    name: str
    keyring: Keyring

    @property
    def did(self) -> str:
        parts = urlsplit(self.base_url)
        path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
        return ":".join(["did:web", quote(parts.netloc, safe=""), *path])

    def method(self, key: str) -> str:
        return f"{self.did}#{key}"

    def public_key_of(self, method: str):
        """The key a verification method names, if this issuer publishes it."""
        did, _, key = method.partition("#")
        return self.keyring.public_key(key) if did == self.did else None

    def sign(self, document: dict, created: datetime) -> dict:
        return proofs.sign(
            document, self.keyring.signing_key, self.method(self.keyring.current), created
        )

    def url(self, path: str) -> str:
        return self.base_url + path


def new_recipient(email: str) -> tuple[str, str]:
    """(salt, identity hash) for a holder's e-mail address, as Open Badges hashes it."""
    salt = secrets.token_hex(16)
    return salt, identity_hash(email, salt)


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def credential(certificate, issuer: Issuer, image_svg: str) -> dict:
    """The unsigned credential of a certificate row."""
    text = TEXTS.get(certificate.language, TEXTS["en"])
    document = {
        "@context": [VC_V2, OPEN_BADGES_V3],
        "id": issuer.url(f"/verify/{certificate.number}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.certificate_title,
        "issuer": _profile(issuer),
        "validFrom": proofs.timestamp(certificate.issued_at),
        "validUntil": proofs.timestamp(datetime.combine(certificate.valid_until, time.max)),
        "awardedDate": proofs.timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "achievement": _achievement(certificate, issuer, text, image_svg),
        },
        "credentialStatus": status.entry(issuer, certificate.status_index),
    }
    if certificate.recipient_hash:
        document["credentialSubject"]["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": certificate.recipient_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": certificate.recipient_salt,
            }
        ]
    return plain(document)


def signed_credential(certificate, issuer: Issuer, image_svg: str) -> dict:
    return issuer.sign(credential(certificate, issuer, image_svg), certificate.issued_at)


def _profile(issuer: Issuer) -> dict:
    return {"id": issuer.did, "type": ["Profile"], "name": issuer.name, "url": issuer.url("/")}


def _achievement(certificate, issuer: Issuer, text: dict, image_svg: str) -> dict:
    version = certificate.course_version
    if certificate.course_as_of:
        version = text["edition"].format(as_of=certificate.course_as_of, version=version)
    return {
        "id": issuer.url(f"/courses/{certificate.course_slug}/"),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.certificate_title,
        "description": text["description"].format(course=certificate.course_title),
        "criteria": {"narrative": _criteria(certificate, text)},
        "image": {
            "id": "data:image/svg+xml;base64," + base64.b64encode(image_svg.encode()).decode(),
            "type": "Image",
            "caption": text["caption"].format(title=certificate.certificate_title),
        },
        "inLanguage": certificate.language,
        "version": version,
        "creator": _profile(issuer),
    }


def _criteria(certificate, text: dict) -> str:
    """Markdown: the rule, then every module with its learning objectives."""
    lines = [text["criteria"].format(score=certificate.score_percent), ""]
    for number, module in enumerate(certificate.objectives, start=1):
        lines.append(f"{number}. {module['title']}")
        lines.extend(f"    - {objective}" for objective in module["objectives"])
    return "\n".join(lines)


def plain(value):
    """Strings without control characters: a name or objective cannot smuggle one in, and
    canonical N-Quads then read the same under URDNA2015 and RDFC-1.0 (linked_data.py).
    Line feeds stay, Markdown needs them."""
    if isinstance(value, str):
        return "".join(c for c in value if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf"))
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def did_document(issuer: Issuer) -> dict:
    """The issuer's DID document: every published key as a Multikey verification method."""
    methods = [
        {
            "id": issuer.method(key),
            "type": "Multikey",
            "controller": issuer.did,
            "publicKeyMultibase": key,
        }
        for key in issuer.keyring.published
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer.did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
