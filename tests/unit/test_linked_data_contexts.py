"""The bundled JSON-LD contexts are processed once per process (issue 14): pyld keeps a
context it resolved only when the loader marks it static, and processing the Open Badges
and VC contexts again took half of every credential's (and certificate PDF's) signing."""

from __future__ import annotations

from academy.certificates import linked_data

DOCUMENT = {
    "@context": [linked_data.VC_V2, linked_data.OPEN_BADGES_V3],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:academy.example.com", "type": ["Profile"], "name": "Beispiel"},
    "validFrom": "2026-11-30T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://academy.example.com/courses/ki",
            "type": ["Achievement"],
            "name": "KI am Arbeitsplatz",
            "description": "Grundlagen",
            "criteria": {"narrative": "Prüfung bestanden"},
        },
    },
}


def test_the_bundled_contexts_are_loaded_once_and_give_the_same_nquads(monkeypatch):
    first = linked_data.canonical_nquads(DOCUMENT)
    loaded: list[str] = []
    load_document = linked_data.load_document

    def counting(url, options=None):
        loaded.append(url)
        return load_document(url, options)

    monkeypatch.setattr(linked_data, "load_document", counting)
    again = linked_data.canonical_nquads(DOCUMENT)
    assert loaded == []
    assert (
        again == first and "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>" in first
    )
