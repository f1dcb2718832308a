"""My certificates and their downloads, public verification (also of uploaded files), the
status lists and the issuer's DID document, revocation."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import access
from ..accounts import queries as accounts_queries
from ..extensions import db, limiter
from ..web import found, list_params, noindex
from . import documents, linkedin, numbers, queries, services
from .forms import HolderNameForm, RevokeForm, UploadForm, VerifyForm
from .models import Certificate
from .outcomes import CertificateRefused

bp = Blueprint("certificates", __name__)

JSON_LD = "application/ld+json"
# Personal files: never kept by a browser cache or a proxy.
PRIVATE = {"Cache-Control": "no-store"}
# Verification pages are for whoever holds a number, not for search engines.
UNLISTED = {"X-Robots-Tag": "noindex, nofollow"}


@bp.get("/certificates")
@access.signed_in
def mine():
    certificates = queries.of_user(current_user)
    links = {c.id: linkedin.add_to_profile_url(c, documents.issuer()) for c in certificates}
    return render_template("certificates/mine.html", certificates=certificates, linkedin=links)


@bp.get("/certificates/<int:certificate_id>.pdf")
@access.signed_in
def pdf(certificate_id: int):
    certificate = found(queries.own(current_user, certificate_id))
    if certificate.revoked_at is not None:
        return _revoked()
    return _download(
        documents.signed_pdf(certificate), "application/pdf", f"Zertifikat-{certificate.number}.pdf"
    )


# The credential and the badges it is baked into: file name -> (builder, media type, name).
DOWNLOADS = {
    "credential.json": (documents.credential_json, JSON_LD, "Zertifikat-{}.json"),
    "badge.png": (documents.badge_png, "image/png", "Badge-{}.png"),
    "badge.svg": (documents.badge_svg, "image/svg+xml", "Badge-{}.svg"),
}


@bp.get("/certificates/<int:certificate_id>/<any(credential.json, badge.png, badge.svg):name>")
@access.signed_in
def download(certificate_id: int, name: str):
    certificate = found(queries.own(current_user, certificate_id))
    if certificate.revoked_at is not None:
        return _revoked()
    build, mimetype, filename = DOWNLOADS[name]
    return _download(build(certificate), mimetype, filename.format(certificate.number))


def _revoked():
    """A revoked certificate is no longer handed out, in any form: a copy would look
    valid to whoever does not check it."""
    flash(
        _(
            "Dieses Zertifikat wurde widerrufen und lässt sich nicht mehr herunterladen. Die Prüfseite zeigt den Widerruf."
        ),
        "error",
    )
    return redirect(url_for("certificates.mine"), 303)


def _download(body, mimetype: str, filename: str) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, mimetype=mimetype, headers={**disposition, **PRIVATE})


@bp.get("/verify")
@access.public
@noindex
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        number = numbers.normalize(form.number.data)
        if number is None:
            form.number.errors.append(
                _("Das ist keine gültige Zertifikatsnummer (Beispiel: KIA-7F3K-9Q2M-X4TB-R8VD).")
            )
        else:
            return redirect(url_for("certificates.verify", number=number))
    page = render_template("certificates/verify_form.html", form=form, upload=UploadForm())
    return page, 400 if form.errors else 200, UNLISTED


@bp.post("/verify/upload")
@access.public
@limiter.limit("10 per minute;100 per hour")
def verify_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        page = render_template("certificates/verify_form.html", form=VerifyForm(), upload=form)
        return page, 400, UNLISTED
    result = documents.verify_upload(form.file.data.read())
    return render_template("certificates/verify_upload.html", result=result), 200, UNLISTED


@bp.get("/verify/<number>")
@access.public
@noindex
@limiter.limit("30 per minute;300 per hour")
def verify(number: str):
    canonical = numbers.normalize(number)
    if canonical is not None and canonical != number:
        return redirect(url_for("certificates.verify", number=canonical))
    certificate = queries.by_number(canonical) if canonical else None
    if certificate is not None and _wants_json():
        return _credential_response(certificate)
    return _verify_page(certificate, number)


@bp.post("/verify/<number>")
@access.public
@noindex
@limiter.limit("10 per minute;60 per hour")  # guessing names costs time
def verify_name(number: str):
    certificate = queries.by_number(numbers.normalize(number) or "")
    form = HolderNameForm()
    if certificate is None or accounts_queries.disclosure().verify_shows_name:
        return redirect(url_for("certificates.verify", number=number))
    matches = None
    if form.validate_on_submit():
        matches = queries.same_name(form.name.data, certificate.holder_name)
    return _verify_page(certificate, number, form, matches)


@bp.get("/verify/<number>/credential.json")
@access.public
@limiter.limit("30 per minute;300 per hour")
def verify_json(number: str):
    return _credential_response(found(queries.by_number(number)))


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", JSON_LD, "application/json"])
    return best in (JSON_LD, "application/json")


def _credential_response(certificate: Certificate) -> Response:
    headers = {**UNLISTED, "Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    if not accounts_queries.disclosure().verify_shows_name:
        # The signed credential names the holder; with names kept off the public page,
        # the holder hands it out themselves (download on "my certificates").
        message = _("Den Nachweis gibt die Inhaberin oder der Inhaber selbst weiter.")
        return Response(message, status=403, mimetype="text/plain", headers=headers)
    return Response(documents.credential_json(certificate), mimetype=JSON_LD, headers=headers)


def _verify_page(
    certificate: Certificate | None,
    number: str,
    name_form: HolderNameForm | None = None,
    matches: bool | None = None,
):
    result = documents.verify(documents.credential(certificate)) if certificate else None
    shows_name = accounts_queries.disclosure().verify_shows_name
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        result=result,
        state=result.state if result else "not_found",
        number=number,
        shows_name=shows_name,
        name_form=name_form or (None if shows_name else HolderNameForm(formdata=None)),
        matches=matches,
    )
    return page, 200 if certificate else 404, {**UNLISTED, "Vary": "Accept"}


@bp.get("/status/<int:list_number>")
@access.public
def status_list(list_number: int):
    found(list_number if 1 <= list_number <= queries.status_list_count() else None)
    body = json.dumps(documents.status_list(list_number), ensure_ascii=False)
    # Revocations must reach verifiers soon; caches may keep the list five minutes.
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    return Response(body, mimetype=JSON_LD, headers=headers)


@bp.get("/.well-known/did.json")
@bp.get("/did.json")
@access.public
def did_document():
    body = json.dumps(documents.did_document(), ensure_ascii=False, indent=2)
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    return Response(body, mimetype="application/did+ld+json", headers=headers)


@bp.get("/admin/certificates")
@access.roles("admin")
def admin_list():
    search, page = list_params()
    return render_template(
        "certificates/admin.html", certificates=queries.admin_page(search, page), search=search
    )


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@access.roles("admin")
def revoke(certificate_id: int):
    certificate = found(queries.by_id(certificate_id))
    form = RevokeForm()
    if certificate.revoked_at is None and not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "certificates/revoke.html", certificate=certificate, form=form
        ), status
    try:
        services.revoke(certificate, form.reason.data or "", current_user)
    except CertificateRefused as refusal:
        flash(refusal.message, "warning")
    else:
        db.session.commit()
        flash(_("Zertifikat %(n)s ist widerrufen.", n=certificate.number), "success")
    return redirect(url_for("certificates.admin_list", q=certificate.number))


@bp.post("/admin/certificates/<int:certificate_id>/allow-reissue")
@access.roles("admin")
def allow_reissue(certificate_id: int):
    certificate = found(queries.by_id(certificate_id))
    try:
        services.allow_reissue(certificate, current_user)
    except CertificateRefused as refusal:
        flash(refusal.message, "warning")
    else:
        db.session.commit()
        flash(
            _(
                "Nach dem Widerruf von %(n)s erhält die Person mit der nächsten bestandenen Prüfung ein neues Zertifikat.",
                n=certificate.number,
            ),
            "success",
        )
    return redirect(url_for("certificates.admin_list", q=certificate.number))
