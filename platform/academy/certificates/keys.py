"""The issuer's Ed25519 keys: one signs, every earlier one stays published.

Where the signing key comes from:
- `CREDENTIAL_KEY` (64 hex digits) in the environment, with `CREDENTIAL_RETIRED_KEYS`
  listing the public keys of earlier ones: for production and for several hosts;
- otherwise `<instance>/credential-keys/`, created on first start (folder 0700, files
  0600): `signing-key.pem` and `retired-public-keys.txt`, one public key per line.

A key is named by its public key in Multikey form (`z6Mk…`, base58btc of the multicodec
ed25519-pub prefix and the 32 key bytes); that name is the fragment of its verification
method in the issuer's DID document, so a rotation only adds names, never changes one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key
FOLDER = "credential-keys"
SIGNING_KEY = "signing-key.pem"
RETIRED = "retired-public-keys.txt"


@dataclass(frozen=True)
class Keyring:
    signing_key: Ed25519PrivateKey
    retired: tuple[str, ...]  # public keys (multikey) of earlier signing keys

    @property
    def current(self) -> str:
        return multikey(self.signing_key.public_key())

    @property
    def published(self) -> tuple[str, ...]:
        """Every key a credential of this issuer may be signed with, newest first."""
        return (self.current, *(k for k in self.retired if k != self.current))

    def public_key(self, name: str) -> Ed25519PublicKey | None:
        return public_key(name) if name in self.published else None


def multikey(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB + raw).decode()


def public_key(name: str) -> Ed25519PublicKey | None:
    """The key a Multikey string names, or None if it names no Ed25519 key."""
    try:
        raw = base58.b58decode(name[1:]) if name.startswith("z") else b""
    except ValueError:
        return None
    if len(raw) != 34 or not raw.startswith(ED25519_PUB):
        return None
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def from_hex(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed))


def to_hex(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    ).hex()


def load(settings) -> Keyring:
    if settings.credential_key:
        return Keyring(from_hex(settings.credential_key), settings.credential_retired_keys)
    folder = key_folder(settings.instance_dir)
    return Keyring(_stored_key(folder), _stored_retired(folder))


def key_folder(instance_dir: Path) -> Path:
    folder = instance_dir / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _stored_key(folder: Path) -> Ed25519PrivateKey:
    path = folder / SIGNING_KEY
    if not path.exists():
        write_private(path, _pem(Ed25519PrivateKey.generate()), replace=False)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds no Ed25519 key")
    return key


def _stored_retired(folder: Path) -> tuple[str, ...]:
    path = folder / RETIRED
    if not path.exists():
        return ()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def rotate(instance_dir: Path) -> tuple[str, str]:
    """A new signing key in the instance folder; the old one's public key stays published.
    Returns (old, new) public keys."""
    folder = key_folder(instance_dir)
    old = multikey(_stored_key(folder).public_key())
    with (folder / RETIRED).open("a", encoding="utf-8") as retired:
        retired.write(old + "\n")
    new_key = Ed25519PrivateKey.generate()
    write_private(folder / SIGNING_KEY, _pem(new_key), replace=True)
    return old, multikey(new_key.public_key())


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_private(path: Path, content: bytes, *, replace: bool) -> None:
    """Write a secret readable by the owner only. Without `replace`, a file that another
    process created first wins (several workers may start at once)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    try:
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file exists: never overwrite a key
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
