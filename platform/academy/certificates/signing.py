"""The PAdES signature on certificate PDFs.

The organisation's signing certificate comes as a PKCS#12 file (`PDF_SIGNING_CERT`, with
`PDF_SIGNING_PASSWORD`). Without one, a self-signed certificate in the organisation's
name is created once in the instance folder (`pdf-signing.p12`, mode 0600): a PDF reader
then shows the signature as intact but the signer as unknown, until a certificate from a
trusted authority is configured (README: "Signed PDFs").
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..config import ConfigError
from .keys import key_folder, write_private

DEVELOPMENT_P12 = "pdf-signing.p12"
log = logging.getLogger(__name__)


def load_signer(settings):
    """pyHanko's signer for the configured certificate (or the instance folder's)."""
    from pyhanko.sign import signers

    if settings.pdf_signing_p12 is not None:
        data, password = settings.pdf_signing_p12.read_bytes(), settings.pdf_signing_password
        source = str(settings.pdf_signing_p12)
    else:
        path = _self_signed(settings.instance_dir, settings.organisation)
        data, password, source = path.read_bytes(), "", str(path)
        if settings.production:
            log.warning("PDF_SIGNING_CERT is unset: PDFs are signed with a self-signed certificate")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode() or None
        )
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"PDF_SIGNING_CERT: cannot read {source}: wrong password or not a PKCS#12 file"
        ) from error
    if signer is None:
        raise ConfigError(f"PDF_SIGNING_CERT: {source} holds no key and certificate")
    return signer


def sign_pdf(body: bytes, signer, signer_name: str, location: str) -> bytes:
    """The PDF with a PAdES baseline signature added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(body))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        location=location,
        reason="Certificate issued",
    )
    out = run_async(signers.PdfSigner(meta, signer).async_sign_pdf, writer)
    return out.getvalue()


def run_async(function, *args, **kwargs):
    """pyHanko's work as a coroutine, to completion. Its blocking wrappers call
    asyncio.run(), which fails where an event loop already runs in the thread (async
    workers, Playwright's sync API in tests): then a thread of its own runs it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(function(*args, **kwargs))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, function(*args, **kwargs)).result()


def _self_signed(instance_dir: Path, organisation: str) -> Path:
    path = key_folder(instance_dir) / DEVELOPMENT_P12
    if not path.exists():
        write_private(path, _new_p12(organisation), replace=False)
    return path


def _new_p12(organisation: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())  # made in a millisecond; RSA takes seconds
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=10 * 365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"pdf-signing", key, certificate, None, serialization.NoEncryption()
    )
