"""The registry of personal data matches the models, and the privacy notice built from it
mentions every column that holds personal data."""

from __future__ import annotations

from academy.extensions import db
from academy.personal_data import Kind, Part
from academy.privacy import registry
from tests.fixtures.web import post


def model_columns() -> dict[str, set[str]]:
    return {table.name: {c.name for c in table.columns} for table in db.metadata.sorted_tables}


def test_every_table_and_column_of_the_models_is_described(app):
    described = {name: set(table.columns) for name, table in registry.tables().items()}
    with app.app_context():
        models = model_columns()
    missing = {
        f"{table}.{column}"
        for table, columns in models.items()
        for column in columns - described.get(table, set())
    }
    assert sorted(missing) == [], (
        "describe these columns in the personal_data.py next to their model "
        "(and add a new domain's TABLES to privacy/registry.py)"
    )
    stale = {
        f"{table}.{column}"
        for table, columns in described.items()
        for column in columns - models.get(table, set())
    }
    assert sorted(stale) == []


def test_every_foreign_key_to_a_person_says_how_the_row_belongs_to_them(app):
    """A column that points at users is the row's owner or names someone who acted, so
    the export lists it and erasure knows whether to delete the row or empty the column."""
    unexplained = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            declared = registry.tables()[table.name]
            for column in table.columns:
                if any(fk.column.table.name == registry.ROOT for fk in column.foreign_keys):
                    if column.name != declared.owner and column.name not in declared.actors:
                        unexplained.append(f"{table.name}.{column.name}")
                    assert declared.columns[column.name].part is Part.REFERENCE
    assert unexplained == []


def test_owned_tables_lead_back_to_users(app):
    with app.app_context():
        order = [t.name for t in registry.owned_in_order()]
    assert order[0] == "users"
    assert order.index("exam_attempts") < order.index("exam_results")


def test_every_kind_of_data_has_its_notice():
    assert set(registry.KINDS) == set(Kind)
    used = {c.kind for t in registry.DOMAIN_TABLES for c in t.items().values()}
    assert used == set(Kind)


def personal_labels() -> set[str]:
    return {
        str(column.label)
        for table in registry.DOMAIN_TABLES
        for column in table.items(Part.ITEM, Part.SECRET).values()
    }


def test_the_notice_mentions_every_column_that_holds_personal_data(client):
    """A model that gains a personal column fails here until the notice names it."""
    page = client.get("/privacy").get_data(as_text=True)
    with client.application.test_request_context():
        missing = [label for label in personal_labels() if label not in page]
    assert missing == []
    for words in ("Rechtsgrundlage", "Wie lange", "Wer es sieht", "Art. 4 KI-Verordnung"):
        assert words in page


def test_the_notice_in_english_too(client):
    page = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        missing = [label for label in personal_labels() if label not in page]
    assert missing == [] and "Legal basis" in page and "Rechtsgrundlage" not in page


def test_the_notice_follows_settings_and_configuration(make_app, signed_in):
    app = make_app(SMTP_HOST="mail.provider.example")
    admin, _ = signed_in("admin")
    response = post(
        admin,
        "/admin/privacy/settings",
        {
            "answers_days": "30",
            "sign_ins_days": "60",
            "deactivated_months": "12",
            "evidence_years": "5",
            "audit_years": "4",
            "self_erasure": "y",
            "contact": "Datenschutz: dsb@firma.example",
            "processors": "Hoster GmbH (Betrieb der Server)",
            "hr_min_group": "5",
        },
    )
    assert response.status_code == 302
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "mail.provider.example" in page and "Hoster GmbH" in page
    assert "dsb@firma.example" in page
    assert "30 Tage nach der Abgabe" in page and "4 Jahre" in page
    assert "löschen Sie Ihr Konto selbst" in page


def test_the_notice_names_the_company_sign_in_as_a_processor(make_app):
    """Issue 13: processors from the configuration, the single sign-on provider too."""
    plain = make_app().test_client().get("/privacy").get_data(as_text=True)
    assert "Firmenkonto über" not in plain
    app = make_app(
        OIDC_ISSUER="https://login.firma.example/realms/firma",
        OIDC_CLIENT_ID="academy",
        OIDC_CLIENT_SECRET="geheim",
    )
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Anmeldung mit dem Firmenkonto über login.firma.example" in page
