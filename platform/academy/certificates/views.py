"""My certificates, the PDF, public verification and revocation."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import access
from ..extensions import db, limiter
from ..templating import external_url
from ..web import found, list_params, noindex
from . import numbers, queries, services
from .forms import RevokeForm, VerifyForm
from .models import Certificate
from .outcomes import CertificateRefused
from .pdf import CertificateData, ModuleObjectives, render_pdf

bp = Blueprint("certificates", __name__)


@bp.get("/certificates")
@access.signed_in
def mine():
    return render_template("certificates/mine.html", certificates=queries.of_user(current_user))


@bp.get("/certificates/<int:certificate_id>.pdf")
@access.signed_in
def pdf(certificate_id: int):
    certificate = found(queries.own(current_user, certificate_id))
    body = render_pdf(_pdf_data(certificate))
    filename = f"Zertifikat-{certificate.number}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _pdf_data(certificate: Certificate) -> CertificateData:
    return CertificateData(
        number=certificate.number,
        holder_name=certificate.holder_name,
        certificate_title=certificate.certificate_title,
        course_title=certificate.course_title,
        course_version=certificate.course_version,
        language=certificate.language,
        modules=tuple(
            ModuleObjectives(m["title"], tuple(m["objectives"])) for m in certificate.objectives
        ),
        organisation=certificate.organisation,
        score_percent=certificate.score_percent,
        issued_on=certificate.issued_at.date(),
        valid_until=certificate.valid_until,
        verify_url=external_url("certificates.verify", number=certificate.number),
    )


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
    return render_template("certificates/verify_form.html", form=form), 400 if form.errors else 200


@bp.get("/verify/<number>")
@access.public
@noindex
@limiter.limit("30 per minute;300 per hour")
def verify(number: str):
    canonical = numbers.normalize(number)
    if canonical is not None and canonical != number:
        return redirect(url_for("certificates.verify", number=canonical))
    certificate = queries.by_number(canonical) if canonical else None
    state = certificate.state() if certificate else "not_found"
    response = render_template(
        "certificates/verify.html", certificate=certificate, state=state, number=number
    )
    return response, 200 if certificate else 404


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
