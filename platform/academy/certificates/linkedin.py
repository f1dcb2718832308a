"""The "Add to LinkedIn profile" link: a plain link to LinkedIn's documented form for
adding a certification, filled from the certificate. Nothing is loaded from LinkedIn;
the browser only goes there when the learner follows the link."""

from __future__ import annotations

from urllib.parse import urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(certificate, issuer) -> str:
    issued, expires = certificate.issued_at, certificate.valid_until
    return (
        ADD_TO_PROFILE
        + "?"
        + urlencode(
            {
                "startTask": "CERTIFICATION_NAME",
                "name": certificate.certificate_title,
                "organizationName": certificate.organisation,
                "issueYear": issued.year,
                "issueMonth": issued.month,
                "expirationYear": expires.year,
                "expirationMonth": expires.month,
                "certUrl": issuer.url(f"/verify/{certificate.number}"),
                "certId": certificate.number,
            }
        )
    )
