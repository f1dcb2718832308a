"""Why a certificate request is refused, and what the person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class CertificateRefusal(StrEnum):
    ALREADY_REVOKED = "already_revoked"


class CertificateRefused(Refused):
    messages: ClassVar[dict] = {
        CertificateRefusal.ALREADY_REVOKED: _l("Dieses Zertifikat ist bereits widerrufen."),
    }
