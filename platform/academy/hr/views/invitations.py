"""Invitations HR can see: status (pending, accepted, expired, revoked), resend, revoke.
Sending new ones is the accounts domain's page (/invitations), shown in the HR tabs."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts import access
from ...accounts import services as accounts
from ...accounts.outcomes import AccountRefused
from ...extensions import db
from ...web import found, list_params
from .. import mails, queries
from . import bp
from .common import HR, scope


@bp.get("/invitations")
@access.roles(*HR)
def invitations():
    _search, page = list_params()
    return render_template(
        "hr/invitations.html", invitations=queries.invitations_page(scope(), current_user, page)
    )


@bp.post("/invitations/<int:invitation_id>/resend")
@access.roles(*HR)
def resend_invitation(invitation_id: int):
    invitation = found(queries.invitation(scope(), current_user, invitation_id))
    try:
        token = accounts.resend_invitation(invitation, current_user)
    except AccountRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("hr.invitations"))
    mails.send_invitations([(invitation.email, token)], current_user)
    db.session.commit()  # the new link and its queued mail together
    flash(_("Die Einladung an %(a)s ist erneut versendet.", a=invitation.email), "success")
    return redirect(url_for("hr.invitations"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@access.roles(*HR)
def revoke_invitation(invitation_id: int):
    invitation = found(queries.invitation(scope(), current_user, invitation_id))
    try:
        accounts.revoke_invitation(invitation, current_user)
    except AccountRefused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "Die Einladung an %(a)s ist zurückgezogen; der Link gilt nicht mehr.",
                a=invitation.email,
            ),
            "success",
        )
    return redirect(url_for("hr.invitations"))
