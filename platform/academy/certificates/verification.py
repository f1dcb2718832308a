"""Checking a credential (or a certificate PDF) the way an outside verifier would: the
Open Badges 3.0 schema, the Data Integrity proof against the issuer's published keys, the
issuer, the revocation bit in the status list and the validity dates; for a PDF also its
PAdES signature. Nothing here trusts a database row: the verify page shows what these
checks find in the signed documents.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from . import linked_data, proofs, status

CHECKS = ("schema", "proof", "issuer", "status", "validity")


@dataclass(frozen=True)
class Check:
    name: str  # one of CHECKS, or "pdf"
    ok: bool
    detail: str = ""  # for the curious: the key used, the schema's complaint, …


@dataclass
class Verification:
    credential: dict | None
    checks: list[Check] = field(default_factory=list)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def state(self) -> str:
        """valid, expired, revoked or invalid (a signature, schema or issuer check failed)."""
        failed = {c.name for c in self.checks if not c.ok}
        if not self.credential or failed - {"status", "validity"}:
            return "invalid"
        if "status" in failed:
            return "revoked"
        return "expired" if "validity" in failed else "valid"

    def subject(self) -> dict:
        subject = (self.credential or {}).get("credentialSubject")
        return subject if isinstance(subject, dict) else {}

    def day(self, key: str) -> date | None:
        """The (UTC) day of validFrom or validUntil; None when missing or unreadable."""
        try:
            return _moment((self.credential or {})[key]).date()
        except (KeyError, TypeError, ValueError):
            return None

    def achievement(self) -> dict:
        achievement = self.subject().get("achievement")
        return achievement if isinstance(achievement, dict) else {}


def verify_credential(
    document: dict, issuer, revoked: Callable[[int, int], bool], now: datetime
) -> Verification:
    """`revoked(list_number, bit)` reads the issuer's status list."""
    result = Verification(document)
    errors = linked_data.schema_errors(document)
    result.checks.append(Check("schema", not errors, "; ".join(errors[:3])))
    result.checks.append(_proof(document, issuer))
    issuer_id = document.get("issuer")
    issuer_id = issuer_id.get("id") if isinstance(issuer_id, dict) else issuer_id
    result.checks.append(Check("issuer", issuer_id == issuer.did, str(issuer_id or "")))
    result.checks.append(_status(document, issuer, revoked))
    result.checks.append(_validity(document, now))
    return result


def _proof(document: dict, issuer) -> Check:
    from pyld.jsonld import JsonLdError

    if not linked_data.cheap_to_canonicalise(document):
        return Check("proof", False, "not shaped like a credential of this issuer")
    try:
        method = proofs.verify(document, issuer.public_key_of)
    except proofs.ProofInvalid as invalid:
        return Check("proof", False, str(invalid))
    except (JsonLdError, linked_data.UnknownContext, TypeError, ValueError):
        return Check("proof", False, "the document cannot be canonicalised")
    return Check("proof", True, method.partition("#")[2])


def _status(document: dict, issuer, revoked: Callable[[int, int], bool]) -> Check:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("statusPurpose") != status.PURPOSE:
        return Check("status", False, "no revocation status")
    prefix = issuer.url(status.list_path(0))[:-1]
    list_url, index = str(entry.get("statusListCredential", "")), entry.get("statusListIndex")
    number = list_url.removeprefix(prefix)
    if not list_url.startswith(prefix) or not number.isdigit() or not str(index).isdigit():
        return Check("status", False, "the status list is not this issuer's")
    try:
        is_revoked = revoked(int(number), int(index))
    except ValueError as error:
        return Check("status", False, str(error))
    return Check("status", not is_revoked, list_url)


def _validity(document: dict, now: datetime) -> Check:
    try:
        starts = _moment(document["validFrom"])
        ends = _moment(document["validUntil"]) if "validUntil" in document else None
    except (KeyError, TypeError, ValueError):
        return Check("validity", False, "no readable validity dates")
    moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    return Check("validity", starts <= moment and (ends is None or moment <= ends))


def _moment(value) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_json(data: bytes) -> dict | None:
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def check_pdf(data: bytes, signer_certificate) -> tuple[Check, dict | None]:
    """The PDF's signature (intact, covering the whole file, made with this platform's
    certificate) and the credential attached to it. Nothing is fetched: no revocation
    lookups, the only trusted certificate is the platform's own."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        attached = _attachment(reader, "credential.json")
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return Check("pdf", False, "not a readable PDF"), None
    if not signatures:
        return Check("pdf", False, "not signed"), parse_json(attached) if attached else None
    check = _pdf_signature(signatures[-1], signer_certificate)
    return check, parse_json(attached) if attached else None


def _pdf_signature(signature, signer_certificate) -> Check:
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from .signing import run_async

    context = ValidationContext(trust_roots=[signer_certificate], allow_fetching=False)
    try:
        result = run_async(
            async_validate_pdf_signature, signature, signer_validation_context=context
        )
    except ValueError as error:  # pyHanko's SignatureValidationError is one
        return Check("pdf", False, str(error)[:200])
    ours = result.signing_cert.dump() == signer_certificate.dump()
    whole = result.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ok = result.intact and result.valid and ours and whole
    subject = result.signing_cert.subject.native
    return Check("pdf", ok, subject.get("common_name") or subject.get("organization_name", ""))


def _attachment(reader, name: str) -> bytes | None:
    names = reader.root.get("/Names")
    files = names.get("/EmbeddedFiles") if names is not None else None
    entries = list(files.get("/Names", [])) if files is not None else []
    for key, spec in zip(entries[::2], entries[1::2], strict=False):
        if str(key) == name:
            return spec.get_object()["/EF"]["/F"].get_object().data
    return None
