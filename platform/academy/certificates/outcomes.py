"""Why a certificate request is refused, and what the person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class CertificateRefusal(StrEnum):
    ALREADY_REVOKED = "already_revoked"
    NOT_REVOKED = "not_revoked"
    REISSUE_ALREADY_ALLOWED = "reissue_already_allowed"


class CertificateRefused(Refused):
    messages: ClassVar[dict] = {
        CertificateRefusal.ALREADY_REVOKED: _l("Dieses Zertifikat ist bereits widerrufen."),
        CertificateRefusal.NOT_REVOKED: _l(
            "Ein neues Zertifikat lässt sich nur nach einem Widerruf freigeben."
        ),
        CertificateRefusal.REISSUE_ALREADY_ALLOWED: _l(
            "Ein neues Zertifikat ist für diesen Kurs bereits freigegeben."
        ),
    }
