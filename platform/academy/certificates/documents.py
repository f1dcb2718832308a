"""A certificate's signed documents, built for the running app: the Open Badges credential
(JSON and baked into PNG and SVG), the signed PDF, the status lists and the issuer's DID
document. Reads only; keys and settings come from the app (see init_app)."""

from __future__ import annotations

import json
import logging

from flask import current_app

from .. import clock
from ..config import ConfigError
from . import badges, openbadges, proofs, queries, signing, status, verification
from .keys import Keyring
from .models import Certificate
from .openbadges import Issuer
from .pdf import CertificateData, ModuleObjectives, render_pdf

KEYRING = "certificates.keyring"
PDF_SIGNER = "certificates.pdf_signer"
log = logging.getLogger(__name__)


def issuer() -> Issuer:
    """The issuer is named by PUBLIC_URL, never by the request: a forged Host header
    cannot name another issuer."""
    settings = current_app.config["SETTINGS"]
    return Issuer(settings.public_url, settings.organisation, current_app.extensions[KEYRING])


def keyring() -> Keyring:
    return current_app.extensions[KEYRING]


def face(certificate: Certificate) -> badges.BadgeFace:
    return badges.BadgeFace(
        certificate.certificate_title,
        certificate.organisation,
        certificate.issued_at.year,
        certificate.language,
    )


def credential(certificate: Certificate) -> dict:
    return openbadges.signed_credential(certificate, issuer(), badges.svg(face(certificate)))


def credential_json(certificate: Certificate) -> str:
    return json.dumps(credential(certificate), ensure_ascii=False, indent=2)


def badge_png(certificate: Certificate) -> bytes:
    return badges.png(face(certificate), credential_json(certificate))


def badge_svg(certificate: Certificate) -> str:
    return badges.svg(face(certificate), credential_json(certificate))


def pdf_data(certificate: Certificate) -> CertificateData:
    document = credential(certificate)
    return CertificateData(
        number=certificate.number,
        holder_name=certificate.holder_name,
        certificate_title=certificate.certificate_title,
        course_title=certificate.course_title,
        course_version=certificate.course_version,
        course_as_of=certificate.course_as_of,
        language=certificate.language,
        modules=tuple(
            ModuleObjectives(m["title"], tuple(m["objectives"])) for m in certificate.objectives
        ),
        organisation=certificate.organisation,
        score_percent=certificate.score_percent,
        issued_on=certificate.issued_at.date(),
        valid_until=certificate.valid_until,
        verify_url=document["id"],
        credential_json=json.dumps(document, ensure_ascii=False, indent=2),
    )


def signed_pdf(certificate: Certificate) -> bytes:
    settings = current_app.config["SETTINGS"]
    body = render_pdf(pdf_data(certificate))
    return signing.sign_pdf(body, pdf_signer(), settings.organisation, issuer().url("/"))


def pdf_signer() -> signing.PdfSigner:
    """Loaded (and in development created) on first use, and again when its PKCS#12 file
    is replaced: a new certificate signs the next PDF, without a restart. Checking
    costs one stat() per PDF."""
    settings = current_app.config["SETTINGS"]
    kept = current_app.extensions.get(PDF_SIGNER)
    if kept is None:
        return current_app.extensions.setdefault(PDF_SIGNER, signing.load_signer(settings))
    try:
        if kept.stamp != signing.file_stamp(signing.signer_file(settings)):
            kept = current_app.extensions[PDF_SIGNER] = signing.load_signer(settings)
    except (ConfigError, OSError) as error:  # gone, half copied, another password
        log.error("%s; PDFs are still signed with the certificate read before", error)
    return kept


def status_list(list_number: int) -> dict:
    revoked = queries.revoked_bits(list_number)
    return status.list_credential(issuer(), list_number, revoked, clock.utcnow())


def did_document() -> dict:
    return openbadges.did_document(issuer())


def verify(document: dict) -> verification.Verification:
    """Check a credential like an outside verifier, against this issuer's keys and lists."""
    current = issuer()

    def revoked(list_number: int, bit: int) -> bool:
        if not 1 <= list_number <= queries.status_list_count():
            raise ValueError("this issuer has no such status list")
        listed = status_list(list_number)  # the signed list, as /status/<n> serves it
        proofs.verify(listed, current.public_key_of)
        return status.is_set(listed["credentialSubject"]["encodedList"], bit)

    return verification.verify_credential(document, current, revoked, clock.utcnow())


def verify_upload(data: bytes) -> verification.Verification:
    """A file someone has: credential JSON, a certificate PDF or a baked PNG or SVG badge.
    A PDF's own signature counts too: a changed PDF is not confirmed, whatever it carries."""
    pdf_check = None
    if data.startswith(b"%PDF"):
        pdf_check, document = verification.check_pdf(data, pdf_signer().signing_cert)
    elif data.startswith(b"\x89PNG"):
        document = _unbaked(badges.unbake_png, data)
    elif b"<svg" in data[:2048]:
        document = _unbaked(badges.unbake_svg, data)
    else:
        document = verification.parse_json(data)
    result = verify(document) if document else verification.Verification(None)
    if pdf_check is not None:
        result.checks.insert(0, pdf_check)
    return result


def _unbaked(unbake, data: bytes) -> dict | None:
    try:
        return unbake(data)
    except badges.NotBaked:
        return None
