"""/healthz: what a load balancer and monitoring ask before sending a host traffic."""

from __future__ import annotations

import socket

from sqlalchemy import text

from academy.extensions import db
from academy.health import expected_revisions
from tests.fixtures.web import count_queries


def test_a_migrated_database_is_healthy_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok" and response.json["migrations"] == "current"
    assert response.json["revision"] in expected_revisions()
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # a probe starts no session


def test_the_probe_asks_no_user_even_with_a_session(signed_in, app):
    """A signed-in browser opening /healthz: one connection for the revision, no user query."""
    client, _ = signed_in()
    with count_queries(app) as statements:
        assert client.get("/healthz").status_code == 200
    assert not any("FROM users" in statement for statement in statements), statements


def test_a_database_behind_the_code_is_503(app, client):
    with app.app_context():
        with db.engine.begin() as connection:
            (before,) = connection.execute(text("SELECT version_num FROM alembic_version")).one()
            connection.execute(text("UPDATE alembic_version SET version_num = '0007'"))
        try:
            response = client.get("/healthz")
        finally:
            with db.engine.begin() as connection:
                connection.execute(
                    text("UPDATE alembic_version SET version_num = :v"), {"v": before}
                )
    assert response.status_code == 503
    assert response.json["migrations"] == "pending" and response.json["revision"] == "0007"


def test_a_database_never_migrated_is_503(make_app, tmp_path):
    fresh = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    response = fresh.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["migrations"] == "pending" and response.json["revision"] is None


def test_an_unreachable_database_is_503_in_seconds(make_app):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused at once
    down = make_app(DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing")
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "database": "unreachable",
        "error": "OperationalError",
    }
