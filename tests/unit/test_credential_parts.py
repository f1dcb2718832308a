"""The pure parts of the credentials: the document loader, the eddsa-rdfc-2022 proof
against the W3C test vector, the status list bitstring, baking into PNG and SVG."""

from __future__ import annotations

import base64
import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from academy.certificates import badges, keys, linked_data, proofs, status

VECTOR = Path(__file__).parents[1] / "fixtures" / "data" / "eddsa-rdfc-2022-signed.json"
VECTOR_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
# The W3C examples context (https://www.w3.org/ns/credentials/examples/v2) is one @vocab.
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_CONTEXT = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}


def test_the_loader_resolves_bundled_contexts_and_refuses_every_other_url():
    for url in (linked_data.VC_V2, linked_data.OPEN_BADGES_V3, linked_data.STATUS_LIST_V1):
        assert "@context" in linked_data.load_document(url)["document"]
    for url in (EXAMPLES, "https://evil.example/context.json", "file:///etc/passwd"):
        with pytest.raises(linked_data.UnknownContext):
            linked_data.load_document(url)


def test_a_document_naming_another_context_cannot_be_canonicalised():
    document = {"@context": ["https://evil.example/context.json"], "name": "x"}
    with pytest.raises(JsonLdError):
        linked_data.canonical_nquads(document)


def test_the_w3c_test_vector_verifies_and_fails_when_changed(monkeypatch):
    """Interoperability: our verifier accepts what the specification's authors signed."""
    bundled = linked_data.load_document

    def with_examples(url, options=None):
        if url == EXAMPLES:
            return {"contextUrl": None, "documentUrl": url, "document": EXAMPLES_CONTEXT}
        return bundled(url, options)

    monkeypatch.setattr(linked_data, "load_document", with_examples)
    signed = json.loads(VECTOR.read_text())
    key = keys.public_key(VECTOR_KEY)
    method = proofs.verify(signed, lambda _method: key)
    assert method.endswith("#" + VECTOR_KEY)
    changed = {**signed, "credentialSubject": {**signed["credentialSubject"], "alumniOf": "X"}}
    with pytest.raises(proofs.ProofInvalid):
        proofs.verify(changed, lambda _method: key)


def test_sign_then_verify_and_an_unknown_key_is_refused():
    key = Ed25519PrivateKey.generate()
    document = {"@context": [linked_data.VC_V2], "type": ["VerifiableCredential"], "name": "N"}
    signed = proofs.sign(document, key, "did:web:a.example#k", datetime(2026, 1, 2, 3, 4, 5))
    assert signed["proof"][0]["created"] == "2026-01-02T03:04:05Z"
    assert proofs.verify(signed, lambda m: key.public_key() if m.endswith("#k") else None)
    with pytest.raises(proofs.ProofInvalid, match="does not publish"):
        proofs.verify(signed, lambda _m: None)


def test_multikey_round_trip():
    key = Ed25519PrivateKey.generate()
    name = keys.multikey(key.public_key())
    assert name.startswith("z6Mk") and len(name) == 48
    assert keys.multikey(keys.public_key(name)) == name
    assert keys.public_key("z6MkNotAKey") is None
    assert keys.public_key("nonsense") is None


def test_status_list_sets_exactly_the_revoked_bits_leftmost_first():
    encoded = status.encode([0, 9, status.LIST_SIZE - 1])
    assert encoded.startswith("u")
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 == status.LIST_SIZE
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert [status.is_set(encoded, bit) for bit in (0, 1, 9, 10)] == [True, False, True, False]
    assert status.position(status.LIST_SIZE + 5) == (2, 5)


def test_baked_png_and_svg_give_back_the_same_json():
    face = badges.BadgeFace("KI am Arbeitsplatz", "Muster & Söhne GmbH", 2026, "de")
    credential = {"name": 'A ]]> B <c> & "d"', "list": [1, 2], "umlaut": "Prüfung"}
    text = json.dumps(credential, ensure_ascii=False)
    assert badges.unbake_png(badges.png(face, text)) == credential
    assert badges.unbake_svg(badges.svg(face, text).encode()) == credential


def test_unbaking_plain_images_says_there_is_nothing():
    face = badges.BadgeFace("Titel", "Firma", 2026, "en")
    with pytest.raises(badges.NotBaked):
        badges.unbake_png(badges.png(face))
    with pytest.raises(badges.NotBaked):
        badges.unbake_svg(badges.svg(face).encode())
    with pytest.raises(badges.NotBaked):
        badges.unbake_png(b"not an image")


def test_a_huge_png_is_refused_before_its_pixels_are_decoded():
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (3000, 3000)).save(out, format="PNG")  # small file, 9 million pixels
    with pytest.raises(badges.NotBaked, match="not a PNG badge"):
        badges.unbake_png(out.getvalue())


def test_documents_that_could_make_canonicalisation_explode_are_not_canonicalised():
    """Blank node identifiers, graph keywords and long arrays of look-alike objects are
    refused before RDFC-1.0 would try every order of them."""
    ours = {"@context": [linked_data.VC_V2], "a": {"b": [{"c": 1}]}, "proof": [{"d": 2}]}
    assert linked_data.cheap_to_canonicalise(ours)
    poisoned = [
        {"@context": [linked_data.VC_V2], "x": [{"id": f"_:b{i}"} for i in range(2)]},
        {"@context": [linked_data.VC_V2], "x": [{"y": 1} for _ in range(4)]},
        {"@context": [linked_data.VC_V2], "@graph": [{"y": 1}]},
        {"@context": [linked_data.VC_V2], "x": {"@reverse": {"y": 1}}},
        {"x": {"y": {"z": 1}}} | {f"k{i}": {"v": i} for i in range(250)},
    ]
    assert not any(linked_data.cheap_to_canonicalise(d) for d in poisoned)
