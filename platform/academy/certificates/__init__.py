"""Certificates: issuing, numbering, PDF, public verification, revocation, and the same
certificate as a signed Open Badges 3.0 credential."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import navigation, signals
    from ..navigation import MenuEntry
    from . import cli, documents, keys, queries, services, signing, views

    settings = app.config["SETTINGS"]  # PUBLIC_URL, the issuer's name, is always set
    # The issuer's key exists from the first start on (created in the instance folder
    # unless CREDENTIAL_KEY is set); a configured PDF certificate is checked now, so a
    # wrong password stops the start instead of the first download.
    app.extensions[documents.KEYRING] = keys.load(settings)
    if settings.pdf_signing_p12 is not None:
        app.extensions[documents.PDF_SIGNER] = signing.load_signer(settings)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.certificates_cli)
    # Only this app's signals: tests build several apps in one process.
    signals.exam_passed.connect(services.issue_after_pass, sender=app)
    signals.module_completed.connect(services.issue_after_pass, sender=app)
    signals.certificate_of_attempt.connect(queries.answer_certificate_of_attempt, sender=app)
    signals.certificate_withheld.connect(queries.answer_certificate_withheld, sender=app)
    signals.person_erasing.connect(services.keep_as_evidence, sender=app)
    navigation.add(
        app,
        MenuEntry("certificates.mine", _l("Meine Zertifikate"), order=20),
        MenuEntry("certificates.admin_list", _l("Zertifikate"), ("admin",), area="admin", order=20),
    )
