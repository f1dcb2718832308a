"""The PDF signer is kept per process (issue 14): read once, with the room for its
signature worked out once, and read again as soon as its PKCS#12 file is replaced."""

from __future__ import annotations

import logging

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from academy.certificates import documents, queries, signing
from academy.certificates.models import Certificate
from academy.extensions import db


def _p12(organisation: str, password: bytes) -> bytes:
    key, certificate, _ = pkcs12.load_key_and_certificates(signing._new_p12(organisation), None)
    return pkcs12.serialize_key_and_certificates(
        b"company", key, certificate, None, BestAvailableEncryption(password)
    )


def _certificate_id(app, user_id) -> int:
    with app.app_context():
        return db.session.query(Certificate).filter_by(user_id=user_id).one().id


def _signed_by(app, certificate_id: int) -> str:
    """Sign the certificate's PDF now and return who the signature names, as the upload
    check reads it."""
    with app.test_request_context():
        body = documents.signed_pdf(queries.by_id(certificate_id))
        result = documents.verify_upload(body)
    assert result.check("pdf").ok and result.state == "valid"
    return result.check("pdf").detail


@pytest.fixture
def company_app(certified, app, make_app, tmp_path):
    path = tmp_path / "company.p12"
    path.write_bytes(_p12("Erste Firma AG", b"geheim"))
    configured = make_app(PDF_SIGNING_CERT=str(path), PDF_SIGNING_PASSWORD="geheim")
    return configured, path, _certificate_id(app, certified[1])


def _swap(path, content: bytes) -> None:
    """Replace the file the usual way: write a new one, rename it over the old."""
    new = path.with_suffix(".new")
    new.write_bytes(content)
    new.replace(path)


def test_a_replaced_certificate_signs_the_next_pdf_without_a_restart(company_app):
    configured, path, certificate_id = company_app
    assert _signed_by(configured, certificate_id) == "Erste Firma AG"
    _swap(path, _p12("Zweite Firma AG", b"geheim"))
    assert _signed_by(configured, certificate_id) == "Zweite Firma AG"


def test_an_unreadable_replacement_keeps_the_certificate_read_before(company_app, caplog):
    configured, path, certificate_id = company_app
    assert _signed_by(configured, certificate_id) == "Erste Firma AG"
    _swap(path, _p12("Zweite Firma AG", b"anderes-passwort"))
    with caplog.at_level(logging.ERROR, logger="academy.certificates.documents"):
        assert _signed_by(configured, certificate_id) == "Erste Firma AG"
    assert "PDF_SIGNING_CERT" in caplog.text and "read before" in caplog.text
    _swap(path, _p12("Zweite Firma AG", b"geheim"))  # fixed: used at once
    assert _signed_by(configured, certificate_id) == "Zweite Firma AG"


def test_a_removed_file_keeps_the_certificate_read_before(company_app, caplog):
    configured, path, certificate_id = company_app
    assert _signed_by(configured, certificate_id) == "Erste Firma AG"
    path.unlink()
    with caplog.at_level(logging.ERROR, logger="academy.certificates.documents"):
        assert _signed_by(configured, certificate_id) == "Erste Firma AG"
    assert "company.p12" in caplog.text


def test_the_room_for_the_signature_is_worked_out_once_per_certificate(company_app, monkeypatch):
    """pyHanko signs a dummy before every PDF to size the signature's placeholder, unless
    it is told the size; the signer works it out once, when it is read."""
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    configured, _, certificate_id = company_app
    with configured.test_request_context():
        documents.pdf_signer()  # read (at start-up, with PDF_SIGNING_CERT)

    def no_estimate(*args, **kwargs):
        raise AssertionError("pyHanko estimated the signature size again")

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", no_estimate)
    for _ in range(2):
        assert _signed_by(configured, certificate_id) == "Erste Firma AG"
