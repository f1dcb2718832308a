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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..config import ConfigError
from .keys import key_folder, write_private

if TYPE_CHECKING:
    from pyhanko.sign import signers

DEVELOPMENT_P12 = "pdf-signing.p12"
MD_ALGORITHM = "sha256"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfSigner:
    """pyHanko's signer for the configured certificate (or the instance folder's), kept
    per process: reading the PKCS#12 file and working out the room for the signature
    in the PDF (pyHanko signs a dummy for that) are done once, not per PDF."""

    signer: signers.SimpleSigner
    stamp: tuple[int, int, int]  # the file's size, modification time and inode when read
    bytes_reserved: int  # hex digits the signature container may take in the PDF

    @property
    def signing_cert(self):
        return self.signer.signing_cert


def signer_file(settings) -> Path:
    """The PKCS#12 file PDFs are signed with: PDF_SIGNING_CERT, or the instance folder's
    self-signed one (created on first use)."""
    if settings.pdf_signing_p12 is not None:
        return settings.pdf_signing_p12
    return _self_signed(settings.instance_dir, settings.organisation)


def file_stamp(path: Path) -> tuple[int, int, int]:
    """What changes when the file is replaced (a new certificate copied or moved in)."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ino


def load_signer(settings) -> PdfSigner:
    from pyhanko.sign import signers

    path = signer_file(settings)
    stamp = file_stamp(path)
    if settings.pdf_signing_p12 is not None:
        password = settings.pdf_signing_password
    else:
        password = ""
        if settings.production:
            log.warning("PDF_SIGNING_CERT is unset: PDFs are signed with a self-signed certificate")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=password.encode() or None
        )
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"PDF_SIGNING_CERT: cannot read {path}: wrong password or not a PKCS#12 file"
        ) from error
    if signer is None:
        raise ConfigError(f"PDF_SIGNING_CERT: {path} holds no key and certificate")
    return PdfSigner(signer, stamp, run_async(_bytes_reserved, signer))


async def _bytes_reserved(signer) -> int:
    """The room pyHanko would reserve (it works it out from a dummy signature before
    every PDF): the same certificate and key give a container of the same size."""
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    dummy = await signer.async_sign(
        hashes.Hash(hashes.SHA256()).finalize(),
        MD_ALGORITHM,
        use_pades=True,
        dry_run=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(UTC)),
    )
    hex_digits = len(dummy.dump()) * 2
    return hex_digits + 2 * (hex_digits // 4)  # pyHanko's margin of half as much again


def sign_pdf(body: bytes, signer: PdfSigner, signer_name: str, location: str) -> bytes:
    """The PDF with a PAdES baseline signature added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(body))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm=MD_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        location=location,
        reason="Certificate issued",
    )
    out = run_async(
        signers.PdfSigner(meta, signer.signer).async_sign_pdf,
        writer,
        bytes_reserved=signer.bytes_reserved,
    )
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
