"""Certificates anyone can check without asking us: the Open Badges 3.0 credential (schema,
proof verified by an independent implementation, revocation bit), the baked badges, the
signed and tagged PDF, the verify page and uploads, the issuer's keys."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import socket
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jsonschema import Draft201909Validator
from PIL import Image
from pyld import jsonld

from academy.certificates.models import Certificate
from academy.extensions import db
from tests.fixtures.settings import PRODUCTION_SECRET_KEY, ROOT
from tests.fixtures.tools import require_tool
from tests.fixtures.web import post

DATA = ROOT / "platform" / "academy" / "certificates" / "data"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


def the_certificate(app, user_id) -> Certificate:
    with app.app_context():
        certificate = db.session.query(Certificate).filter_by(user_id=user_id).one()
        db.session.expunge(certificate)
        return certificate


def download_json(client, certificate) -> dict:
    response = client.get(f"/certificates/{certificate.id}/credential.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


# An independent verifier: pyld and cryptography called directly, the contexts read from
# the bundled files, the key taken from the DID document the platform publishes.


def _independent_loader(url, _options=None):
    if url not in CONTEXTS:
        raise ValueError(f"unexpected context {url}")
    document = json.loads((DATA / "contexts" / CONTEXTS[url]).read_text())
    return {"contextUrl": None, "documentUrl": url, "document": document}


def _rdfc_hash(document: dict) -> bytes:
    nquads = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": _independent_loader,
        },
    )
    return hashlib.sha256(nquads.encode()).digest()


def published_key(client, method: str) -> Ed25519PublicKey:
    did_document = client.get("/.well-known/did.json").get_json(force=True)
    (entry,) = [m for m in did_document["verificationMethod"] if m["id"] == method]
    assert method in did_document["assertionMethod"]
    raw = base58.b58decode(entry["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def independently_verify(client, credential: dict) -> None:
    """Raises InvalidSignature unless the eddsa-rdfc-2022 proof holds."""
    (proof,) = credential["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022" and proof["type"] == "DataIntegrityProof"
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = credential["@context"]
    signature = base58.b58decode(proof["proofValue"][1:])
    key = published_key(client, proof["verificationMethod"])
    key.verify(signature, _rdfc_hash(config) + _rdfc_hash(unsecured))


def test_the_credential_follows_the_official_open_badges_schema(certified, app):
    client, user_id = certified
    credential = download_json(client, the_certificate(app, user_id))
    schema = json.loads((DATA / "schema" / "ob_v3p0_achievementcredential_schema.json").read_text())
    errors = [e.message for e in Draft201909Validator(schema).iter_errors(credential)]
    assert errors == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    assert subject["name"] == "Clara Zertifiziert"
    (identity,) = subject["identifier"]
    assert identity["identityHash"].startswith("sha256$")
    assert "@firma.example" not in json.dumps(credential)  # no readable address
    achievement = subject["achievement"]
    assert achievement["name"] == "KI am Arbeitsplatz"
    assert "Stand November 2026" in achievement["version"]
    assert "Daten als Rohstoff" in achievement["criteria"]["narrative"]
    assert credential["issuer"]["name"] == "Muster GmbH"
    assert credential["issuer"]["id"] == "did:web:academy.example.com"


def test_the_recipient_hash_matches_the_holders_address(certified, app):
    client, user_id = certified
    credential = download_json(client, the_certificate(app, user_id))
    (identity,) = credential["credentialSubject"]["identifier"]
    with app.app_context():
        from academy.accounts.models import User

        email = db.session.get(User, user_id).email
    expected = hashlib.sha256((email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected


def test_an_independent_verifier_accepts_the_proof_and_rejects_any_change(certified, app):
    client, user_id = certified
    credential = download_json(client, the_certificate(app, user_id))
    independently_verify(client, credential)
    changes = {
        "name": lambda c: c["credentialSubject"].update(name="Mallory"),
        "validity": lambda c: c.update(validUntil="2099-12-31T23:59:59Z"),
        "objectives": lambda c: c["credentialSubject"]["achievement"]["criteria"].update(
            narrative="nothing"
        ),
        "status": lambda c: c["credentialStatus"].update(statusListIndex="1"),
        "created": lambda c: c["proof"][0].update(created="2020-01-01T00:00:00Z"),
    }
    for change in changes.values():
        tampered = json.loads(json.dumps(credential))
        change(tampered)
        with pytest.raises(InvalidSignature):
            independently_verify(client, tampered)


def status_bit(client, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    path = entry["statusListCredential"].removeprefix("https://academy.example.com")
    status_list = client.get(path).get_json(force=True)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status_list["credentialSubject"]["encodedList"]
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_revoking_sets_the_certificates_bit_in_the_status_list(certified, app, signed_in, client):
    learner, user_id = certified
    certificate = the_certificate(app, user_id)
    credential = download_json(learner, certificate)
    assert status_bit(client, credential) is False
    admin, _ = signed_in("admin")
    post(admin, f"/admin/certificates/{certificate.id}/revoke", {"reason": "Test des Widerrufs"})
    assert status_bit(client, credential) is True
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "Widerrufen" in page and "Widerrufsliste: widerrufen" in page
    # The credential the verify page offers machines says so too, through the same list.
    offered = client.get(f"/verify/{certificate.number}/credential.json").get_json(force=True)
    assert status_bit(client, offered) is True


def test_baked_png_and_svg_carry_the_same_credential(certified, app):
    client, user_id = certified
    certificate = the_certificate(app, user_id)
    credential = download_json(client, certificate)
    png = client.get(f"/certificates/{certificate.id}/badge.png")
    assert png.mimetype == "image/png" and png.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(png.data)) as image:
        from_png = json.loads(image.text["openbadgecredential"])
    svg = client.get(f"/certificates/{certificate.id}/badge.svg")
    assert svg.mimetype == "image/svg+xml"
    element = ElementTree.fromstring(svg.data).find(
        "{https://purl.imsglobal.org/ob/v3p0}credential"
    )
    from_svg = json.loads(element.text)
    assert from_png == from_svg == credential


def signed_pdf(client, certificate) -> bytes:
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def test_the_pdf_signature_validates_and_breaks_when_a_byte_changes(certified, app, tmp_path):
    pdfsig = require_tool("pdfsig")
    client, user_id = certified
    body = signed_pdf(client, the_certificate(app, user_id))
    good = tmp_path / "good.pdf"
    good.write_bytes(body)
    result = subprocess.run([pdfsig, str(good)], capture_output=True, text=True)
    assert "Signature is Valid." in result.stdout, result.stdout
    assert "Muster GmbH" in result.stdout and "Total document signed" in result.stdout
    # One byte inside the signed range: a letter of the text stream of page 1.
    position = body.index(b"stream", body.index(b"/Contents")) + 20
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(body[:position] + bytes([body[position] ^ 0x01]) + body[position + 1 :])
    result = subprocess.run([pdfsig, str(bad)], capture_output=True, text=True)
    assert "Signature is Valid." not in result.stdout
    assert "Signature is Invalid" in result.stdout or "Digest Mismatch" in result.stdout


def test_the_pdf_is_tagged_and_carries_the_credential(certified, app, tmp_path):
    pdfinfo, pdfdetach = require_tool("pdfinfo"), require_tool("pdfdetach")
    client, user_id = certified
    certificate = the_certificate(app, user_id)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(signed_pdf(client, certificate))
    info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    listing = subprocess.run([pdfdetach, "-list", str(path)], capture_output=True, text=True)
    assert "credential.json" in listing.stdout
    out = tmp_path / "credential.json"
    subprocess.run([pdfdetach, "-save", "1", "-o", str(out), str(path)], check=True)
    assert json.loads(out.read_text()) == download_json(client, certificate)
    from pypdf import PdfReader

    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    kinds = _structure_types(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P", "/Figure"} <= kinds
    figures = _figures(catalog["/StructTreeRoot"])
    assert any("QR-Code" in str(f.get("/Alt", "")) for f in figures)


def _structure_types(node, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    node = node.get_object()
    if "/S" in node:
        seen.add(str(node["/S"]))
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
            _structure_types(kid, seen)
    return seen


def _figures(node) -> list:
    node = node.get_object()
    found = [node] if node.get("/S") == "/Figure" else []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
            found += _figures(kid)
    return found


def upload(client, data: bytes, filename: str):
    return post(
        client,
        "/verify/upload",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_the_verify_page_checks_the_signed_credential(certified, app, client):
    _, user_id = certified
    certificate = the_certificate(app, user_id)
    response = client.get(f"/verify/{certificate.number}")
    page = response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert "Signatur (Ed25519, eddsa-rdfc-2022): gültig" in page
    assert "Widerrufsliste: nicht widerrufen" in page
    assert "Aussteller: Muster GmbH" in page
    assert "Stand November 2026" in page
    assert "@firma.example" not in page  # as little personal data as needed


def test_machines_get_the_credential_from_the_same_address(certified, app, client):
    _, user_id = certified
    certificate = the_certificate(app, user_id)
    url = f"/verify/{certificate.number}"
    as_json = client.get(url, headers={"Accept": "application/ld+json"})
    assert as_json.mimetype == "application/ld+json"
    credential = json.loads(as_json.get_data(as_text=True))
    assert credential["id"] == "https://academy.example.com" + url
    assert client.get(url, headers={"Accept": "text/html,*/*"}).mimetype == "text/html"
    assert 'type="application/ld+json"' in client.get(url).get_data(as_text=True)


def test_uploads_of_json_pdf_and_badges_are_verified(certified, app, client):
    learner, user_id = certified
    certificate = the_certificate(app, user_id)
    credential = download_json(learner, certificate)
    for data, name in (
        (json.dumps(credential).encode(), "credential.json"),
        (signed_pdf(learner, certificate), "certificate.pdf"),
        (learner.get(f"/certificates/{certificate.id}/badge.png").data, "badge.png"),
        (learner.get(f"/certificates/{certificate.id}/badge.svg").data, "badge.svg"),
    ):
        response = upload(client, data, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert "✓ Gültig" in page and "Clara Zertifiziert" in page, name
    assert "PDF-Signatur: unverändert, signiert von" in upload(
        client, signed_pdf(learner, certificate), "c.pdf"
    ).get_data(as_text=True)


def test_a_changed_upload_is_not_confirmed(certified, app, client):
    learner, user_id = certified
    certificate = the_certificate(app, user_id)
    credential = download_json(learner, certificate)
    credential["credentialSubject"]["name"] = "Mallory"
    page = upload(client, json.dumps(credential).encode(), "c.json").get_data(as_text=True)
    assert "Nicht bestätigt" in page and "Signatur: ungültig" in page
    body = signed_pdf(learner, certificate)
    position = body.index(b"stream", body.index(b"/Contents")) + 20
    changed = body[:position] + bytes([body[position] ^ 0x01]) + body[position + 1 :]
    page = upload(client, changed, "c.pdf").get_data(as_text=True)
    assert "PDF-Signatur: fehlt, passt nicht zum Inhalt" in page
    assert "Nicht bestätigt" in page  # even though the attached credential is intact


def test_uploads_without_a_credential_get_a_clear_answer(client):
    page = upload(client, b"hello", "note.txt").get_data(as_text=True)
    assert "Kein Nachweis in dieser Datei" in page
    empty = post(client, "/verify/upload", {})
    assert empty.status_code == 400 and "Bitte wählen Sie eine Datei aus." in empty.get_data(
        as_text=True
    )


def test_the_learner_sees_downloads_and_a_plain_linkedin_link(certified, app):
    client, user_id = certified
    certificate = the_certificate(app, user_id)
    page = client.get("/certificates").get_data(as_text=True)
    assert f"/certificates/{certificate.id}/credential.json" in page
    assert f"/certificates/{certificate.id}/badge.png" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert f"certId={certificate.number}" in page


def test_no_request_leaves_the_machine_while_issuing_and_verifying(
    signed_in, app, client, monkeypatch
):
    from tests.fixtures.journey import finish_modules, pass_exam

    attempts: list[object] = []
    real_connect = socket.socket.connect

    def local_only(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost")):
            return real_connect(sock, address)
        if sock.family == socket.AF_UNIX:
            return real_connect(sock, address)
        attempts.append(address)
        raise OSError("no network in this test")

    def no_lookup(host, *args, **kwargs):
        if host in ("127.0.0.1", "localhost", "::1", None):
            return real_getaddrinfo(host, *args, **kwargs)
        attempts.append(host)
        raise OSError("no network in this test")

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", local_only)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    learner, user_id = signed_in()
    finish_modules(learner, app)
    pass_exam(learner, app)  # issues the certificate
    certificate = the_certificate(app, user_id)
    credential = download_json(learner, certificate)
    signed_pdf(learner, certificate)
    assert "✓ Gültig" in client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "✓ Gültig" in upload(client, json.dumps(credential).encode(), "c.json").get_data(
        as_text=True
    )
    assert attempts == []


def test_keys_are_private_files_created_on_first_start(make_app, tmp_path):
    make_app()
    folder = tmp_path / "credential-keys"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "signing-key.pem").stat().st_mode & 0o777) == "0o600"


def test_a_rotated_key_stays_published_so_older_credentials_verify(certified, app, make_app):
    _, user_id = certified
    certificate = the_certificate(app, user_id)
    before = make_app()
    with before.test_request_context():
        from academy.certificates import documents, queries

        old_credential = documents.credential(queries.by_id(certificate.id))
    result = before.test_cli_runner().invoke(args=["certificates", "rotate-key"])
    assert result.exit_code == 0 and "stays published" in result.output
    after = make_app()
    with after.test_request_context():
        new_credential = documents.credential(queries.by_id(certificate.id))
        assert documents.verify(old_credential).state == "valid"
        assert documents.verify(new_credential).state == "valid"
    old_key = old_credential["proof"][0]["verificationMethod"]
    assert new_credential["proof"][0]["verificationMethod"] != old_key
    methods = [
        m["id"]
        for m in after.test_client()
        .get("/.well-known/did.json")
        .get_json(force=True)["verificationMethod"]
    ]
    assert old_key in methods and len(methods) == 2


def test_a_key_from_the_environment_signs_and_retired_ones_are_published(make_app):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from academy.certificates import keys

    current, retired = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    retired_name = keys.multikey(retired.public_key())
    configured = make_app(CREDENTIAL_KEY=keys.to_hex(current), CREDENTIAL_RETIRED_KEYS=retired_name)
    document = configured.test_client().get("/.well-known/did.json").get_json(force=True)
    published = [m["publicKeyMultibase"] for m in document["verificationMethod"]]
    assert published == [keys.multikey(current.public_key()), retired_name]


def test_wrong_key_settings_stop_the_start_with_one_line(make_app, tmp_path):
    from academy.config import ConfigError

    with pytest.raises(ConfigError, match="CREDENTIAL_KEY"):
        make_app(CREDENTIAL_KEY="not-hex")
    with pytest.raises(ConfigError, match="CREDENTIAL_RETIRED_KEYS"):
        make_app(CREDENTIAL_RETIRED_KEYS="z6MkTooShort")
    not_p12 = tmp_path / "cert.p12"
    not_p12.write_bytes(b"nonsense")
    with pytest.raises(ConfigError, match="PDF_SIGNING_CERT"):
        make_app(PDF_SIGNING_CERT=str(not_p12), PDF_SIGNING_PASSWORD="x")


def test_a_configured_pkcs12_signs_the_pdf(certified, app, make_app, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from academy.certificates import signing

    bundle = pkcs12.load_key_and_certificates(signing._new_p12("Echte Firma AG"), None)
    path = tmp_path / "company.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"company", bundle[0], bundle[1], None, BestAvailableEncryption(b"geheim")
        )
    )
    configured = make_app(PDF_SIGNING_CERT=str(path), PDF_SIGNING_PASSWORD="geheim")
    _, user_id = certified
    certificate = the_certificate(app, user_id)
    with configured.test_request_context():
        from academy.certificates import documents, queries

        body = documents.signed_pdf(queries.by_id(certificate.id))
        result = documents.verify_upload(body)
    assert result.check("pdf").ok and result.check("pdf").detail == "Echte Firma AG"
    assert result.state == "valid"


def test_production_needs_public_url_because_it_names_the_issuer(make_app):
    from academy.config import ConfigError

    with pytest.raises(ConfigError, match="PUBLIC_URL must be set in production"):
        make_app(APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY, PUBLIC_URL="")


def test_key_commands_print_keys_and_store_nothing(app, runner):
    from academy.certificates import keys

    listed = runner.invoke(args=["certificates", "keys"])
    assert listed.exit_code == 0 and listed.output.startswith("z6Mk") and "signing" in listed.output
    folder = Path(app.instance_path) / "credential-keys"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    printed = runner.invoke(args=["certificates", "new-key"])
    assert printed.exit_code == 0
    seed = printed.stdout.strip().removeprefix("CREDENTIAL_KEY=")
    assert len(seed) == 64 and keys.to_hex(keys.from_hex(seed)) == seed
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_rotation_is_refused_when_the_key_lives_in_the_environment(make_app):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from academy.certificates import keys

    configured = make_app(CREDENTIAL_KEY=keys.to_hex(Ed25519PrivateKey.generate()))
    result = configured.test_cli_runner().invoke(args=["certificates", "rotate-key"])
    assert result.exit_code != 0 and "CREDENTIAL_RETIRED_KEYS" in result.output


def test_every_term_of_the_credential_is_defined_by_its_contexts(certified, app):
    """Verifiers in JSON-LD "safe mode" refuse a credential with an undefined term or type
    (it would be left out of what the proof signs): everything expands to a full IRI."""
    client, user_id = certified
    credential = download_json(client, the_certificate(app, user_id))
    expanded = jsonld.expand(credential, {"documentLoader": _independent_loader})
    relative = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if not key.startswith(("@", "https://", "http://")):
                    relative.append(key)
                if key == "@type":
                    types = value if isinstance(value, list) else [value]
                    relative.extend(t for t in types if ":" not in t)
                walk(value)

    walk(expanded)
    assert relative == []
    # An undefined property would be dropped silently: every value must still be there.
    kept = set(_leaves(expanded, skip=()))
    values = _leaves(credential, skip=("@context", "type", "proofPurpose"))  # IRIs by now
    assert [v for v in values if v not in kept] == []


def _leaves(node, skip):
    if isinstance(node, list):
        for item in node:
            yield from _leaves(item, skip)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from _leaves(value, skip)
    else:
        yield str(node).lower() if isinstance(node, bool) else str(node)


ODD_UPLOADS = [
    b"",
    b"[]",
    b"{}",
    b'{"proof": "x", "@context": 5}',
    b'{"@context": ["https://evil.example/ctx"], "proof": [{"type": "DataIntegrityProof"}]}',
    b"\xff\xfe\x00garbage",
    b"%PDF-1.7 but not really",
    b"\x89PNG\r\n\x1a\n broken",
    b'<svg xmlns="http://www.w3.org/2000/svg"><unclosed',
    b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg>&b;</svg>',
    b"[" * 100_000,
]


@pytest.mark.parametrize("data", ODD_UPLOADS, ids=range(len(ODD_UPLOADS)))
def test_odd_uploads_get_an_answer_not_an_error(client, data):
    response = upload(client, data, "file")
    assert response.status_code == 200
    assert "Nicht bestätigt" in response.get_data(as_text=True)


def test_a_credential_pointing_at_a_status_list_that_does_not_exist_is_not_confirmed(
    certified, app, client
):
    learner, user_id = certified
    credential = download_json(learner, the_certificate(app, user_id))
    for number, index in (("99999999999999999999", "1"), ("1", "99999999999999999999")):
        credential["credentialStatus"]["statusListCredential"] = (
            f"https://academy.example.com/status/{number}"
        )
        credential["credentialStatus"]["statusListIndex"] = index
        page = upload(client, json.dumps(credential).encode(), "c.json")
        assert page.status_code == 200
        assert "Widerrufsliste: widerrufen oder nicht prüfbar" in page.get_data(as_text=True)


def test_pdfs_are_signed_and_checked_where_an_event_loop_runs(certified, app):
    """pyHanko works with coroutines; under an async server (or Playwright's sync API in
    this suite) a loop already runs in the thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from academy.certificates import documents, queries

    _, user_id = certified
    certificate = the_certificate(app, user_id)

    async def inside_a_loop():
        with app.test_request_context():
            body = documents.signed_pdf(queries.by_id(certificate.id))
            return documents.verify_upload(body)

    # A thread of its own: Playwright may already run a loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, inside_a_loop()).result()
    assert result.check("pdf").ok and result.state == "valid"
