"""Single sign-on settings: checked once at start-up, one line naming the variable."""

from __future__ import annotations

import pytest

from academy.config import ConfigError, load

SSO = {
    "OIDC_ISSUER": "https://login.firma.example/realms/firma/",
    "OIDC_CLIENT_ID": "academy",
    "OIDC_CLIENT_SECRET": "s3cret",
}


def settings(tmp_path, **env):
    return load({"INSTANCE_DIR": str(tmp_path), **env})


def test_not_configured_by_default(tmp_path):
    result = settings(tmp_path)
    assert result.oidc is None and result.local_passwords


def test_defaults_when_configured(tmp_path):
    oidc = settings(tmp_path, **SSO).oidc
    assert oidc.issuer == "https://login.firma.example/realms/firma"
    assert oidc.scopes == "openid email profile" and oidc.session_hours == 12
    assert oidc.groups_claim == "groups" and oidc.email_verified_claim == "email_verified"
    assert oidc.role_map == () and not oidc.require_group


def test_role_map_is_read_and_names_the_managed_roles(tmp_path):
    oidc = settings(
        tmp_path, **SSO, OIDC_ROLE_MAP="ki-hr=hr, ki-trainer=trainer,ki-admin=admin"
    ).oidc
    assert oidc.role_map == (("ki-hr", "hr"), ("ki-trainer", "trainer"), ("ki-admin", "admin"))
    assert oidc.managed_roles == {"hr", "trainer", "admin"}


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({**SSO, "OIDC_ISSUER": "http://login.firma.example"}, "only accepted on the loopback"),
        ({**SSO, "OIDC_ISSUER": "login.firma.example"}, "OIDC_ISSUER="),
        ({**SSO, "OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID"),
        ({**SSO, "OIDC_CLIENT_SECRET": ""}, "exactly one of OIDC_CLIENT_SECRET"),
        ({**SSO, "OIDC_PRIVATE_KEY_FILE": "/nonexistent.pem"}, "exactly one of"),
        ({**SSO, "OIDC_ROLE_MAP": "ki-hr=boss"}, "OIDC_ROLE_MAP"),
        ({**SSO, "OIDC_SCOPES": "email profile"}, "must contain openid"),
        ({**SSO, "OIDC_SESSION_HOURS": "0"}, "OIDC_SESSION_HOURS"),
        ({**SSO, "OIDC_REQUIRE_GROUP": "true"}, "needs OIDC_ROLE_MAP"),
        ({"OIDC_CLIENT_ID": "academy"}, "OIDC_ISSUER is not"),
        ({"LOCAL_PASSWORDS": "false"}, "needs single sign-on"),
        ({**SSO, "BREAK_GLASS_ADMINS": "admin"}, "BREAK_GLASS_ADMINS"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, env, words):
    with pytest.raises(ConfigError) as error:
        settings(tmp_path, **env)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_http_issuer_on_the_loopback_is_accepted(tmp_path):
    oidc = settings(tmp_path, **{**SSO, "OIDC_ISSUER": "http://127.0.0.1:8080"}).oidc
    assert oidc.issuer == "http://127.0.0.1:8080"


def test_a_private_key_file_instead_of_a_secret(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "key.pem").write_bytes(pem)
    env = {**SSO, "OIDC_CLIENT_SECRET": "", "OIDC_PRIVATE_KEY_FILE": str(tmp_path / "key.pem")}
    oidc = settings(tmp_path, **env).oidc
    assert oidc.private_key.startswith("-----BEGIN PRIVATE KEY") and oidc.client_secret == ""
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(ConfigError, match="holds no PEM private key"):
        settings(tmp_path, **{**env, "OIDC_PRIVATE_KEY_FILE": str(tmp_path / "bad.pem")})
