"""Reading a verified ID token with the configured claim names (pure)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from academy.sso import claims

SETTINGS = SimpleNamespace(
    email_verified_claim="email_verified",
    department_claim="department",
    groups_claim="groups",
    role_map=(("ki-hr", "hr"), ("ki-alle", "learner")),
)


def test_a_full_token():
    person = claims.read(
        {
            "sub": "42",
            "email": " Ann@Firma.Example ",
            "email_verified": "true",
            "given_name": "Ann",
            "family_name": "Berg",
            "department": ["  Vertrieb   Nord "],
            "groups": ["ki-hr", "kantine"],
        },
        SETTINGS,
    )
    assert person == claims.Person(
        "42", "ann@firma.example", True, "Ann Berg", "Vertrieb Nord", ("ki-hr", "kantine")
    )
    assert claims.roles(person, SETTINGS) == {"hr"}
    assert claims.in_known_group(person, SETTINGS)


@pytest.mark.parametrize("flag", [False, "false", None, 1, "yes"])
def test_only_true_means_verified(flag):
    assert not claims.read({"sub": "1", "email_verified": flag}, SETTINGS).email_verified


def test_no_name_claim_means_no_name():
    assert claims.read({"sub": "1", "email": "bo@firma.example"}, SETTINGS).name == ""


def test_groups_as_text_and_missing_groups():
    assert claims.read({"sub": "1", "groups": "a, b"}, SETTINGS).groups == ("a", "b")
    assert claims.read({"sub": "1"}, SETTINGS).groups == ()


@pytest.mark.parametrize(
    "token",
    [
        {"sub": "1", "_claim_names": {"groups": "src1"}},  # Entra ID's groups overage
        {"sub": "1", "groups": [{"id": 1}]},
    ],
)
def test_unreadable_groups_are_refused(token):
    with pytest.raises(claims.UnreadableGroups):
        claims.read(token, SETTINGS)
